/*
 * test_page_cache.c — the page cache's budget: an entry takes its own size
 * (not whole pages), every hit returns the bytes stored under its key, the
 * newest entry is always there, the budget holds under churn.
 */
#include "http/page_cache.h"
#include "startup.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>

#include "unit.h"

static const int64_t NOW = 1764000000, LATER = 1764000000 + 3600;

static page_cached meta_of(void)
{
    return (page_cached){.content_type = "text/html; charset=utf-8", .gzip = true};
}

/* A body whose bytes say which key it belongs to. */
static char *body_for(unsigned n, size_t len)
{
    char *b = xmalloc(len);
    for (size_t i = 0; i < len; i++)
        b[i] = (char)('a' + (n * 7 + i) % 26);
    return b;
}

static bool hit_is(page_cache *pc, const char *key, unsigned n, size_t len)
{
    arena *a = arena_new();
    buf out = {0};
    page_cached meta;
    bool ok = page_cache_get(pc, key, 1, NOW, a, &out, &meta);
    char *want = body_for(n, len);
    ok = ok && out.len == len && memcmp(out.data, want, len) == 0 &&
         strcmp(meta.content_type, "text/html; charset=utf-8") == 0 && meta.gzip;
    free(want);
    buf_free(&out);
    arena_free(a);
    return ok;
}

/* A results page is about 5 KB gzipped: with a mapping each it took two
 * pages (8 KiB) of the budget; in the ring, its own size. */
TEST(entries_take_their_size_not_pages)
{
    page_cache *pc = page_cache_new(16u << 20);
    const page_cached meta = meta_of();
    char key[64];
    for (unsigned n = 0; n < 100; n++) {
        char *body = body_for(n, 5000);
        snprintf(key, sizeof key, "/lieux?ou=commune-%u", n);
        page_cache_put(pc, key, 1, LATER, body, 5000, &meta);
        free(body);
    }
    CHECK(page_cache_bytes(pc) > 100 * 5000);
    CHECK(page_cache_bytes(pc) < 100 * 5600);
    bool all = true;
    for (unsigned n = 0; n < 100; n++) {
        snprintf(key, sizeof key, "/lieux?ou=commune-%u", n);
        all = all && hit_is(pc, key, n, 5000);
    }
    CHECK(all);
    page_cache_free(pc);
}

/* Entries of every size, replaced and evicted in a small budget: every hit
 * is its own key's bytes, the entry just stored is there, and the budget
 * holds after each store. */
TEST(churn_keeps_bytes_and_budget)
{
    const size_t budget = 512 * 1024;
    page_cache *pc = page_cache_new(budget);
    const page_cached meta = meta_of();
    enum { KEYS = 200 };
    size_t lens[KEYS] = {0};
    bool within = true, stored_found = true, hits_right = true;
    unsigned older_hits = 0;
    char key[64];
    srand(13);
    for (unsigned i = 0; i < 4 * KEYS; i++) {
        unsigned n = (unsigned)rand() % KEYS;
        size_t len = (size_t)(100 + rand() % 40000);
        lens[n] = len;
        char *body = body_for(n, len);
        snprintf(key, sizeof key, "/k/%u", n);
        page_cache_put(pc, key, 1, LATER, body, len, &meta);
        free(body);
        within = within && page_cache_bytes(pc) <= budget;
        stored_found = stored_found && hit_is(pc, key, n, len);
        for (unsigned k = 0; k < KEYS; k += 7) { /* others: a hit is their own bytes */
            if (!lens[k] || k == n) continue;
            snprintf(key, sizeof key, "/k/%u", k);
            arena *a = arena_new();
            buf out = {0};
            page_cached m;
            bool hit = page_cache_get(pc, key, 1, NOW, a, &out, &m);
            buf_free(&out);
            arena_free(a);
            if (hit) {
                older_hits++;
                hits_right = hits_right && hit_is(pc, key, k, lens[k]);
            }
        }
    }
    CHECK(within);
    CHECK(stored_found);
    CHECK(older_hits > 0);
    CHECK(hits_right);
    page_cache_free(pc);
}

/* Four threads storing and reading the same keys in a ring that wraps
 * hundreds of times: every hit is a whole body of its own key (a body's
 * bytes depend on its key and length), never bytes being overwritten. */
static page_cache *shared;
static atomic_uint torn, shared_hits;

static void *churn_thread(void *arg)
{
    unsigned seed = (unsigned)(uintptr_t)arg;
    const page_cached meta = meta_of();
    char key[64];
    for (unsigned i = 0; i < 20000; i++) {
        unsigned n = (unsigned)rand_r(&seed) % 300;
        snprintf(key, sizeof key, "/t/%u", n);
        if (rand_r(&seed) % 2) {
            size_t len = (size_t)(100 + rand_r(&seed) % 20000);
            char *body = body_for(n, len);
            page_cache_put(shared, key, 1, LATER, body, len, &meta);
            free(body);
        } else {
            arena *a = arena_new();
            buf out = {0};
            page_cached m;
            if (page_cache_get(shared, key, 1, NOW, a, &out, &m)) {
                atomic_fetch_add(&shared_hits, 1);
                char *want = body_for(n, out.len);
                if (memcmp(out.data, want, out.len) != 0) atomic_fetch_add(&torn, 1);
                free(want);
            }
            buf_free(&out);
            arena_free(a);
        }
    }
    return NULL;
}

TEST(threads_never_read_torn_entries)
{
    shared = page_cache_new(256 * 1024);
    pthread_t t[4];
    for (uintptr_t i = 0; i < 4; i++)
        pthread_create(&t[i], NULL, churn_thread, (void *)(i + 1));
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    CHECK(atomic_load(&shared_hits) > 1000);
    CHECK(atomic_load(&torn) == 0);
    CHECK(page_cache_bytes(shared) <= 256 * 1024);
    page_cache_free(shared);
}

/* The budget: what REPERE_PAGE_CACHE_MB says, or grown with the catalogue. */
TEST(budget_follows_the_catalogue)
{
    const size_t MiB = 1024 * 1024;
    CHECK(app_page_cache_budget(0, 300000) == 0); /* off stays off */
    CHECK(app_page_cache_budget(5, 300000) == 5 * MiB);
    CHECK(app_page_cache_budget(-1, 0) == 12 * MiB);
    CHECK(app_page_cache_budget(-1, 30000) == 12 * MiB);
    CHECK(app_page_cache_budget(-1, 120000) == 12 * MiB);
    CHECK(app_page_cache_budget(-1, 150000) == 15 * MiB);
    CHECK(app_page_cache_budget(-1, 300000) == 30 * MiB);
    CHECK(app_page_cache_budget(-1, 100000000) == 256 * MiB);
}

int main(void)
{
    RUN(entries_take_their_size_not_pages);
    RUN(churn_keeps_bytes_and_budget);
    RUN(threads_never_read_torn_entries);
    RUN(budget_follows_the_catalogue);
    return unit_report();
}
