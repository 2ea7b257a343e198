/*
 * server.c — libmicrohttpd glue: connections, body limits, routing,
 * security headers, compression, conditional requests, the request log and
 * sending what the handler prepared (request.c). With request.c, the only
 * files that include <microhttpd.h>.
 */
#include "http/server.h"
#include "http/gzip.h"
#include "http/page_cache.h"
#include "accounts/auth.h"
#include "http/request.h"
#include "http/router.h"
#include "http/session.h"
#include "core/i18n.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>
#include <xxhash.h>

enum {
    GZIP_MIN_BYTES = 1024, /* smaller bodies are not worth compressing */
    GZIP_LEVEL = 6,        /* libdeflate: about zlib 5 in time, smaller (http/gzip.h) */
    /* Bodies this large (API lists of 100 places, 120 KB) at level 1: three
     * times faster to compress (0.15 ms instead of 0.45), a fifth larger
     * (12.7 KB instead of 10.5), read by programs rather than phones. The
     * pages people read are far smaller and keep GZIP_LEVEL. */
    GZIP_LARGE_BYTES = 64 * 1024,
    GZIP_LARGE_LEVEL = 1,
    CONNECTION_TIMEOUT_S = 15, /* inactivity, once a request has begun */
    HEADER_TIMEOUT_S = 5,      /* inactivity before the first request's headers are complete */
    CONNECTION_LIMIT = 1000,
    /* Connections per client address when the daemon faces clients directly:
     * one address cannot take the whole CONNECTION_LIMIT. Behind the proxy
     * (REPERE_TRUST_PROXY) every connection comes from it: nginx limits
     * per visitor (limit_conn) instead. */
    CONNECTION_MEMORY = 48 * 1024,
};

struct http_server {
    struct MHD_Daemon *daemon;
};

static int64_t now_us(void)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (int64_t)tv.tv_sec * 1000000 + tv.tv_usec;
}

/* ---- multipart/form-data (routes with .multipart) ---- */

enum {
    MULTIPART_BUFFER = 16 * 1024, /* the post processor's working buffer */
};

typedef struct multipart_field {
    char *key;
    buf value;
} multipart_field;

typedef struct multipart {
    struct MHD_PostProcessor *pp;
    multipart_field fields[HTTP_MAX_ARGS];
    size_t nfields;
    size_t field_bytes; /* all non-file values: at most HTTP_MAX_FORM_BODY */
    char *file_key;     /* the one file part accepted */
    bool bad;           /* more fields than allowed, two files, a parse error */
} multipart;

/* Called by the post processor for each piece of each part, in order. */
static enum MHD_Result on_part(void *cls, enum MHD_ValueKind kind, const char *key,
                               const char *filename, const char *content_type,
                               const char *transfer_encoding, const char *data, uint64_t off,
                               size_t size)
{
    (void)kind, (void)content_type, (void)transfer_encoding;
    req *r = cls;
    multipart *mp = r->multipart;
    if (!key) return MHD_YES;
    if (filename) {
        if (mp->file_key && strcmp(mp->file_key, key) != 0) {
            mp->bad = true; /* one file per form */
            return MHD_NO;
        }
        if (!mp->file_key) {
            mp->file_key = xstrdup(key);
            r->upload_name = arena_strdup(r->arena, filename);
        }
        buf_append(&r->upload, data, size); /* bounded by r->max_body, checked per chunk */
        return MHD_YES;
    }
    multipart_field *f = mp->nfields ? &mp->fields[mp->nfields - 1] : NULL;
    if (off == 0 || !f || strcmp(f->key, key) != 0) {
        if (mp->nfields == HTTP_MAX_ARGS) {
            mp->bad = true;
            return MHD_NO;
        }
        f = &mp->fields[mp->nfields++];
        f->key = xstrdup(key);
        f->value = (buf){0};
    }
    mp->field_bytes += size;
    if (mp->field_bytes > HTTP_MAX_FORM_BODY) {
        mp->bad = true;
        return MHD_NO;
    }
    buf_append(&f->value, data, size);
    return MHD_YES;
}

