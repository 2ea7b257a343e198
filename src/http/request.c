/*
 * request.c — the request as handlers see it: query, form, header and cookie
 * accessors, the pure form parser, and replying (status, body, headers,
 * pages through the templates). server.c owns the connection and sends what
 * these functions prepared.
 */
#include "http/request.h"
#include "http/gzip.h"
#include "http/page_cache.h"
#include "kit/selection.h"
#include "core/i18n.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- pure parsing ---- */

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

size_t http_percent_decode(char *s, size_t len, bool form)
{
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '%' && i + 2 < len && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
            s[o++] = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
            i += 2;
        } else if (form && s[i] == '+') {
            s[o++] = ' ';
        } else {
            s[o++] = s[i];
        }
    }
    s[o] = '\0';
    return o;
}

int http_parse_form(arena *ar, const char *body, size_t len, kv *out, size_t max)
{
    size_t n = 0, i = 0;
    while (i < len) {
        size_t end = i;
        while (end < len && body[end] != '&')
            end++;
        if (end > i) {
            if (n == max) return -1;
            char *pair = arena_strndup(ar, body + i, end - i);
            char *eq = strchr(pair, '=');
            /* No '=': an empty value, in the arena copy (it is decoded in
             * place, so it must not be a string literal). */
            char *value = pair + strlen(pair);
            if (eq) {
                *eq = '\0';
                value = eq + 1;
            }
            size_t klen = http_percent_decode(pair, strlen(pair), true);
            size_t vlen = http_percent_decode(value, strlen(value), true);
            if (!utf8_valid(pair, klen) || !utf8_valid(value, vlen)) return -1;
            if (memchr(pair, '\0', klen) || memchr(value, '\0', vlen)) return -1;
            out[n].key = pair;
            out[n].value = value;
            n++;
        }
        i = end + 1;
    }
    return (int)n;
}

/* ---- accessors ---- */

const char *req_cookie(req *r, const char *name)
{
    const char *h = req_header(r, "Cookie");
    size_t nlen = strlen(name);
    while (h && *h) {
        while (*h == ' ' || *h == ';')
            h++;
        const char *end = strchr(h, ';');
        size_t len = end ? (size_t)(end - h) : strlen(h);
        if (len > nlen && strncmp(h, name, nlen) == 0 && h[nlen] == '=')
            return arena_strndup(r->arena, h + nlen + 1, len - nlen - 1);
        h = end;
    }
    return NULL;
}

const char *req_query(req *r, const char *name)
{
    return MHD_lookup_connection_value(r->connection, MHD_GET_ARGUMENT_KIND, name);
}

typedef struct collect {
    const char *name;
    const char **values;
    size_t max, count;
} collect;

static enum MHD_Result collect_values(void *cls, enum MHD_ValueKind kind, const char *key,
                                      const char *value)
{
    (void)kind;
    collect *c = cls;
    if (strcmp(key, c->name) == 0 && value && c->count < c->max) c->values[c->count++] = value;
    return MHD_YES;
}

size_t req_query_all(req *r, const char *name, const char **values, size_t max)
{
    collect c = {name, values, max, 0};
    MHD_get_connection_values(r->connection, MHD_GET_ARGUMENT_KIND, collect_values, &c);
    return c.count;
}

const char *req_form(req *r, const char *name)
{
    for (size_t i = 0; i < r->nform; i++)
        if (strcmp(r->form[i].key, name) == 0) return r->form[i].value;
    return NULL;
}

const char *req_header(req *r, const char *name)
{
    return MHD_lookup_connection_value(r->connection, MHD_HEADER_KIND, name);
}

static enum MHD_Result append_query(void *cls, enum MHD_ValueKind kind, const char *key,
                                    const char *value)
{
    (void)kind;
    buf *b = cls;
    if (b->len) buf_putc(b, '&');
    url_encode(b, key);
    if (value) {
        buf_putc(b, '=');
        url_encode(b, value);
    }
    return MHD_YES;
}

const char *req_origin(req *r)
{
    /* The configured origin (config_origin), never the Host header. */
    return r->app->cfg.origin;
}

const char *req_query_string(req *r)
{
    buf b = {0};
    MHD_get_connection_values(r->connection, MHD_GET_ARGUMENT_KIND, append_query, &b);
    const char *s = arena_strdup(r->arena, b.data ? b.data : "");
    buf_free(&b);
    return s;
}

