/*
 * config.h — the start-up configuration: options and REPERE_* variables,
 * read once by main.c and read-only afterwards (app->cfg). Lives in core/
 * so that modules that only need a setting (mail) do not depend on the
 * whole daemon's state.
 */
#ifndef REPERE_CONFIG_H
#define REPERE_CONFIG_H

#include <stdbool.h>

typedef struct config {
    const char *db_path; /* --db, REPERE_DB */
    const char *listen;  /* --listen, REPERE_LISTEN (127.0.0.1) */
    int port;            /* --port, REPERE_PORT (8080) */
    const char *root;    /* --root, REPERE_ROOT: holds templates/, static/, migrations/, data/ */
    const char *public_origin; /* --origin, REPERE_ORIGIN: e.g. https://repere.example.fr */
    const char *tile_url;      /* REPERE_TILE_URL: map tiles (OpenStreetMap's by default) */
    bool behind_tls;           /* --behind-tls, REPERE_BEHIND_TLS */
    bool quiet;                /* --quiet: no request log */
    int threads;               /* --threads, REPERE_THREADS (the CPUs it may use, ≥ 2) */
    int page_cache_mb;         /* REPERE_PAGE_CACHE_MB: finished public pages kept (0: off;
                                  -1, unset: by the catalogue, startup.c) */
    int per_ip_connections;    /* REPERE_PER_IP_CONNECTIONS: open connections one address may hold
                                  (64; ignored behind the proxy, whose limit_conn counts) */
    const char *sendmail;      /* --sendmail CMD, REPERE_SENDMAIL: e.g. "/usr/sbin/sendmail -t" */
    const char *outbox;        /* --outbox DIR, REPERE_OUTBOX: mail written here when no sendmail */
    const char *mail_from;     /* REPERE_MAIL_FROM: From: of the mails Repère sends */
    const char *contact_email; /* --contact, REPERE_CONTACT_EMAIL: the publisher's address, shown
                                  on /a-propos and /accessibilite; NULL when not configured */
    int api_rate;              /* REPERE_API_RATE: API requests per minute and client (0: 120) */
    int api_burst;             /* REPERE_API_BURST: bursts of that many requests (0: 60) */
    const char *origin;        /* derived by config_origin() at start-up: every absolute URL's
                                  scheme://host[:port] — never the request's Host header */
    bool trust_proxy;          /* REPERE_TRUST_PROXY=1: the API's client is the last address of
                                  X-Forwarded-For (behind Repère's own nginx only) */
} config;

/*
 * The origin of every absolute URL Repère writes (canonical links, JSON-LD,
 * share links, QR codes, feeds, e-mails): --origin / REPERE_ORIGIN without
 * its trailing '/', or else the address the daemon listens on
 * ("http://127.0.0.1:8080"). Never built from a request's Host header, which
 * anyone may forge and a shared cache would keep. Malloc'd.
 */
char *config_origin(const config *cfg);

/* Is `listen` a loopback address (127.0.0.0/8, ::1, localhost)? A daemon
 * that listens elsewhere must be given its public origin. */
bool config_listen_is_loopback(const char *listen);

#endif
