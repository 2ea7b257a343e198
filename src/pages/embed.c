/*
 * embed.c — /embed/lieux?…: a compact list of places for a commune's or a
 * hub's website, in an iframe, with each place's hours in words as on its
 * page (place_hours_view) and a map on request (static/repere.js draws it
 * from the list itself); and /integrer, the page that explains how to
 * embed it, with the snippet for a commune chosen through « Où ? » and a
 * live preview. The only pages that may be framed by other
 * sites: they set allow_framing (no X-Frame-Options) and their own
 * Content-Security-Policy with `frame-ancestors *` (http.c, csp_override);
 * everything else keeps frame-ancestors 'none'.
 *
 * Same selection parameters as /lieux and the downloads (src/api.c); links
 * open the full place page in a new tab. An ambiguous "Où ?" is asked inside
 * the frame, as on /lieux (where.h): each commune links back here with
 * commune= added; an unknown one is said there too.
 */
#include "pages/pages.h"
#include "pages/api_request.h"
#include "places/export.h"
#include "core/fr.h"
#include "places/place_view.h"
#include "search/where.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum {
    EMBED_MAX_PLACES = 200, /* a longer list belongs on Repère itself: "voir tous les lieux" */
};

/* Used by: page_embed_places (what the hours of a place depend on). */
static const char Q_PLACE_ZONE[] =
    "SELECT departement, timezone, latitude, longitude FROM place WHERE id = :id";

/*
 * The embed's policy: the site's (startup.c: map tiles included), with
 * framing allowed from anywhere. Allocated in the request's arena.
 */
static const char *embed_csp(req *r)
{
    static const char NONE[] = "frame-ancestors 'none'";
    const char *site = r->app->csp;
    const char *at = strstr(site, NONE);
    if (!at) return site; /* never looser than the site's own policy */
    return arena_printf(r->arena, "%.*sframe-ancestors *%s", (int)(at - site), site,
                        at + strlen(NONE));
}

/* The hours of place `id` in words, as on its page: status line and today. */
static void set_hours_words(db_conn *c, json_t *o, int64_t id, const char *hours, int64_t now)
{
    if (!hours) return;
    sqlite3_stmt *s = db_stmt(c, Q_PLACE_ZONE);
    db_bind_int(s, ":id", id);
    char *departement = NULL, *zone = NULL;
    double latitude = NAN, longitude = NAN; /* sunrise, sunset */
    if (sqlite3_step(s) == SQLITE_ROW) {
        departement = db_col_text(s, 0) ? xstrdup(db_col_text(s, 0)) : NULL;
        zone = db_col_text(s, 1) ? xstrdup(db_col_text(s, 1)) : NULL;
        latitude = db_col_double_or_nan(s, 2);
        longitude = db_col_double_or_nan(s, 3);
    }
    sqlite3_reset(s);
    char *effective = place_effective_hours(c, id, hours, departement, zone, now, NULL);
    place_hours_view(o, effective, departement, zone, latitude, longitude, now, 1, NULL);
    free(effective);
    free(departement);
    free(zone);
}

typedef struct embed_item {
    char *sort_key;
    json_t *item;
} embed_item;

static int by_commune_then_name(const void *a, const void *b)
{
    return strcmp(((const embed_item *)a)->sort_key, ((const embed_item *)b)->sort_key);
}

/* Render the embed's own document (no site header and footer). */
static int reply_embed(req *r, json_t *d)
{
    json_object_set_new(d, "home_url", json_string(api_absolute_url(r, "/")));
    json_object_set_new(d, "static_v", json_string(r->app->static_version));
    json_object_set_new(d, "tile_url", json_string(r->app->cfg.tile_url));
    r->status = 200;
    if (reply_document(r, "embed_lieux", d) != 0) return -1;
    r->cache_control = "public, max-age=300";
    return 0;
}

