/*
 * app.h — what the whole daemon shares: configuration (read-only after
 * start-up), the database, the compiled templates, the route table. Owned by
 * main.c; the steps that fill it are startup.h's. Only core/ below it.
 */
#ifndef REPERE_APP_H
#define REPERE_APP_H

#include <stdbool.h>

#include "core/config.h"
#include "core/db.h"
#include "core/tpl.h"

typedef struct search_index search_index;
typedef struct auth_state auth_state;
typedef struct page_cache page_cache;
typedef struct territory_cache territory_cache;

typedef struct app {
    config cfg;
    db *db;
    tpl_set *templates;
    search_index *search;       /* in-memory search index (search/search.c) */
    page_cache *pages;          /* finished public answers (http/page_cache.c) */
    territory_cache *territory; /* distances to help, per data version (places/territory.c) */
    char *static_dir;
    char *static_version; /* appended to asset URLs (?v=…) so they can be cached for a year */
    char *csp;            /* Content-Security-Policy header value */
    auth_state *auth;     /* accounts (accounts/auth.c): hashing slots, signing key */
    const struct route *routes; /* the route table (src/routes.c), set by main */
} app;

#endif
