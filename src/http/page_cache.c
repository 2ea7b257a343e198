/*
 * page_cache.c — see page_cache.h. Entries are written one after the other
 * into one ring of `max_bytes` (the entry, its strings and its body,
 * together), and the oldest make room for the new ones. An XXH3 hash of the
 * key picks a set of PAGE_CACHE_WAYS slots that point into the ring; within
 * the set, a new entry takes the slot of the same key, else an empty or
 * outdated one, else the least recently used (which leaves its bytes in the
 * ring until the ring comes round to them). One mutex per stripe of sets so
 * that threads rarely wait for each other.
 *
 * Why sets and not one slot per hash: with direct-mapped slots, about one
 * key in ten of a working set of 1 700 pages shared its slot with another,
 * and the two evicted each other on every other request (measured: 9 % of
 * misses on the benchmark's searches by commune, each 30 times a hit).
 *
 * Why a ring: the entries must stay out of malloc's heaps (from the heap,
 * the churn of pages of every size left the cache's 16 MiB holding about
 * 38 MiB of the daemon's memory after the benchmark's routes), and with a
 * mapping of its own each entry took whole pages: a results page (about
 * 5.4 KB gzipped with its headers) took 8 KiB, so the budget held a third
 * fewer of them (67 % of the mapped bytes used on the benchmark's searches
 * by commune). In the ring an entry takes its size rounded to 16 bytes, and
 * the ring's pages are the budget, never more.
 */
#include "http/page_cache.h"

#include <pthread.h>
#include <stdatomic.h>
#include <sys/mman.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

enum {
    PAGE_CACHE_WAYS = 8,                                  /* slots per set */
    PAGE_CACHE_SETS = 2048,                               /* a key lives in one set */
    PAGE_CACHE_SLOTS = PAGE_CACHE_SETS * PAGE_CACHE_WAYS, /* set s: slots s*WAYS … */
    PAGE_CACHE_STRIPES = 64, /* mutexes; set s is guarded by s % STRIPES */
    ENTRY_ALIGN = 16,        /* where entries start in the ring */
};

typedef struct entry {
    uint64_t hash;
    int64_t version, valid_until; /* fresh while now < valid_until */
    uint64_t used;                /* the cache's tick when last read or written (LRU in a set) */
    size_t bytes;                 /* what it takes in the ring */
    size_t slot;                  /* its slot in pc->slots (while it is there) */
    const char *key;
    const char *body;
    size_t len;
    page_cached meta; /* its strings point into the block */
} entry;

struct page_cache {
    size_t max_bytes;
    atomic_size_t bytes;       /* of the entries in a slot (the others are dead space) */
    atomic_uint_fast64_t tick; /* a counter for `used` */
    atomic_uint_fast64_t hits, misses;
    entry *slots[PAGE_CACHE_SLOTS];
    pthread_mutex_t stripes[PAGE_CACHE_STRIPES];
    /* The ring, under ring_lock (taken before a stripe, never after): the
     * entries written since the last wrap lie in [0, head), the older ones
     * in [tail, end), oldest first; `count` entries in all, live or dead. */
    pthread_mutex_t ring_lock;
    char *ring;
    size_t head, tail, end, count;
};