static void multipart_free(req *r)
{
    multipart *mp = r->multipart;
    if (!mp) return;
    if (mp->pp) MHD_destroy_post_processor(mp->pp);
    for (size_t i = 0; i < mp->nfields; i++) {
        free(mp->fields[i].key);
        buf_free(&mp->fields[i].value);
    }
    free(mp->file_key);
    free(mp);
    r->multipart = NULL;
}

/* The fields gathered, as r->form (valid UTF-8, no NUL). Returns false when malformed. */
static bool multipart_finish(req *r)
{
    multipart *mp = r->multipart;
    if (mp->pp && MHD_destroy_post_processor(mp->pp) != MHD_YES) mp->bad = true;
    mp->pp = NULL;
    if (mp->bad) return false;
    r->form = arena_alloc(r->arena, HTTP_MAX_ARGS * sizeof(kv));
    for (size_t i = 0; i < mp->nfields; i++) {
        const char *v = mp->fields[i].value.data ? mp->fields[i].value.data : "";
        size_t len = mp->fields[i].value.len;
        const char *k = mp->fields[i].key;
        if (!utf8_valid(k, strlen(k)) || !utf8_valid(v, len) || memchr(v, '\0', len)) return false;
        r->form[r->nform].key = arena_strdup(r->arena, k);
        r->form[r->nform].value = arena_strndup(r->arena, v, len);
        r->nform++;
    }
    return true;
}

/* ---- request life cycle ---- */

static void free_request(req *r)
{
    multipart_free(r); /* the post processor, when the request ended before dispatch */
    buf_free(&r->upload);
    if (r->file_fd >= 0) close(r->file_fd);
    buf_free(&r->out);
    buf_free(&r->body);
    arena_free(r->arena);
    free(r);
}

static bool sets_cookie(const req *r)
{
    for (size_t i = 0; i < r->nheaders; i++)
        if (strcasecmp(r->headers[i].key, "Set-Cookie") == 0) return true;
    return false;
}

/* Keep a finished public answer for the next requests (reply_cached). */
static void cache_store(req *r, const char *body, size_t len, bool gz, const char *etag)
{
    if (!r->cache_key || r->cache_hit || r->user || r->private_route || sets_cookie(r) ||
        !r->content_type)
        return;
    page_cached meta = {.content_type = r->content_type,
                        .cache_control = r->cache_control,
                        .last_modified = r->last_modified,
                        .gzip = gz};
    snprintf(meta.etag, sizeof meta.etag, "%s", etag);
    for (size_t i = r->cache_headers_from;
         i < r->nheaders && meta.nheaders < PAGE_CACHE_MAX_HEADERS; i++) {
        meta.header_keys[meta.nheaders] = r->headers[i].key;
        meta.header_values[meta.nheaders++] = r->headers[i].value;
    }
    page_cache_put(r->app->pages, r->cache_key, r->cache_version, r->cache_valid_until, body, len,
                   &meta);
}

static bool is_compressible(const char *type)
{
    return type &&
           (str_starts_with(type, "text/") || str_starts_with(type, "application/json") ||
            str_starts_with(type, "application/geo+json") ||
            str_starts_with(type, "application/javascript") || str_starts_with(type, "image/svg") ||
            str_starts_with(type, "application/xml") || str_starts_with(type, "application/atom") ||
            str_starts_with(type, "text/calendar"));
}

/* The ETag: a strong validator, so a hash of the body's bytes (it must change
 * whenever the body does: 304s depend on it), but not a cryptographic one —
 * BLAKE2b over every page was 12 % of the home page. XXH3 from Debian's
 * libxxhash (a solved problem: no hand-written hash), with the length beside
 * it. */
static void body_etag(const char *data, size_t len, char out[40])
{
    uint64_t h = (uint64_t)XXH3_64bits(data, len);
    snprintf(out, 40, "\"%zx-%016llx\"", len, (unsigned long long)h);
}