const char *req_client_ip(req *r)
{
    /* Behind Repère's own nginx (REPERE_TRUST_PROXY=1), every connection
     * comes from 127.0.0.1: the client is the last X-Forwarded-For address,
     * the one nginx added. Every limiter (login, claims, reports, the API)
     * and the log ask here, so they count visitors, not the proxy. */
    if (r->app->cfg.trust_proxy) {
        const char *xff = req_header(r, "X-Forwarded-For");
        if (xff && *xff) {
            const char *last = strrchr(xff, ',');
            last = last ? last + 1 : xff;
            while (*last == ' ')
                last++;
            size_t n = strcspn(last, " ");
            char candidate[INET6_ADDRSTRLEN];
            unsigned char addr[sizeof(struct in6_addr)];
            if (n > 0 && n < sizeof candidate) {
                memcpy(candidate, last, n);
                candidate[n] = '\0';
                if (inet_pton(AF_INET, candidate, addr) == 1 ||
                    inet_pton(AF_INET6, candidate, addr) == 1)
                    return arena_strdup(r->arena, candidate);
            }
        }
    }
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(r->connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    char ip[INET6_ADDRSTRLEN] = "";
    if (ci && ci->client_addr) {
        const struct sockaddr *sa = ci->client_addr;
        if (sa->sa_family == AF_INET)
            inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, ip, sizeof ip);
        else if (sa->sa_family == AF_INET6)
            inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, ip, sizeof ip);
    }
    return arena_strdup(r->arena, ip);
}

/* ---- replies ---- */

bool req_accepts_gzip(req *r)
{
    const char *ae = req_header(r, MHD_HTTP_HEADER_ACCEPT_ENCODING);
    return ae && strstr(ae, "gzip") != NULL;
}

/* Data, not pages: the API's JSON and the open data files are the same in
 * every language (field names and values stay as the schema has them), so
 * links to them keep no language prefix. */
static bool language_neutral(const char *path)
{
    static const char *const parts[] = {"/api/", "/donnees/"};
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
        if (str_starts_with(path, parts[i])) return true;
    return false;
}

/* The language Accept-Language asks for, when it is not the page's: the
 * page then shows a link to it, never a redirect. */
static const i18n_lang *suggested_language(req *r)
{
    const i18n_lang *l = i18n_from_accept(req_header(r, "Accept-Language"));
    return l && l != r->lang ? l : NULL;
}

/* The languages of the page: <html lang dir>, the hreflang alternates and
 * the language menu (each language named in itself, its link the same page
 * in that language), the suggestion of Accept-Language. */
static void add_languages(req *r, json_t *data)
{
    const i18n_lang *page = r->lang ? r->lang : I18N_FRENCH;
    const char *qs = req_query_string(r);
    json_object_set_new(data, "ui_lang", json_string(page->tag));
    json_object_set_new(data, "ui_rtl", json_boolean(page->rtl));
    /* Places' own texts stay as published (lang="fr"): pages say so once. */
    json_object_set_new(data, "ui_foreign", json_boolean(page != I18N_FRENCH));
    json_object_set_new(data, "ui_base", json_string(i18n_prefix(page)));
    /* The decimal separator, for the numbers static/repere.js writes. */
    json_object_set_new(data, "ui_decimal", json_string(page->decimal));
    json_t *list = json_array();
    const i18n_lang *suggested = suggested_language(r);
    for (size_t i = 0; i < I18N_COUNT; i++) {
        const i18n_lang *l = &I18N_LANGS[i];
        if (!i18n_served(l)) continue;
        const char *href = arena_printf(
            r->arena, "%s%s%s%s", i18n_prefix(l),
            strcmp(r->path, "/") == 0 && l != I18N_FRENCH ? "/" : r->path, *qs ? "?" : "", qs);
        json_t *item = json_pack("{s:s, s:s, s:s, s:s, s:b}", "code", l->code, "tag", l->tag,
                                 "name", l->name, "href", href, "current", l == page);
        json_object_set_new(item, "dir", json_string(l->rtl ? "rtl" : "ltr"));
        if (l == suggested) json_object_set(data, "ui_suggested_language", item);
        json_array_append_new(list, item);
    }
    json_object_set_new(data, "ui_languages", list);
}

/* Root-relative links and form actions of a page in another language than
 * French get the language's prefix ("/lieux" → "/en/lieux"), so that every
 * link a page builds — in a template or in C (view models, the selection,
 * short links) — keeps the language: one rule in one place. Not rewritten:
 * /static/ files, protocol-relative "//" URLs, and a tag that names its own
 * language with hreflang= (the language menu, the alternates). */