page_cache *page_cache_new(size_t max_bytes)
{
    page_cache *pc = xcalloc(1, sizeof *pc);
    if (max_bytes) {
        /* Reserved, not resident: a page of the ring counts once written. */
        void *ring = mmap(NULL, max_bytes, PROT_READ | PROT_WRITE,
                          MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (ring != MAP_FAILED) {
            pc->ring = ring;
            pc->max_bytes = max_bytes;
            pc->end = max_bytes;
        }
    }
    for (size_t i = 0; i < PAGE_CACHE_STRIPES; i++)
        pthread_mutex_init(&pc->stripes[i], NULL);
    pthread_mutex_init(&pc->ring_lock, NULL);
    return pc;
}

void page_cache_free(page_cache *pc)
{
    if (!pc) return;
    if (pc->ring) munmap(pc->ring, pc->max_bytes);
    for (size_t i = 0; i < PAGE_CACHE_STRIPES; i++)
        pthread_mutex_destroy(&pc->stripes[i]);
    pthread_mutex_destroy(&pc->ring_lock);
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

static size_t set_of(uint64_t hash)
{
    return (size_t)(hash % PAGE_CACHE_SETS);
}

static pthread_mutex_t *stripe_of(page_cache *pc, size_t set)
{
    return &pc->stripes[set % PAGE_CACHE_STRIPES];
}

void page_cache_stats(page_cache *pc, uint64_t *hits, uint64_t *misses)
{
    *hits = pc ? atomic_load(&pc->hits) : 0;
    *misses = pc ? atomic_load(&pc->misses) : 0;
}

bool page_cache_get(page_cache *pc, const char *key, int64_t version, int64_t now, arena *a,
                    buf *out, page_cached *meta)
{
    if (!pc || pc->max_bytes == 0) return false;
    uint64_t h = key_hash(key);
    size_t set = set_of(h);
    pthread_mutex_t *m = stripe_of(pc, set);
    bool hit = false;
    pthread_mutex_lock(m);
    for (size_t w = 0; w < PAGE_CACHE_WAYS && !hit; w++) {
        entry *e = pc->slots[set * PAGE_CACHE_WAYS + w];
        if (!e || e->hash != h || e->version != version || e->valid_until <= now ||
            strcmp(e->key, key) != 0)
            continue;
        e->used = atomic_fetch_add(&pc->tick, 1);
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
    atomic_fetch_add(hit ? &pc->hits : &pc->misses, 1);
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

/* Take the oldest entry of the ring out of its slot if it is still there,
 * and give its bytes to the ring. Called with ring_lock held. */
static void evict_oldest(page_cache *pc)
{
    entry *e = (entry *)(pc->ring + pc->tail);
    pthread_mutex_t *m = stripe_of(pc, e->slot / PAGE_CACHE_WAYS);
    pthread_mutex_lock(m);
    if (pc->slots[e->slot] == e) {
        pc->slots[e->slot] = NULL;
        atomic_fetch_sub(&pc->bytes, e->bytes);
    }
    pthread_mutex_unlock(m);
    pc->tail += e->bytes;
    pc->count--;
    if (pc->tail >= pc->end) { /* the older lap is gone: the oldest is at 0 */
        pc->tail = 0;
        pc->end = pc->max_bytes;
    }
}

/* Room for `need` bytes at the head of the ring, the oldest entries out of
 * the way; returns where. Called with ring_lock held. */
static char *ring_reserve(page_cache *pc, size_t need)
{
    if (pc->count == 0) pc->head = pc->tail = 0, pc->end = pc->max_bytes;
    if (pc->head + need > pc->max_bytes) { /* wrap: the older lap goes first */
        while (pc->count > 0 && pc->tail >= pc->head)
            evict_oldest(pc);
        pc->end = pc->head;
        pc->head = 0;
        if (pc->count == 0) pc->tail = 0, pc->end = pc->max_bytes;
    }
    while (pc->count > 0 && pc->tail >= pc->head && pc->tail < pc->head + need)
        evict_oldest(pc);
    char *at = pc->ring + pc->head;
    pc->head += need;
    pc->count++;
    return at;
}

void page_cache_put(page_cache *pc, const char *key, int64_t version, int64_t valid_until,
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
    need = (need + ENTRY_ALIGN - 1) & ~(size_t)(ENTRY_ALIGN - 1);

    const uint64_t hash = key_hash(key);
    const size_t set = set_of(hash);
    pthread_mutex_lock(&pc->ring_lock);
    entry *e = (entry *)ring_reserve(pc, need);
    char *at = (char *)(e + 1);
    e->hash = hash;
    e->version = version;
    e->valid_until = valid_until;
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

    /* Its slot in the set: the same key's, else an empty or outdated one,
     * else the least recently used. */
    const int64_t now = (int64_t)time(NULL);
    pthread_mutex_t *m = stripe_of(pc, set);
    pthread_mutex_lock(m);
    e->used = atomic_fetch_add(&pc->tick, 1);
    size_t slot = set * PAGE_CACHE_WAYS;
    int best = -1; /* 3 same key, 2 empty, 1 outdated, 0 in use */
    for (size_t w = 0; w < PAGE_CACHE_WAYS && best < 3; w++) {
        size_t i = set * PAGE_CACHE_WAYS + w;
        const entry *o = pc->slots[i];
        int rank = !o                                                    ? 2
                   : (o->hash == e->hash && strcmp(o->key, e->key) == 0) ? 3
                   : (o->version != version || o->valid_until <= now)    ? 1
                                                                         : 0;
        if (rank > best || (rank == best && rank == 0 && o->used < pc->slots[slot]->used)) {
            best = rank;
            slot = i;
        }
    }
    entry *old = pc->slots[slot]; /* its bytes stay in the ring, dead, until it comes round */
    e->slot = slot;
    pc->slots[slot] = e;
    atomic_fetch_add(&pc->bytes, need);
    if (old) atomic_fetch_sub(&pc->bytes, old->bytes);
    pthread_mutex_unlock(m);
    pthread_mutex_unlock(&pc->ring_lock);
}