static void http_date(time_t t, char *out, size_t len)
{
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, len, "%a, %d %b %Y %H:%M:%S GMT", &tm);
}

static time_t parse_http_date(const char *s)
{
    struct tm tm = {0};
    if (!s || !strptime(s, "%a, %d %b %Y %H:%M:%S GMT", &tm)) return 0;
    return timegm(&tm);
}

static void add_security_headers(req *r, struct MHD_Response *resp)
{
    app *a = r->app;
    MHD_add_response_header(resp, "Content-Security-Policy",
                            r->csp_override ? r->csp_override : a->csp);
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "Referrer-Policy", "same-origin");
    MHD_add_response_header(resp, "Cross-Origin-Opener-Policy", "same-origin");
    MHD_add_response_header(resp, "Permissions-Policy",
                            "geolocation=(self), camera=(), microphone=()");
    if (!r->allow_framing) MHD_add_response_header(resp, "X-Frame-Options", "DENY");
    if (a->cfg.behind_tls)
        MHD_add_response_header(resp, "Strict-Transport-Security", "max-age=31536000");
}

static int gzip_level(size_t len)
{
    return len >= GZIP_LARGE_BYTES ? GZIP_LARGE_LEVEL : GZIP_LEVEL;
}

static enum MHD_Result queue(struct MHD_Connection *conn, req *r)
{
    struct MHD_Response *resp;
    int status = r->status ? r->status : 200;
    bool get_like = strcmp(r->method, "GET") == 0;
    char etag[40] = "";

    if (r->file_fd >= 0) {
        resp = MHD_create_response_from_fd64(r->file_size, r->file_fd);
        r->file_fd = -1; /* MHD closes it */
    } else {
        bool not_modified = false;
        if (get_like && status == 200) {
            if (r->cache_hit)
                memcpy(etag, r->cached_etag, sizeof etag);
            else
                body_etag(r->out.data ? r->out.data : "", r->out.len, etag);
            const char *inm = req_header(r, MHD_HTTP_HEADER_IF_NONE_MATCH);
            if (inm) {
                not_modified = strstr(inm, etag) != NULL;
            } else if (r->last_modified) {
                time_t since = parse_http_date(req_header(r, MHD_HTTP_HEADER_IF_MODIFIED_SINCE));
                not_modified = since && r->last_modified <= since;
            }
        }
        bool gz = false;
        if (not_modified) {
            status = 304;
            resp = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
        } else {
            char *data = r->out.data ? r->out.data : NULL;
            size_t len = r->out.len;
            char *z = NULL;
            size_t zlen = 0;
            if (r->out_gzip) { /* a cache hit of the gzip representation */
                gz = true;
                char *owned = buf_steal(&r->out);
                resp = MHD_create_response_from_buffer_with_free_callback(len, owned, free);
            } else if (len >= GZIP_MIN_BYTES && is_compressible(r->content_type) &&
                       req_accepts_gzip(r) &&
                       gzip_compress(data, len, gzip_level(len), &z, &zlen)) {
                gz = true;
                if (status == 200 && get_like) cache_store(r, z, zlen, true, etag);
                resp = MHD_create_response_from_buffer_with_free_callback(zlen, z, free);
            } else {
                if (status == 200 && get_like && r->cache_key) {
                    /* The cache keeps the gzip representation (reply_cached). */
                    char *kz = NULL;
                    size_t kzlen = 0;
                    if (len >= GZIP_MIN_BYTES && is_compressible(r->content_type) &&
                        gzip_compress(data, len, gzip_level(len), &kz, &kzlen)) {
                        cache_store(r, kz, kzlen, true, etag);
                        free(kz);
                    } else {
                        cache_store(r, data ? data : "", len, false, etag);
                    }
                }
                char *owned = buf_steal(&r->out);
                resp = MHD_create_response_from_buffer_with_free_callback(len, owned, free);
            }
        }
        if (gz) MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_ENCODING, "gzip");
        if (is_compressible(r->content_type))
            MHD_add_response_header(resp, MHD_HTTP_HEADER_VARY, "Accept-Encoding");
        if (etag[0]) MHD_add_response_header(resp, MHD_HTTP_HEADER_ETAG, etag);
        if (r->cache_hit || r->cache_key)
            MHD_add_response_header(resp, "X-Repere-Cache", r->cache_hit ? "hit" : "miss");
    }
    if (!resp) return MHD_NO;
    r->status = status;
    if (r->content_type)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, r->content_type);
    if (r->location) MHD_add_response_header(resp, MHD_HTTP_HEADER_LOCATION, r->location);
    if (r->last_modified) {
        char date[64];
        http_date(r->last_modified, date, sizeof date);
        MHD_add_response_header(resp, MHD_HTTP_HEADER_LAST_MODIFIED, date);
    }
    /* What an account sees never enters a cache (the outbox shows live reset
     * links): no-store for routes that need an account and for any page
     * built for a signed-in person; the handler's own policy (static files)
     * stands otherwise. */
    const char *cache = r->cache_control ? r->cache_control : "no-cache";
    if (r->private_route || (r->user && !r->cache_control)) cache = "no-store";
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, cache);
    for (size_t i = 0; i < r->nheaders; i++)
        MHD_add_response_header(resp, r->headers[i].key, r->headers[i].value);
    add_security_headers(r, resp);
    enum MHD_Result ret = MHD_queue_response(conn, (unsigned)status, resp);
    MHD_destroy_response(resp);
    return ret;
}