/* `path` with the request's query string without its commune= pairs, then commune=insee. */
static const char *with_commune(req *r, const char *path, const char *insee)
{
    buf b = {0};
    const char *qs = req_query_string(r);
    while (*qs) {
        size_t n = strcspn(qs, "&");
        size_t key = strcspn(qs, "=&");
        if (n && !(key == 7 && strncmp(qs, "commune", 7) == 0)) {
            buf_putc(&b, b.len ? '&' : '?');
            buf_append(&b, qs, n);
        }
        qs += n;
        if (*qs) qs++;
    }
    buf_puts(&b, b.len ? "&commune=" : "?commune=");
    url_encode(&b, insee);
    const char *url = arena_printf(r->arena, "%s%s", path, b.data);
    buf_free(&b);
    return url;
}

/* The communes of an ambiguous "Où ?" for templates/where_choice.html, each
 * linking to `path` with the request's parameters and commune= added. */
static void set_choices(req *r, json_t *d, const where_result *w, const char *path)
{
    json_t *choices = json_array();
    for (size_t i = 0; i < w->choice_count; i++)
        json_array_append_new(choices,
                              json_pack("{s:s, s:s, s:s, s:s, s:s}", "name", w->choices[i].name,
                                        "departement", w->choices[i].departement,
                                        "departement_name", w->choices[i].departement_name,
                                        "postal_codes", w->choices[i].postal_codes, "url",
                                        with_commune(r, path, w->choices[i].insee)));
    json_object_set_new(d, "choices", choices);
    if (w->suggested) json_object_set_new(d, "suggested", json_true());
}

/* "Où ?" is ambiguous or unknown: say so in the frame. */
static int where_page(req *r, const where_result *w)
{
    json_t *d = page_model(_("Lieux d'aide au numérique"));
    const char *ou = req_query(r, "ou");
    if (!ou || !*ou) ou = req_query(r, "departement");
    json_object_set_new(d, "ou", json_string(ou ? ou : ""));
    if (w->kind == WHERE_UNKNOWN) json_object_set_new(d, "where_error", json_string(w->message));
    set_choices(r, d, w, "/embed/lieux");
    json_object_set_new(d, "asking", json_true());
    return reply_embed(r, d);
}

int page_embed_places(req *r)
{
    r->allow_framing = true;
    r->csp_override = embed_csp(r);
    export_filter f;
    const char *error, *detail;
    where_result where;
    if (!api_selection_where(r, API_PARAMS_PAGE, &f, &where, &error, &detail)) {
        if (where.kind == WHERE_CHOICE || where.kind == WHERE_UNKNOWN) {
            int rc = where_page(r, &where);
            where_result_free(&where);
            return rc;
        }
        where_result_free(&where);
        const char *message =
            detail && *detail ? arena_printf(r->arena, "%s (%s)", error, detail) : error;
        return reply_error(r, 400, message);
    }
    where_result_free(&where);
    db_conn *c = db_reader(r->app->db);
    long total = export_count(c, &f);
    embed_item *items = xcalloc(EMBED_MAX_PLACES, sizeof *items);
    size_t n = 0;
    export_query *q = export_query_open(c, &f);
    export_record rec;
    int64_t now = now_utc();
    while (n < EMBED_MAX_PLACES && export_query_next(q, &rec)) {
        char *path = place_path(rec.place_id, rec.slug);
        json_t *o =
            json_pack("{s:s, s:s}", "name", rec.fields[EXPORT_NOM] ? rec.fields[EXPORT_NOM] : "",
                      "url", api_absolute_url(r, path));
        free(path);
        const char *fields[][2] = {{"address", rec.fields[EXPORT_ADRESSE]},
                                   {"postal_code", rec.fields[EXPORT_CODE_POSTAL]},
                                   {"commune", rec.fields[EXPORT_COMMUNE]},
                                   {"hours", rec.fields[EXPORT_HORAIRES]}};
        for (size_t i = 0; i < ARRAY_LEN(fields); i++)
            if (fields[i][1]) json_object_set_new(o, fields[i][0], json_string(fields[i][1]));
        set_hours_words(c, o, rec.place_id, rec.fields[EXPORT_HORAIRES], now);
        if (rec.has_position) { /* for the map (static/repere.js) */
            json_object_set_new(o, "lat", json_string(rec.fields[EXPORT_LATITUDE]));
            json_object_set_new(o, "lon", json_string(rec.fields[EXPORT_LONGITUDE]));
        }
        if (rec.fields[EXPORT_TELEPHONE]) {
            buf phone = {0};
            fr_phone(&phone, rec.fields[EXPORT_TELEPHONE]);
            json_object_set_new(o, "phone", json_string(rec.fields[EXPORT_TELEPHONE]));
            json_object_set_new(o, "phone_display", json_string(phone.data));
            buf_free(&phone);
        }
        char *commune_key = text_fold(rec.fields[EXPORT_COMMUNE] ? rec.fields[EXPORT_COMMUNE] : "");
        char *name_key = text_fold(rec.fields[EXPORT_NOM] ? rec.fields[EXPORT_NOM] : "");
        items[n].sort_key =
            xasprintf("%s\x01%s\x01%020lld", commune_key, name_key, (long long)rec.place_id);
        free(commune_key);
        free(name_key);
        items[n].item = o;
        n++;
    }
    export_query_close(q);
    qsort(items, n, sizeof *items, by_commune_then_name);
    json_t *places = json_array();
    for (size_t i = 0; i < n; i++) {
        json_array_append_new(places, items[i].item);
        free(items[i].sort_key);
    }
    free(items);

    json_t *d = page_model(_("Lieux d'aide au numérique"));
    json_object_set_new(d, "places", places);
    buf count = {0};
    fr_count(&count, total, "lieu", "lieux");
    json_object_set_new(d, "count", json_string(count.data));
    buf_free(&count);
    if (total > (long)n) json_object_set_new(d, "truncated", json_true());
    const char *qs = req_query_string(r);
    json_object_set_new(d, "more_url",
                        json_string(api_absolute_url(
                            r, f.search ? arena_printf(r->arena, "/lieux?%s", qs) : "/lieux")));
    return reply_embed(r, d);
}