static void keep_language_in_links(req *r)
{
    const char *prefix = i18n_prefix(r->lang ? r->lang : I18N_FRENCH);
    if (!*prefix || !r->out.data) return;
    static const char *const attributes[] = {" href=\"/", " action=\"/"};
    buf out = {0};
    const char *s = r->out.data, *run = s;
    for (const char *p = s; (p = strchr(p, '=')) != NULL; p++) {
        for (size_t a = 0; a < 2; a++) {
            size_t name = a == 0 ? 5 : 7; /* " href" / " action" */
            const char *attr = p - name;
            if (attr < s || strncmp(attr, attributes[a], name + 3) != 0) continue;
            const char *url = p + 2;
            if (url[1] == '/' || str_starts_with(url, "/static/") || language_neutral(url)) break;
            /* hreflang= earlier in the same tag: a link to a given language */
            const char *tag = attr;
            while (tag > s && *tag != '<')
                tag--;
            bool names_language = false;
            for (const char *q = tag; q < attr; q++)
                if (strncmp(q, " hreflang=", 10) == 0) names_language = true;
            if (names_language) break;
            buf_append(&out, run, (size_t)(url - run));
            buf_puts(&out, prefix);
            run = url;
            break;
        }
    }
    if (run == s) {
        buf_free(&out);
        return;
    }
    buf_puts(&out, run);
    buf_free(&r->out);
    r->out = out;
}

bool reply_cached(req *r)
{
    page_cache *pc = r->app->pages;
    if (!page_cache_enabled(pc) || (strcmp(r->method, "GET") != 0 && !r->is_head) || r->user ||
        req_header(r, "Cookie"))
        return false;
    /* The key: the path and the query string as received. Entries hold the
     * gzip representation (a fifth of the bytes, so five times the pages in
     * the same memory); a client that does not take gzip gets it inflated. */
    const char *qs = req_query_string(r);
    /* The URL keeps its language prefix; the language an Accept-Language
     * header suggests shows as a link on the page (reply_page), so it is
     * part of the key too. */
    const i18n_lang *suggested = suggested_language(r);
    const char *key = arena_printf(r->arena, "%s?%s#%s", r->url ? r->url : r->path, qs,
                                   suggested ? suggested->code : "");
    int64_t version = db_version(r->app->db);
    int64_t now = (int64_t)time(NULL);
    page_cached meta;
    buf stored = {0};
    if (page_cache_get(pc, key, version, now, r->arena, &stored, &meta)) {
        buf_reset(&r->out);
        if (meta.gzip && !req_accepts_gzip(r)) {
            /* The ETag (length and XXH3 of the identity body) with the key
             * tells the same bytes. */
            const char *id = arena_printf(r->arena, "%s %s", meta.etag, key);
            if (!gzip_inflate_kept(id, stored.data, stored.len, &r->out)) {
                buf_free(&stored);
                buf_reset(&r->out);
                goto miss;
            }
            buf_free(&stored);
        } else {
            buf_free(&r->out);
            r->out = stored;
            r->out_gzip = meta.gzip;
        }
        r->cache_hit = true;
        r->status = 200;
        r->content_type = meta.content_type;
        r->cache_control = meta.cache_control;
        r->last_modified = meta.last_modified;
        memcpy(r->cached_etag, meta.etag, sizeof r->cached_etag);
        for (size_t i = 0; i < meta.nheaders; i++)
            reply_header(r, meta.header_keys[i], meta.header_values[i]);
        return true;
    }
miss:
    r->cache_key = key;
    r->cache_headers_from = r->nheaders;
    r->cache_version = version;
    /* Until the page says more (reply_valid_until): the end of this minute. */
    r->cache_valid_until = (now / 60 + 1) * 60;
    return false;
}

void reply_valid_until(req *r, int64_t until)
{
    if (r->cache_key && !r->cache_hit) r->cache_valid_until = until;
}

void reply_header(req *r, const char *name, const char *value)
{
    r->headers = r->headers ? r->headers : arena_alloc(r->arena, 16 * sizeof(kv));
    if (r->nheaders == 16) return;
    r->headers[r->nheaders].key = arena_strdup(r->arena, name);
    r->headers[r->nheaders].value = arena_strdup(r->arena, value);
    r->nheaders++;
}