/* Reject cross-site state changes before any handler runs: a browser says
 * where the request comes from in Sec-Fetch-Site, or at least in Origin. */
static bool same_origin(req *r)
{
    const char *site = req_header(r, "Sec-Fetch-Site");
    if (site) return strcmp(site, "same-origin") == 0 || strcmp(site, "none") == 0;
    const char *origin = req_header(r, "Origin");
    if (!origin) return true; /* not a browser request (curl, scripts): the token decides */
    const char *host = req_header(r, MHD_HTTP_HEADER_HOST);
    if (r->app->cfg.public_origin && strcmp(origin, r->app->cfg.public_origin) == 0) return true;
    if (!host) return false;
    const char *p = strstr(origin, "://");
    return p && strcmp(p + 3, host) == 0;
}

static enum MHD_Result validate_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                                    const char *value)
{
    (void)kind;
    const char **bad = cls;
    size_t total = strlen(key) + (value ? strlen(value) : 0);
    if (!utf8_valid(key, strlen(key)) || (value && !utf8_valid(value, strlen(value)))) {
        *bad = N_("l'adresse contient des caractères invalides");
        return MHD_NO;
    }
    if (total > HTTP_MAX_URL) {
        *bad = N_("un paramètre de l'adresse est trop long");
        return MHD_NO;
    }
    return MHD_YES;
}

