/*
 * page_cache.h — finished public answers, shared by all threads, for pages
 * whose bytes depend only on their URL, the catalogue and the minute (home,
 * results, a place, the agenda, the API's lists).
 *
 * Why: a search renders the same page for everyone who asks the same
 * question in the same minute; rendering it again costs 20 to 50 times what
 * sending it does. The cache is what a reverse proxy's cache would do, but
 * inside the daemon, so that it also knows exactly when the catalogue
 * changed: an entry is valid for one catalogue version (db_version) and
 * until the instant its page stops being true (hours: "ouvert", "ouvre à
 * 14 h" change with the clock): the end of the minute it was made in, or
 * what the page itself knows (reply_valid_until), never longer. A page
 * edited in the admin area shows changed on the very next request.
 *
 * What never enters it: requests that carry a cookie (a selection, a
 * session), answers that set one, anything but a 200, any page of a
 * signed-in person. request.h's reply_cached() is the only way in.
 *
 * Memory is bounded: one ring of `max_bytes` (REPERE_PAGE_CACHE_MB) that
 * entries are written into in turn, the oldest giving way; sets of slots by
 * hash point into it (least recently used out of a full set).
 */
#ifndef REPERE_PAGE_CACHE_H
#define REPERE_PAGE_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "core/util.h"

typedef struct page_cache page_cache;

/* max_bytes 0: a cache that stores nothing (every lookup misses). */
page_cache *page_cache_new(size_t max_bytes);
void page_cache_free(page_cache *pc);

enum { PAGE_CACHE_MAX_HEADERS = 8 };

/* One stored answer, as page_cache_get copies it out (into an arena). */
typedef struct page_cached {
    const char *content_type;
    const char *cache_control; /* NULL: the server's default */
    time_t last_modified;      /* 0: none */
    bool gzip;                 /* body is the gzip representation */
    char etag[40];             /* of the identity body */
    const char *header_keys[PAGE_CACHE_MAX_HEADERS];
    const char *header_values[PAGE_CACHE_MAX_HEADERS];
    size_t nheaders;
} page_cached;

/* Look `key` up for catalogue `version`, fresh at `now` (UTC seconds); on
 * a hit append the body to `out`, fill *meta (strings in `a`) and return
 * true. */
bool page_cache_get(page_cache *pc, const char *key, int64_t version, int64_t now, arena *a,
                    buf *out, page_cached *meta);

/* Store an answer (copies everything), fresh until `valid_until` (UTC
 * seconds, exclusive). */
void page_cache_put(page_cache *pc, const char *key, int64_t version, int64_t valid_until,
                    const char *body, size_t len, const page_cached *meta);

/* Does it store anything (REPERE_PAGE_CACHE_MB > 0)? */
bool page_cache_enabled(const page_cache *pc);

/* Bytes held now (for tests and the bench's notes). */
size_t page_cache_bytes(page_cache *pc);

/* Lookups that found a fresh entry, and those that did not, since start. */
void page_cache_stats(page_cache *pc, uint64_t *hits, uint64_t *misses);

#endif
