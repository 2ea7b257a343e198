/*
 * request.h — the request as handlers see it, and the ways to answer.
 *
 * Handlers never talk to libmicrohttpd: they read the request through the
 * req_* accessors, fill r->out (through the reply_* helpers) and return.
 * Only server.c queues responses, so an error can still replace a half-built
 * page.
 */
#ifndef REPERE_REQUEST_H
#define REPERE_REQUEST_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "app.h"
#include "core/util.h"

/* Hard limits (named so they can be found and argued about). */
enum {
    HTTP_MAX_URL = 2048,        /* longer URLs: 414 */
    HTTP_MAX_ARGS = 64,         /* more query-string (or multipart) fields: 400 */
    HTTP_MAX_FORM_FIELDS = 256, /* url-encoded form fields: one per ticked box, and the
                                   national typology alone has 88 values a place may hold */
    HTTP_MAX_FORM_BODY =
        64 * 1024, /* url-encoded forms (and the fields of a multipart one): 413 beyond */
    HTTP_MAX_PATH_PARAMS = 4,
};

typedef struct kv {
    const char *key;
    const char *value;
} kv;

typedef struct req req;
typedef int (*handler_fn)(req *r);
struct session_user; /* session.h */

struct req {
    app *app;
    void *connection; /* struct MHD_Connection *, for http.c only */
    arena *arena;     /* freed when the request completes */
    const char *method;
    bool is_head;
    const char *url;              /* as received, language prefix included */
    const char *path;             /* without the language prefix: what routes match */
    const struct i18n_lang *lang; /* the URL's language (core/i18n.h), French by default */
    const char *params[HTTP_MAX_PATH_PARAMS]; /* segments captured by '*' in the route */
    size_t nparams;
    kv *form; /* decoded url-encoded body (POST) */
    size_t nform;
    buf body;
    bool body_too_large;
    bool body_done;
    size_t max_body;     /* the route's limit (router.h max_body), set before the body is read */
    size_t body_bytes;   /* bytes of body received so far */
    bool session_loaded; /* session_load already ran (early check of an upload route) */
    void *multipart; /* http.c only: the MHD post processor of a multipart body and its fields */
    buf upload;      /* multipart/form-data on a route with .multipart: the (one) file part */
    const char *upload_name; /* its file name as the browser sent it (may be NULL) */

    /* The answer, filled by handlers. */
    int status;
    buf out;
    const char *content_type;
    const char *location;      /* redirects */
    time_t last_modified;      /* 0: none */
    const char *cache_control; /* default: no-cache for pages */
    bool allow_framing;        /* only the /embed routes */
    const char *csp_override;  /* only the /embed routes: their own Content-Security-Policy */
    int file_fd;               /* static files: sent with sendfile; -1 otherwise */
    uint64_t file_size;
    kv *headers; /* extra response headers */
    size_t nheaders;
    int64_t started_us;
    struct session_user *user; /* the signed-in account (session.c), NULL when anonymous */
    bool log_without_query;    /* the query string holds a secret (a link token): not logged */
    bool private_route;        /* server.c: the route needs an account (sent no-store) */
    /* The shared page cache (reply_cached): the key this answer is stored
     * under once built (NULL: not cacheable), or, on a hit, the stored
     * representation's facts. */
    const char *cache_key;
    int64_t cache_version, cache_valid_until;
    size_t cache_headers_from; /* headers set before reply_cached (rate limits) are not stored */
    bool cache_hit;
    bool out_gzip;        /* r->out already holds the gzip representation (a hit) */
    char cached_etag[40]; /* the hit's ETag (of the identity body) */
};

/* Value of cookie `name` in the Cookie header, in r->arena, or NULL. */
const char *req_cookie(req *r, const char *name);
/* Query-string value (first occurrence), or NULL. Valid UTF-8 guaranteed. */
const char *req_query(req *r, const char *name);
/* Every value of a repeated query parameter; returns how many were stored. */
size_t req_query_all(req *r, const char *name, const char **values, size_t max);
/* Form value (POST body), or NULL. */
const char *req_form(req *r, const char *name);
/* Request header, or NULL. */
const char *req_header(req *r, const char *name);
/*
 * The absolute origin for links leaving the page (QR codes, calendars,
 * feeds, JSON-LD, API links, robots.txt): --origin / REPERE_ORIGIN without a
 * trailing '/', else the scheme and the Host header the client used when it
 * looks like a host name. NULL when neither is usable. Arena-allocated.
 */
const char *req_origin(req *r);
/* The raw query string as the client sent it ("" when none). */
const char *req_query_string(req *r);
/* The peer's IP address as text ("127.0.0.1", "::1"; "" when unknown). Behind
 * a reverse proxy this is the proxy's. */
const char *req_client_ip(req *r);

/* Answers. All return 0 so a handler can `return reply_…(…)`. */
int reply_page(req *r, const char *template_name, json_t *data); /* takes ownership of data */
/* A document of its own, without the site layout (the printed sheet, the
 * embed): rendered with the page's language (ui_lang, ui_rtl…) and its
 * links kept in that language, like reply_page. Takes ownership of data;
 * -1 when the template does not exist. */
int reply_document(req *r, const char *template_name, json_t *data);
/*
 * For a public GET page whose bytes depend only on its URL, the catalogue and
 * the minute (http/page_cache.h): true when the answer was taken from the
 * shared cache (the handler returns 0 at once); false otherwise, and the
 * answer the handler then builds is stored by the server — unless it is not
 * a 200, sets a cookie, or the request carries a cookie (a selection, a
 * session: such requests neither read nor fill the cache). Call it after any
 * check that must run for every request (the API's rate limit).
 */
bool reply_cached(req *r);
/*
 * After a miss of reply_cached: the page being built stays true until
 * `until` (UTC seconds, exclusive) rather than the end of the minute. Only a
 * handler that accounts for everything on its page that changes with the
 * clock may say so (pages/places.c: its cards, the hours facts of the
 * places it counted, the workshops it lists, the day).
 */
void reply_valid_until(req *r, int64_t until);
/* Does the client take gzip (Accept-Encoding)? */
bool req_accepts_gzip(req *r);
int reply_error(req *r, int status, const char *message); /* French, for a person */
int reply_json(req *r, int status, json_t *data);         /* takes ownership */
int reply_text(req *r, const char *content_type, const char *text);
/* Answer 200 with a body built by the handler (calendars, feeds); takes the
 * buffer over without copying and leaves *body empty. */
int reply_buf(req *r, const char *content_type, buf *body);
int reply_redirect(req *r, int status, const char *location);
void reply_header(req *r, const char *name, const char *value);

/*
 * Pure parsing helpers (fuzzed): decode an application/x-www-form-urlencoded
 * body into key/value pairs allocated in `ar`. Returns the number of pairs,
 * or -1 when there are more than `max` or the bytes are not valid UTF-8 after
 * decoding.
 */
int http_parse_form(arena *ar, const char *body, size_t len, kv *out, size_t max);
/* Percent-decode in place ('+' → space when form is true); returns new length. */
size_t http_percent_decode(char *s, size_t len, bool form);

#endif
