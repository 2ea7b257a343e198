/*
 * api.c (pages) — the public read-only API, version 1, and its human page:
 *
 *   GET /api/v1/lieux            places in the national schema, cursor pagination
 *   GET /api/v1/lieux.geojson    the same selection as a GeoJSON FeatureCollection
 *   GET /api/v1/lieux/{id}       one place (Repère's numeric id)
 *   GET /api/v1/openapi.json     the OpenAPI 3 description (docs/openapi.json)
 *   GET /api                     the page for people, with examples
 *
 * No key; Access-Control-Allow-Origin: *; errors as JSON; a per-client rate
 * limit (src/api.c). The selection parameters are those of /lieux plus
 * territoire=, modified_after=, limit= and cursor=. See docs/api.md.
 */
#include "pages/pages.h"
#include "pages/api_request.h"
#include "places/export.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The query string of the request with cursor= replaced by `cursor`. */
static const char *next_link(req *r, const char *path, const char *cursor)
{
    buf b = {0};
    const char *qs = req_query_string(r);
    while (*qs) {
        size_t n = strcspn(qs, "&");
        if (!(strncmp(qs, "cursor=", 7) == 0 || (n == 6 && strncmp(qs, "cursor", 6) == 0))) {
            buf_putc(&b, b.len ? '&' : '?');
            buf_append(&b, qs, n);
        }
        qs += n;
        if (*qs) qs++;
    }
    buf_putc(&b, b.len ? '&' : '?');
    buf_puts(&b, "cursor=");
    url_encode(&b, cursor);
    const char *url = api_absolute_url(r, arena_printf(r->arena, "%s%s", path, b.data));
    buf_free(&b);
    return url;
}

/* One page of the selection, as the API's list or as GeoJSON features. */
static int list(req *r, bool geojson)
{
    if (!api_rate_allow(r)) return 0;
    if (reply_cached(r)) return 0;
    export_filter f;
    const char *error, *detail;
    long total;
    int64_t valid_until;
    if (!api_selection_page(r, &f, &total, &valid_until, &error, &detail))
        return api_error(r, 400, error, detail);
    /* Kept past the minute: nothing in a list depends on the clock but what
     * valid_until says (the page cache still drops it at any edit). */
    reply_valid_until(r, valid_until);
    db_conn *c = db_reader(r->app->db);
    if (total < 0) total = export_count(c, &f);
    /* The items are written straight as JSON text, with no jansson tree
     * (building and dumping one was a third of a page nobody had asked yet
     * at 300 000 places); the bytes are those jansson would write. */
    buf items = {0};
    size_t count = 0;
    /* One more than asked, to know whether another page follows. */
    long asked = f.limit;
    f.limit = asked + 1;
    export_query *q = export_query_open(c, &f);
    export_record rec;
    char cursor[API_CURSOR_MAX] = "";
    bool more = false;
    while (export_query_next(q, &rec)) {
        if ((long)count == asked) {
            more = true;
            break;
        }
        if (count++) buf_putc(&items, ',');
        if (geojson) export_geojson_feature_open(&items, &rec);
        api_lieu_write(r, &items, &rec);
        if (geojson) buf_putc(&items, '}');
        api_cursor_encode(rec.updated_at, rec.place_id, cursor);
    }
    export_query_close(q);
    /* An empty page keeps the position it was asked from. */
    if (!cursor[0] && f.after_updated_at) api_cursor_encode(f.after_updated_at, f.after_id, cursor);
    const char *path = geojson ? "/api/v1/lieux.geojson" : "/api/v1/lieux";
    const char *next = more ? next_link(r, path, cursor) : NULL;
    const char *position = cursor[0] ? cursor : NULL;
    /* The keys in the order of the documented responses (docs/openapi.json). */
    buf body = {0};
    if (geojson) {
        buf_puts(&body, "{\"type\":\"FeatureCollection\",\"features\":[");
        buf_append(&body, items.data ? items.data : "", items.len);
        buf_printf(&body, "],\"total\":%ld,\"nombre\":%zu,\"curseur\":", total, count);
        buf_json_string(&body, position);
        buf_puts(&body, ",\"suivant\":");
        buf_json_string(&body, next);
        buf_puts(&body, "}\n");
    } else {
        buf_printf(&body, "{\"total\":%ld,\"nombre\":%zu,\"curseur\":", total, count);
        buf_json_string(&body, position);
        buf_puts(&body, ",\"suivant\":");
        buf_json_string(&body, next);
        buf_puts(&body, ",\"lieux\":[");
        buf_append(&body, items.data ? items.data : "", items.len);
        buf_puts(&body, "]}\n");
    }
    buf_free(&items);
    api_cors(r);
    if (more) reply_header(r, "Link", arena_printf(r->arena, "<%s>; rel=\"next\"", next));
    reply_buf(r,
              geojson ? "application/geo+json; charset=utf-8" : "application/json; charset=utf-8",
              &body);
    return 0;
}