static void dispatch(req *r)
{
    const char *bad = NULL;
    if (strlen(r->path) > HTTP_MAX_URL) {
        reply_error(r, 414, "L'adresse demandée est trop longue.");
        return;
    }
    if (!utf8_valid(r->path, strlen(r->path))) {
        reply_error(r, 400, "L'adresse contient des caractères invalides.");
        return;
    }
    int nargs = MHD_get_connection_values(r->connection, MHD_GET_ARGUMENT_KIND, validate_arg, &bad);
    if (bad || nargs > HTTP_MAX_ARGS) {
        reply_error(r, 400, bad ? bad : N_("Trop de paramètres dans l'adresse."));
        return;
    }
    if (r->body_too_large) {
        reply_error(r, 413,
                    r->max_body > HTTP_MAX_FORM_BODY
                        ? "Le fichier envoyé est trop volumineux."
                        : N_("Le formulaire envoyé est trop volumineux."));
        return;
    }
    bool wrong_method = false;
    const char *method = r->is_head ? "GET" : r->method;
    const route *rt = routes_match(r->app->routes, method, r->path, r, &wrong_method);
    if (!rt) {
        if (wrong_method) {
            reply_header(r, "Allow", strcmp(method, "GET") == 0 ? "POST" : "GET, HEAD");
            reply_error(r, 405, "Cette action n'est pas possible sur cette adresse.");
        } else {
            reply_error(r, 404, "Cette page n'existe pas ou n'existe plus.");
        }
        return;
    }
    /* The route's access level, before the handler runs (session.c). */
    if (!r->session_loaded) session_load(r);
    r->private_route = rt->access != ACCESS_PUBLIC;
    if (!session_allows(r->user, rt->access)) {
        if (!r->user && strcmp(method, "GET") == 0) {
            buf to = {0};
            buf_puts(&to, "/connexion?retour=");
            url_encode(&to, r->path);
            reply_redirect(r, 303, to.data);
            buf_free(&to);
        } else {
            reply_error(r, 403,
                        r->user ? N_("Votre compte ne donne pas accès à cette page.")
                                : N_("Connectez-vous pour faire cela."));
        }
        return;
    }
    if (strcmp(method, "POST") == 0) {
        if (!same_origin(r)) {
            reply_error(r, 403, "Cette demande ne vient pas de Repère : elle a été refusée.");
            return;
        }
        const char *ctype = req_header(r, MHD_HTTP_HEADER_CONTENT_TYPE);
        if (r->multipart) {
            if (!multipart_finish(r)) {
                reply_error(r, 400, "Le formulaire envoyé est mal formé.");
                return;
            }
        } else if (ctype && str_starts_with(ctype, "application/x-www-form-urlencoded")) {
            r->form = arena_alloc(r->arena, HTTP_MAX_FORM_FIELDS * sizeof(kv));
            int n = http_parse_form(r->arena, r->body.data ? r->body.data : "", r->body.len,
                                    r->form, HTTP_MAX_FORM_FIELDS);
            if (n < 0) {
                reply_error(r, 400, "Le formulaire envoyé est mal formé.");
                return;
            }
            r->nform = (size_t)n;
        }
        /* Second CSRF layer: the form's synchronizer token. */
        if (rt->csrf && !session_csrf_ok(r)) {
            reply_error(r, 403,
                        "Ce formulaire a expiré ou ne vient pas de Repère : rechargez la "
                        "page et recommencez.");
            return;
        }
    }
    if (rt->handler(r) != 0) {
        reply_error(r, 500, "Une erreur interne est survenue. Réessayez dans un instant.");
    }
}

/* A new connection has HEADER_TIMEOUT_S of silence to send its headers
 * (on_request gives it CONNECTION_TIMEOUT_S once they are in): thousands of
 * connections that never finish their headers do not stay for long. */
static void on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
                          enum MHD_ConnectionNotificationCode toe)
{
    (void)cls, (void)socket_context;
    if (toe == MHD_CONNECTION_NOTIFY_STARTED)
        MHD_set_connection_option(conn, MHD_CONNECTION_OPTION_TIMEOUT, (unsigned)HEADER_TIMEOUT_S);
}