/*
 * /integrer?ou=…: how to embed the list. Without "Où ?", the explanation and
 * the form; an ambiguous or unknown one is asked again, with what the
 * person typed; a commune (or a département) gives the snippet to copy and
 * a live preview of exactly that widget.
 */
int page_embed_howto(req *r)
{
    json_t *d = page_model(_("Intégrer la liste des lieux sur le site de votre commune"));
    json_object_set_new(
        d, "description",
        json_string(_("Afficher sur le site d'une commune les lieux d'aide au "
                      "numérique proches, avec leurs horaires : le code à copier.")));
    const char *ou = req_query(r, "ou");
    const char *commune = req_query(r, "commune");
    json_object_set_new(d, "ou", json_string(ou ? ou : ""));
    if ((!ou || !*ou) && (!commune || !*commune)) return reply_page(r, "embed_howto", d);

    where_input in = {.text = ou, .commune = commune};
    where_result w;
    if (where_resolve(r->app->db, &in, &w) != 0) {
        json_decref(d);
        return -1;
    }
    if (w.kind == WHERE_CHOICE) {
        set_choices(r, d, &w, "/integrer");
    } else if (w.kind == WHERE_COMMUNE || w.kind == WHERE_DEPARTEMENT) {
        buf query = {0};
        if (w.kind == WHERE_COMMUNE) {
            buf_puts(&query, "ou=");
            url_encode(&query, w.label);
            buf_puts(&query, "&commune=");
            url_encode(&query, w.insee);
        } else {
            buf_puts(&query, "territoire=departement:");
            url_encode(&query, w.departement);
        }
        const char *path = arena_printf(r->arena, "/embed/lieux?%s", query.data);
        buf_free(&query);
        json_object_set_new(d, "preview_url", json_string(path));
        json_object_set_new(d, "where_label", json_string(w.label));
        json_object_set_new(d, "ou", json_string(w.label));
        char *snippet = xasprintf("<iframe src=\"%s\" title=\"Lieux d'aide au numérique, %s\" "
                                  "style=\"width:100%%;height:600px;border:0\" "
                                  "loading=\"lazy\"></iframe>",
                                  api_absolute_url(r, path), w.label);
        json_object_set_new(d, "snippet", json_string(snippet));
        free(snippet);
    } else {
        json_object_set_new(d, "where_error",
                            json_string(w.kind == WHERE_UNKNOWN && *w.message
                                            ? w.message
                                            : _("Indiquez une commune ou un code postal.")));
    }
    where_result_free(&w);
    return reply_page(r, "embed_howto", d);
}