int page_api_places(req *r)
{
    return list(r, false);
}

int page_api_places_geojson(req *r)
{
    return list(r, true);
}

int page_api_place(req *r)
{
    if (!api_rate_allow(r)) return 0;
    if (reply_cached(r)) return 0;
    const char *segment = r->params[0];
    size_t n = strlen(segment);
    bool digits = n > 0 && n <= 18 && segment[0] != '0';
    for (size_t i = 0; digits && i < n; i++)
        digits = segment[i] >= '0' && segment[i] <= '9';
    if (!digits)
        return api_error(r, 404, "Ce lieu n'existe pas.",
                         "l'identifiant est le nombre « identifiant » d'un lieu");
    if (req_query_string(r)[0])
        return api_error(r, 400, "Cette adresse ne prend aucun paramètre.", "");
    export_filter f = {0};
    f.ids = arena_printf(r->arena, "[%s]", segment);
    f.include_closed = true;
    export_query *q = export_query_open(db_reader(r->app->db), &f);
    export_record rec;
    int rc;
    if (!export_query_next(q, &rec)) {
        rc = api_error(r, 404, "Ce lieu n'existe pas.", "ressource inconnue");
    } else if (rec.closed_at) {
        rc = api_error(r, 410, "Ce lieu a fermé.",
                       arena_printf(r->arena, "fermé le %s", rec.closed_at));
    } else {
        api_cors(r);
        char stamp[21];
        if (rec.updated_at && export_parse_timestamp(rec.updated_at, stamp)) {
            struct tm tm = {0};
            if (strptime(stamp, "%Y-%m-%dT%H:%M:%SZ", &tm)) r->last_modified = timegm(&tm);
        }
        buf body = {0};
        api_lieu_write(r, &body, &rec);
        buf_putc(&body, '\n');
        reply_buf(r, "application/json; charset=utf-8", &body);
        rc = 0;
    }
    export_query_close(q);
    return rc;
}

int page_api_openapi(req *r)
{
    char *path = arena_printf(r->arena, "%s/docs/openapi.json", r->app->cfg.root);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        if (fd >= 0) close(fd);
        return api_error(r, 500, "La description de l'API est introuvable.", "docs/openapi.json");
    }
    api_cors(r);
    r->file_fd = fd;
    r->file_size = (uint64_t)st.st_size;
    r->status = 200;
    r->content_type = "application/json; charset=utf-8";
    r->last_modified = st.st_mtime;
    r->cache_control = "public, max-age=3600";
    return 0;
}

int page_api_doc(req *r)
{
    json_t *d = page_model(_("API publique des lieux"));
    json_object_set_new(d, "base", json_string(api_absolute_url(r, "")));
    json_object_set_new(d, "default_limit", json_integer(API_DEFAULT_LIMIT));
    json_object_set_new(d, "max_limit", json_integer(API_MAX_LIMIT));
    json_object_set_new(d, "schema_url", json_string(SCHEMA_URL));
    json_object_set_new(d, "description",
                        json_string(_("Les lieux d'aide au numérique de Repère, en lecture libre "
                                      "et sans clé, au format du schéma national.")));
    return reply_page(r, "api", d);
}