static enum MHD_Result on_request_in_language(void *cls, struct MHD_Connection *conn,
                                              const char *url, const char *method,
                                              const char *version, const char *upload_data,
                                              size_t *upload_size, void **con_cls)
{
    (void)version;
    app *a = cls;
    req *r = *con_cls;
    if (!r) {
        MHD_set_connection_option(conn, MHD_CONNECTION_OPTION_TIMEOUT,
                                  (unsigned)CONNECTION_TIMEOUT_S);
        r = xcalloc(1, sizeof *r);
        r->app = a;
        r->connection = conn;
        r->arena = arena_new();
        r->file_fd = -1;
        r->started_us = now_us();
        r->method = arena_strdup(r->arena, method);
        const char *path_in_language;
        r->lang = i18n_from_path(url, &path_in_language);
        r->url = arena_strdup(r->arena, url);
        r->path = arena_strdup(r->arena, path_in_language);
        r->is_head = strcmp(method, "HEAD") == 0;
        const char *cl =
            MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
        *con_cls = r;
        /* The route decides how much body it takes (router.h max_body). */
        bool wrong_method = false;
        const route *rt =
            routes_match(r->app->routes, r->is_head ? "GET" : method, r->path, r, &wrong_method);
        r->max_body = rt && rt->max_body ? rt->max_body : HTTP_MAX_FORM_BODY;
        if (cl && strtoull(cl, NULL, 10) > r->max_body) {
            /* Answer at once, without reading a body we would throw away. */
            r->body_too_large = true;
            reply_error(r, 413,
                        r->max_body > HTTP_MAX_FORM_BODY
                            ? "Le fichier envoyé est trop volumineux."
                            : N_("Le formulaire envoyé est trop volumineux."));
            return queue(conn, r);
        }
        const char *ctype =
            MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
        if (rt && rt->multipart && strcmp(method, "POST") == 0 && ctype &&
            str_starts_with(ctype, "multipart/form-data")) {
            /* Before megabytes are read: may this person use the route at all?
             * (A small body is read and refused by dispatch, so that the
             * client sees the answer rather than a reset connection.) */
            session_load(r);
            r->session_loaded = true;
            if ((!cl || strtoull(cl, NULL, 10) > HTTP_MAX_FORM_BODY) &&
                !session_allows(r->user, rt->access)) {
                reply_error(r, 403,
                            r->user ? "Votre compte ne donne pas accès à cette page."
                                    : "Connectez-vous pour faire cela.");
                return queue(conn, r);
            }
            multipart *mp = xcalloc(1, sizeof *mp);
            r->multipart = mp;
            mp->pp = MHD_create_post_processor(conn, MULTIPART_BUFFER, on_part, r);
            if (!mp->pp) {
                reply_error(r, 400, "Le formulaire envoyé est mal formé.");
                return queue(conn, r);
            }
        }
        return MHD_YES;
    }
    if (*upload_size) {
        if (!r->body_too_large) {
            multipart *mp = r->multipart;
            if (r->body_bytes + *upload_size > r->max_body) {
                r->body_too_large = true;
                buf_free(&r->body);
                buf_free(&r->upload);
                multipart_free(r);
            } else if (mp) {
                if (!mp->bad && MHD_post_process(mp->pp, upload_data, *upload_size) != MHD_YES)
                    mp->bad = true;
            } else {
                buf_append(&r->body, upload_data, *upload_size);
            }
            r->body_bytes += *upload_size;
        }
        *upload_size = 0;
        return MHD_YES;
    }
    if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0 && strcmp(method, "POST") != 0) {
        reply_header(r, "Allow", "GET, HEAD, POST");
        reply_error(r, 405, "Méthode non prise en charge.");
    } else {
        dispatch(r);
    }
    return queue(conn, r);
}

/* The language is the URL's prefix (/en/…, /ar/…; none for French): the
 * routes see the path without it, and the whole request — handler, template,
 * error page — runs in that language on this thread (core/i18n.h). */
static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_size, void **con_cls)
{
    const char *path_in_language;
    const i18n_lang *lang =
        *con_cls ? ((req *)*con_cls)->lang : i18n_from_path(url, &path_in_language);
    i18n_enter(lang);
    enum MHD_Result result =
        on_request_in_language(cls, conn, url, method, version, upload_data, upload_size, con_cls);
    i18n_leave();
    return result;
}

typedef struct refusal {
    req *r;
    char *subject;
} refusal;

static int refusal_tx(db_conn *w, void *ctx)
{
    const refusal *f = ctx;
    auth_audit(w, "access_refused", f->r->user ? f->r->user->account_id : 0, f->subject,
               req_client_ip(f->r), f->r->user ? f->r->user->email : NULL);
    return 0;
}

