/*
 * app.h — what the whole daemon shares: configuration (read-only after
 * start-up), the database, the compiled templates. Owned by main.c.
 */
#ifndef REPERE_APP_H
#define REPERE_APP_H

#include <stdbool.h>

#include "core/db.h"
#include "core/tpl.h"

typedef struct search_index search_index;
typedef struct auth_state auth_state;

typedef struct config {
    const char *db_path;      /* --db, REPERE_DB */
    const char *listen;       /* --listen, REPERE_LISTEN (127.0.0.1) */
    int port;                 /* --port, REPERE_PORT (8080) */
    const char *root;         /* --root, REPERE_ROOT: holds templates/, static/, migrations/, data/ */
    const char *public_origin; /* --origin, REPERE_ORIGIN: e.g. https://repere.example.fr */
    const char *tile_url;     /* REPERE_TILE_URL: map tiles (OpenStreetMap's by default) */
    bool behind_tls;          /* --behind-tls, REPERE_BEHIND_TLS */
    bool quiet;               /* --quiet: no request log */
    int threads;              /* --threads, REPERE_THREADS (4) */
    const char *sendmail;     /* --sendmail CMD, REPERE_SENDMAIL: e.g. "/usr/sbin/sendmail -t" */
    const char *outbox;       /* --outbox DIR, REPERE_OUTBOX: mail written here when no sendmail */
    const char *mail_from;    /* REPERE_MAIL_FROM: From: of the mails Repère sends */
    const char *contact_email; /* --contact, REPERE_CONTACT_EMAIL: the publisher's address, shown
                                  on /a-propos and /accessibilite; NULL when not configured */
    int api_rate;             /* REPERE_API_RATE: API requests per minute and client (0: 120) */
    int api_burst;            /* REPERE_API_BURST: bursts of that many requests (0: 60) */
    bool trust_proxy;         /* REPERE_TRUST_PROXY=1: the API's client is the last address of
                                 X-Forwarded-For (behind Repère's own nginx only) */
} config;

typedef struct app {
    config cfg;
    db *db;
    tpl_set *templates;
    search_index *search; /* in-memory search index (search/search.c) */
    char *static_dir;
    char *static_version; /* appended to asset URLs (?v=…) so they can be cached for a year */
    char *csp;            /* Content-Security-Policy header value */
    auth_state *auth;     /* accounts (accounts/auth.c): hashing slots, signing key */
    const struct route *routes; /* the route table (src/routes.c), set by main */
} app;

/* After migrations: load reference data that ships with the code (the
 * gazetteer) when it changed. Returns 0 or -1 (message printed). */
int app_after_migrate(app *a, db *d);
/* Before serving: compile templates, locate static files, compute the asset
 * version and the Content-Security-Policy. Returns 0 or -1 (message printed). */
int app_load_web(app *a);
/* Release what app_load_web and main set up. */
void app_free(app *a);

#endif