int reply_page(req *r, const char *template_name, json_t *data)
{
    app *a = r->app;
    json_object_set_new(data, "static_v", json_string(a->static_version));
    /* "Ma sélection (N)" in the header, from the cookie only */
    json_t *nav = selection_nav_model(req_cookie(r, SELECTION_COOKIE));
    if (nav) json_object_set_new(data, "selection_nav", nav);
    add_languages(r, data);
    if (!json_object_get(data, "status"))
        json_object_set_new(data, "status", json_integer(r->status ? r->status : 200));
    /* Every page's title names the site, for a tab or a bookmark among others. */
    const char *title = json_string_value(json_object_get(data, "title"));
    /* And a meta description for each page, from its title when the page
     * has none of its own. */
    if (title && !json_object_get(data, "description"))
        json_object_set_new(data, "description",
                            json_string(arena_printf(r->arena,
                                                     _("%s. Repère, l'annuaire public des lieux "
                                                       "d'aide au numérique : adresses, horaires, "
                                                       "téléphone, services."),
                                                     title)));
    if (title && !strstr(title, "Repère"))
        json_object_set_new(data, "title",
                            json_string(arena_printf(r->arena, "%s — Repère", title)));
    buf body = {0};
    if (!tpl_render(a->templates, template_name, data, &body)) {
        fprintf(stderr, "repere: missing template %s\n", template_name);
        buf_free(&body);
        json_decref(data);
        return -1;
    }
    json_object_set_new(data, "body", json_stringn(body.data ? body.data : "", body.len));
    buf_free(&body);
    buf_reset(&r->out);
    tpl_render(a->templates, "layout", data, &r->out);
    json_decref(data);
    keep_language_in_links(r);
    if (!r->status) r->status = 200;
    r->content_type = "text/html; charset=utf-8";
    return 0;
}

int reply_document(req *r, const char *template_name, json_t *data)
{
    json_object_set_new(data, "static_v", json_string(r->app->static_version));
    add_languages(r, data);
    buf_reset(&r->out);
    bool ok = tpl_render(r->app->templates, template_name, data, &r->out);
    json_decref(data);
    if (!ok) return -1;
    keep_language_in_links(r);
    if (!r->status) r->status = 200;
    r->content_type = "text/html; charset=utf-8";
    return 0;
}

static bool wants_json(req *r)
{
    return str_starts_with(r->path, "/api/");
}

int reply_error(req *r, int status, const char *message)
{
    /* Callers write the message in French; scripts/po-extract.sh collects
     * reply_error's third argument for translation. */
    message = gettext(message);
    r->status = status;
    r->location = NULL;
    if (status >= 500)
        fprintf(stderr, "repere: %d on %s %s: %s\n", status, r->method, r->path, message);
    if (wants_json(r)) {
        return reply_json(r, status,
                          json_pack("{s:s, s:s}", "erreur", message, "detail",
                                    status == 404 ? "ressource inconnue" : ""));
    }
    json_t *d = json_pack("{s:s, s:i, s:s, s:b}", "title",
                          status == 404 ? _("Page introuvable") : _("Une erreur est survenue"),
                          "status", status, "message", message, "is_404", status == 404);
    if (reply_page(r, "error", d) != 0) {
        buf_reset(&r->out);
        buf_puts(&r->out, message);
        r->content_type = "text/plain; charset=utf-8";
    }
    r->status = status;
    return 0;
}

/* json_dump_callback's sink: a buf. */
static int dump_to_buf(const char *data, size_t len, void *out)
{
    buf_append(out, data, len);
    return 0;
}

/* The compact JSON text of `v` (NULL as null) appended to `out`. */
static void json_append(buf *out, const json_t *v)
{
    size_t start = out->len;
    if (!v || json_dump_callback(v, dump_to_buf, out, JSON_COMPACT | JSON_ENCODE_ANY) != 0) {
        out->len = start;
        buf_puts(out, "null");
    }
}

int reply_json(req *r, int status, json_t *data)
{
    buf_reset(&r->out);
    /* Straight into the response (an API page is 100 KB: no copy of it). */
    if (json_is_object(data) || json_is_array(data))
        json_append(&r->out, data);
    else
        buf_puts(&r->out, "null");
    json_decref(data);
    buf_putc(&r->out, '\n');
    r->status = status;
    r->content_type = "application/json; charset=utf-8";
    return 0;
}

int reply_text(req *r, const char *content_type, const char *text)
{
    buf_reset(&r->out);
    buf_puts(&r->out, text);
    r->content_type = content_type;
    if (!r->status) r->status = 200;
    return 0;
}

int reply_buf(req *r, const char *content_type, buf *body)
{
    buf_free(&r->out);
    r->out = *body;
    *body = (buf){0};
    r->content_type = content_type;
    r->status = 200;
    return 0;
}

int reply_redirect(req *r, int status, const char *location)
{
    r->status = status;
    /* A redirect within the site stays in the request's language; a path
     * that already names a language (a "retour" typed by hand) keeps it. */
    const char *prefix = i18n_prefix(r->lang ? r->lang : I18N_FRENCH);
    const char *rest;
    if (location[0] == '/' && location[1] != '/' && *prefix && !language_neutral(location) &&
        i18n_from_path(location, &rest) == I18N_FRENCH)
        location = arena_printf(r->arena, "%s%s", prefix, location);
    r->location = arena_strdup(r->arena, location);
    buf_reset(&r->out);
    r->content_type = "text/plain; charset=utf-8";
    return 0;
}
