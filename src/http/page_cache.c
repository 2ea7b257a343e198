/*
 * page_cache.c — see page_cache.h. One malloc'd block per entry (the entry,
 * its strings and its body), slots chosen by an XXH3 hash of the key, one
 * mutex per stripe of slots so that threads rarely wait for each other.
 */
#include "http/page_cache.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

enum {
    PAGE_CACHE_SLOTS = 16384, /* direct-mapped: a key lives in one slot */
    PAGE_CACHE_STRIPES = 64,  /* mutexes; slot i is guarded by i % STRIPES */
};

typedef struct entry {
    uint64_t hash;
    int64_t version, minute;
    size_t bytes; /* the whole block, for the budget */
    const char *key;
    const char *body;
    size_t len;
    page_cached meta; /* its strings point into the block */
} entry;

struct page_cache {
    size_t max_bytes;
    atomic_size_t bytes;
    atomic_size_t hand; /* the clock hand: next slot to evict when over budget */
    entry *slots[PAGE_CACHE_SLOTS];
    pthread_mutex_t stripes[PAGE_CACHE_STRIPES];
};

page_cache *page_cache_new(size_t max_bytes)
{
    page_cache *pc = xcalloc(1, sizeof *pc);
    pc->max_bytes = max_bytes;
    for (size_t i = 0; i < PAGE_CACHE_STRIPES; i++)
        pthread_mutex_init(&pc->stripes[i], NULL);
    return pc;
}

void page_cache_free(page_cache *pc)
{
    if (!pc) return;
    for (size_t i = 0; i < PAGE_CACHE_SLOTS; i++)
        free(pc->slots[i]);
    for (size_t i = 0; i < PAGE_CACHE_STRIPES; i++)
        pthread_mutex_destroy(&pc->stripes[i]);
    free(pc);
}

bool page_cache_enabled(const page_cache *pc)
{
    return pc && pc->max_bytes > 0;
}

size_t page_cache_bytes(page_cache *pc)
{
    return pc ? atomic_load(&pc->bytes) : 0;
}

static uint64_t key_hash(const char *key)
{
    return (uint64_t)XXH3_64bits(key, strlen(key));
}

bool page_cache_get(page_cache *pc, const char *key, int64_t version, int64_t minute, arena *a,
                    buf *out, page_cached *meta)
{
    if (!pc || pc->max_bytes == 0) return false;
    uint64_t h = key_hash(key);
    size_t slot = h % PAGE_CACHE_SLOTS;
    pthread_mutex_t *m = &pc->stripes[slot % PAGE_CACHE_STRIPES];
    bool hit = false;
    pthread_mutex_lock(m);
    entry *e = pc->slots[slot];
    if (e && e->hash == h && e->version == version && e->minute == minute &&
        strcmp(e->key, key) == 0) {
        buf_append(out, e->body, e->len);
        *meta = e->meta;
        meta->content_type = arena_strdup(a, e->meta.content_type);
        meta->cache_control = e->meta.cache_control ? arena_strdup(a, e->meta.cache_control) : NULL;
        for (size_t i = 0; i < e->meta.nheaders; i++) {
            meta->header_keys[i] = arena_strdup(a, e->meta.header_keys[i]);
            meta->header_values[i] = arena_strdup(a, e->meta.header_values[i]);
        }
        hit = true;
    }
    pthread_mutex_unlock(m);
    return hit;
}

/* Copy string `s` into the block at *at; returns where it went. */
static const char *place_string(char **at, const char *s)
{
    size_t n = strlen(s) + 1;
    memcpy(*at, s, n);
    const char *where = *at;
    *at += n;
    return where;
}

static void evict_slot(page_cache *pc, size_t slot)
{
    pthread_mutex_t *m = &pc->stripes[slot % PAGE_CACHE_STRIPES];
    pthread_mutex_lock(m);
    entry *e = pc->slots[slot];
    pc->slots[slot] = NULL;
    if (e) atomic_fetch_sub(&pc->bytes, e->bytes);
    pthread_mutex_unlock(m);
    free(e);
}

void page_cache_put(page_cache *pc, const char *key, int64_t version, int64_t minute,
                    const char *body, size_t len, const page_cached *meta)
{
    if (!pc || pc->max_bytes == 0) return;
    size_t need = sizeof(entry) + strlen(key) + 1 + strlen(meta->content_type) + 1 +
                  (meta->cache_control ? strlen(meta->cache_control) + 1 : 0) + len;
    size_t nheaders =
        meta->nheaders < PAGE_CACHE_MAX_HEADERS ? meta->nheaders : PAGE_CACHE_MAX_HEADERS;
    for (size_t i = 0; i < nheaders; i++)
        need += strlen(meta->header_keys[i]) + 1 + strlen(meta->header_values[i]) + 1;
    if (need > pc->max_bytes / 8) return; /* one page never takes more than an eighth */

    entry *e = xmalloc(need);
    char *at = (char *)(e + 1);
    e->hash = key_hash(key);
    e->version = version;
    e->minute = minute;
    e->bytes = need;
    e->meta = *meta;
    e->meta.nheaders = nheaders;
    e->key = place_string(&at, key);
    e->meta.content_type = place_string(&at, meta->content_type);
    e->meta.cache_control = meta->cache_control ? place_string(&at, meta->cache_control) : NULL;
    for (size_t i = 0; i < nheaders; i++) {
        e->meta.header_keys[i] = place_string(&at, meta->header_keys[i]);
        e->meta.header_values[i] = place_string(&at, meta->header_values[i]);
    }
    memcpy(at, body, len);
    e->body = at;
    e->len = len;

    size_t slot = e->hash % PAGE_CACHE_SLOTS;
    pthread_mutex_t *m = &pc->stripes[slot % PAGE_CACHE_STRIPES];
    pthread_mutex_lock(m);
    entry *old = pc->slots[slot];
    pc->slots[slot] = e;
    atomic_fetch_add(&pc->bytes, need);
    if (old) atomic_fetch_sub(&pc->bytes, old->bytes);
    pthread_mutex_unlock(m);
    free(old);

    /* Over budget: the clock hand frees slots until the cache fits again
     * (bounded: at most one turn of the clock). */
    for (size_t turns = 0; atomic_load(&pc->bytes) > pc->max_bytes && turns < PAGE_CACHE_SLOTS;
         turns++) {
        size_t victim = atomic_fetch_add(&pc->hand, 1) % PAGE_CACHE_SLOTS;
        if (victim != slot) evict_slot(pc, victim);
    }
}