/* Every 403, whichever check gave it (access level, CSRF, origin, territory
 * in a handler), goes to the audit log: who tried what, from where. */
static void audit_refusal(req *r)
{
    char *path = text_printable(r->path);
    refusal f = {r, xasprintf("%s %s", r->method, path)};
    db_transaction(r->app->db, refusal_tx, &f);
    free(f.subject);
    free(path);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)toe;
    (void)conn;
    app *a = cls;
    req *r = *con_cls;
    if (!r) return;
    if (r->status == 403) audit_refusal(r);
    if (!a->cfg.quiet) {
        /* The same client as the limiters see (the proxy's header when trusted). */
        char anon[INET6_ADDRSTRLEN] = "-";
        ip_anonymise(req_client_ip(r), anon, sizeof anon);
        char date[64];
        time_t t = time(NULL);
        struct tm tm;
        gmtime_r(&t, &tm);
        strftime(date, sizeof date, "%d/%b/%Y:%H:%M:%S +0000", &tm);
        /* Common log format. The query string is logged, request bodies never. */
        const char *qs = r->log_without_query ? "" : req_query_string(r);
        char *path = text_printable(r->path), *query = text_printable(qs);
        fprintf(stdout, "%s - - [%s] \"%s %s%s%s HTTP/1.1\" %d %zu\n", anon, date, r->method, path,
                query[0] ? "?" : "", query, r->status, r->out.len);
        free(path);
        free(query);
        fflush(stdout);
    }
    free_request(r);
    *con_cls = NULL;
}

http_server *http_start(app *a)
{
    if (MHD_is_feature_supported(MHD_FEATURE_EPOLL) != MHD_YES) {
        fprintf(stderr, "repere: this libmicrohttpd lacks epoll support\n");
        return NULL;
    }
    struct sockaddr_in addr4 = {0};
    struct sockaddr_in6 addr6 = {0};
    struct sockaddr *sa;
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG;
    if (inet_pton(AF_INET, a->cfg.listen, &addr4.sin_addr) == 1) {
        addr4.sin_family = AF_INET;
        addr4.sin_port = htons((uint16_t)a->cfg.port);
        sa = (struct sockaddr *)&addr4;
    } else if (inet_pton(AF_INET6, a->cfg.listen, &addr6.sin6_addr) == 1) {
        addr6.sin6_family = AF_INET6;
        addr6.sin6_port = htons((uint16_t)a->cfg.port);
        sa = (struct sockaddr *)&addr6;
        flags |= MHD_USE_IPv6;
    } else {
        fprintf(stderr, "repere: --listen %s is not an IP address\n", a->cfg.listen);
        return NULL;
    }
    struct MHD_Daemon *d = MHD_start_daemon(
        flags, (uint16_t)a->cfg.port, NULL, NULL, on_request, a, MHD_OPTION_SOCK_ADDR, sa,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned)a->cfg.threads, MHD_OPTION_CONNECTION_TIMEOUT,
        (unsigned)CONNECTION_TIMEOUT_S, MHD_OPTION_CONNECTION_LIMIT, (unsigned)CONNECTION_LIMIT,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)CONNECTION_MEMORY, MHD_OPTION_NOTIFY_COMPLETED,
        on_completed, a, MHD_OPTION_NOTIFY_CONNECTION, on_connection, a,
        MHD_OPTION_PER_IP_CONNECTION_LIMIT,
        (unsigned)(a->cfg.trust_proxy ? 0 : a->cfg.per_ip_connections), MHD_OPTION_END);
    if (!d) {
        fprintf(stderr,
                "repere: cannot listen on %s port %d (%s): is another program using this port?\n",
                a->cfg.listen, a->cfg.port, strerror(errno));
        return NULL;
    }
    http_server *s = xcalloc(1, sizeof *s);
    s->daemon = d;
    return s;
}

void http_stop(http_server *s)
{
    if (!s) return;
    MHD_stop_daemon(s->daemon);
    free(s);
}
