/*
 * places.c — /lieux: search by need and location, filters with counts,
 * results by distance, pagination; the choice page when "Où ?" is
 * ambiguous; /lieux.geojson for the map (same parameters).
 */
#include "pages/pages.h"
#include "places/duplicate.h"
#include "core/fr.h"
#include "geo/geo.h"
#include "places/place_view.h"
#include "search/search.h"
#include "workshops/workshop.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { GEOJSON_MAX_FEATURES = 2000 /* markers on the map; the list has every place */ };

/* The current search as a query string, without `skip_group` value `skip`
 * (or with `add` added to it), and without the page. Used to build the
 * links of filters, pagination and the choice page. */
static void query_string(buf *b, const search_params *p, int group, const char *skip,
                         const char *add, const char *extra_name, const char *extra_value)
{
    buf_reset(b);
#define ADD(name, value)                                                                           \
    do {                                                                                           \
        buf_putc(b, b->len ? '&' : '?');                                                           \
        buf_puts(b, name);                                                                         \
        buf_putc(b, '=');                                                                          \
        url_encode(b, value);                                                                      \
    } while (0)
    if (p->q && *p->q) ADD("q", p->q);
    if (p->literal) ADD("litteral", "1");
    if (p->where && *p->where) ADD("ou", p->where);
    if (p->chosen_insee && *p->chosen_insee) ADD("commune", p->chosen_insee);
    if (p->has_position) {
        char num[32];
        snprintf(num, sizeof num, "%.5f", p->lat);
        ADD("lat", num);
        snprintf(num, sizeof num, "%.5f", p->lon);
        ADD("lon", num);
    }
    if (p->radius_km > 0) {
        char num[16];
        snprintf(num, sizeof num, "%g", p->radius_km);
        ADD("rayon", num);
    }
    for (int g = 0; g < SG_COUNT; g++) {
        for (size_t i = 0; i < p->selected_count[g]; i++) {
            if (g == group && skip && strcmp(p->selected[g][i], skip) == 0) continue;
            ADD(search_group_param((search_group)g), p->selected[g][i]);
        }
        if (g == group && add) ADD(search_group_param((search_group)g), add);
    }
    if (extra_name) ADD(extra_name, extra_value);
#undef ADD
}

static json_t *link_to(const char *path, const buf *qs)
{
    char *s = xasprintf("%s%s", path, qs->data ? qs->data : "");
    json_t *v = json_string(s);
    free(s);
    return v;
}

/* The filter groups with their values, counts and toggle links. */
static json_t *facets_json(const search_params *p, const search_result *res)
{
    json_t *groups = json_array();
    buf qs = {0};
    for (int g = 0; g < SG_COUNT; g++) {
        json_t *values = json_array();
        for (size_t i = 0; i < res->facet_count[g]; i++) {
            const search_facet_value *v = &res->facets[g][i];
            if (!v->count && !v->selected) continue; /* values that would give nothing */
            query_string(&qs, p, g, v->selected ? v->slug : NULL, v->selected ? NULL : v->slug,
                         NULL, NULL);
            char id[80];
            snprintf(id, sizeof id, "f-%s-%s", search_group_param((search_group)g), v->slug);
            json_array_append_new(values, json_pack("{s:s, s:s, s:s, s:I, s:b, s:o, s:s}", "param",
                                                    search_group_param((search_group)g), "slug",
                                                    v->slug, "label", gettext(v->label), "count",
                                                    (json_int_t)v->count, "selected", v->selected,
                                                    "toggle", link_to("/lieux", &qs), "id", id));
        }
        if (json_array_size(values))
            json_array_append_new(groups,
                                  json_pack("{s:s, s:s, s:o}", "title",
                                            gettext(search_group_title((search_group)g)), "param",
                                            search_group_param((search_group)g), "values", values));
        else
            json_decref(values);
    }
    buf_free(&qs);
    return groups;
}

static void set_where_model(json_t *d, const search_params *p, const search_result *res)
{
    if (p->q) json_object_set_new(d, "q", json_string(p->q));
    if (p->where) json_object_set_new(d, "ou", json_string(p->where));
    if (where_has_point(&res->where) || res->where.kind == WHERE_DEPARTEMENT) {
        json_object_set_new(d, "where_label", json_string(res->where.label));
        /* "de Chambéry", "d'Annonay", "de votre position" */
        const unsigned char *l = (const unsigned char *)res->where.label;
        bool vowel = strchr("AEIOUYaeiouy", l[0]) != NULL ||
                     (l[0] == 0xC3 && strchr("\x89\x88\x8a\x8e\x94", l[1]) != NULL);
        /* TRANSLATORS: "de Chambéry" / "d’Annonay": where a distance is counted from
         * (not the "de 10 h" of opening hours, a message of its own). */
        char *from = xasprintf(vowel ? C_("origine d'une distance", "d’%s")
                                     : C_("origine d'une distance", "de %s"),
                               res->where.label);
        json_object_set_new(d, "where_from", json_string(from));
        free(from);
    }
    if (res->interpretation[0]) {
        json_object_set_new(d, "interpretation", json_string(res->interpretation));
        /* One click to search the words only (rank.h). */
        buf qs = {0};
        search_params words_only = *p;
        words_only.literal = true;
        query_string(&qs, &words_only, -1, NULL, NULL, NULL, NULL);
        json_object_set_new(d, "literal_url", link_to("/lieux", &qs));
        buf_free(&qs);
    }
    if (res->where.note[0]) json_object_set_new(d, "where_note", json_string(res->where.note));
}

/* The communes of res->where.choices, each with a link that picks it. */
static json_t *choices_json(const search_params *p, const search_result *res)
{
    json_t *list = json_array();
    buf qs = {0};
    search_params copy = *p;
    for (size_t i = 0; i < res->where.choice_count; i++) {
        const where_choice *c = &res->where.choices[i];
        copy.chosen_insee = c->insee;
        query_string(&qs, &copy, -1, NULL, NULL, NULL, NULL);
        json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:s, s:o}", "name", c->name,
                                              "departement", c->departement, "departement_name",
                                              c->departement_name, "postal_codes", c->postal_codes,
                                              "url", link_to("/lieux", &qs)));
    }
    buf_free(&qs);
    return list;
}

/* A commune chosen among homonyms because it is far bigger: the others, with
 * links that pick them ("Vous cherchiez une autre Valence ?"). */
static void set_other_communes(json_t *d, const search_params *p, const search_result *res)
{
    if (res->where.kind != WHERE_COMMUNE || !res->where.choice_count) return;
    json_object_set_new(d, "other_communes", choices_json(p, res));
    json_object_set_new(d, "other_name", json_string(res->where.name));
}

static int choice_page(req *r, const search_params *p, search_result *res)
{
    json_t *d = page_model(_("Précisez la commune"));
    set_where_model(d, p, res);
    json_object_set_new(d, "choices", choices_json(p, res));
    if (res->where.suggested) json_object_set_new(d, "suggested", json_true());
    search_result_free(res);
    return reply_page(r, "search_choice", d);
}

int page_places(req *r)
{
    if (reply_cached(r)) return 0;
    search_params p;
    const char *error = NULL;
    if (!search_parse(r, &p, &error)) return reply_error(r, 400, error);
    /* Home-page links browse a département: departement=07. */
    const char *dep = req_query(r, "departement");
    if (dep && *dep && (!p.where || !*p.where)) p.where = dep;

    /* This page's hits ranked, not the thousands after them. */
    p.ranked = (size_t)p.page * SEARCH_PER_PAGE;
    search_result res;
    if (search_run(r->app->search, r->app->db, &p, &res) != 0) return -1;
    if (res.where.kind == WHERE_CHOICE) return choice_page(r, &p, &res);

    json_t *d = page_model(_("Lieux d'aide au numérique"));
    set_where_model(d, &p, &res);
    set_other_communes(d, &p, &res);
    if (res.where.kind == WHERE_UNKNOWN) {
        json_object_set_new(d, "where_unknown", json_string(res.where.message));
        r->status = 200;
    }
    long pages = ((long)res.total + SEARCH_PER_PAGE - 1) / SEARCH_PER_PAGE;
    if (p.page > 1 && p.page > pages) {
        search_result_free(&res);
        json_decref(d);
        return reply_error(r, 404, "Cette page de résultats n'existe pas.");
    }
    /* One page of results, with distances: each row is {"place": the shared
     * item, "distance": …} (the template reads the distance from the row). */
    json_t *items = json_array();
    db_conn *c = db_reader(r->app->db);
    size_t from = (size_t)(p.page - 1) * SEARCH_PER_PAGE;
    const int64_t version = db_version(r->app->db); /* once for the page's items */
    /* The page stays true until the first of: a card's hours change, a
     * counted place opens or closes, a listed workshop starts, the day
     * ends (search_result.valid_until) — not every minute. */
    int64_t valid_until = res.valid_until;
    for (size_t i = from; i < res.total && i < from + SEARCH_PER_PAGE; i++) {
        json_t *item =
            search_list_item(r->app->search, r->app->db, version, res.hits[i].id, &valid_until);
        if (!item) continue;
        json_t *row = json_pack("{s:o}", "place", item);
        if (res.hits[i].distance_km >= 0 && where_has_point(&res.where)) {
            buf dist = {0};
            fr_distance(&dist, res.hits[i].distance_km);
            json_object_set_new(row, "distance", json_string(dist.data));
            buf_free(&dist);
        }
        json_array_append_new(items, row);
    }
    /* Two places of the same name within 30 m, not yet decided by a
     * coordinator, are one entry linking both (places/duplicate.h): the
     * page may show one entry fewer, the count and the filters' counts
     * still count places. */
    place_duplicate_collapse(c, items);
    buf count = {0};
    fr_count(&count, (long)res.total, "lieu", "lieux");
    json_object_set_new(d, "count", json_string(count.data));
    buf_free(&count);
    json_object_set_new(d, "places", items);
    if (res.radius_km > 0) {
        json_object_set_new(d, "radius", json_integer((json_int_t)res.radius_km));
        if (res.radius_grown) json_object_set_new(d, "radius_grown", json_true());
        if (res.beyond_radius) json_object_set_new(d, "beyond_radius", json_true());
        if (res.radius_km < SEARCH_MAX_RADIUS_KM && res.total < SEARCH_PER_PAGE) {
            buf qs = {0};
            search_params wider = p;
            wider.radius_km = res.radius_km < 50 ? 50 : 100;
            query_string(&qs, &wider, -1, NULL, NULL, NULL, NULL);
            json_object_set_new(d, "widen_url", link_to("/lieux", &qs));
            json_object_set_new(d, "widen_km", json_integer((json_int_t)wider.radius_km));
            buf_free(&qs);
        }
    }
    json_object_set_new(d, "filters", facets_json(&p, &res));
    /* Selected filters, each with a link that removes it. */
    json_t *active = json_array();
    buf qs = {0};
    for (int g = 0; g < SG_COUNT; g++)
        for (size_t i = 0; i < res.facet_count[g]; i++)
            if (res.facets[g][i].selected) {
                query_string(&qs, &p, g, res.facets[g][i].slug, NULL, NULL, NULL);
                json_array_append_new(active, json_pack("{s:s, s:o}", "label",
                                                        gettext(res.facets[g][i].label), "remove",
                                                        link_to("/lieux", &qs)));
            }
    if (json_array_size(active))
        json_object_set_new(d, "active_filters", active);
    else
        json_decref(active);
    /* Hidden fields that keep the location and filters when the form is resubmitted. */
    json_t *hidden = json_array();
    for (int g = 0; g < SG_COUNT; g++)
        for (size_t i = 0; i < p.selected_count[g]; i++)
            json_array_append_new(hidden, json_pack("{s:s, s:s}", "name",
                                                    search_group_param((search_group)g), "value",
                                                    p.selected[g][i]));
    json_object_set_new(d, "hidden_filters", hidden);
    if (p.radius_km > 0) json_object_set_new(d, "rayon", json_integer((json_int_t)p.radius_km));
    if (p.has_position) {
        char num[32];
        snprintf(num, sizeof num, "%.5f", p.lat);
        json_object_set_new(d, "lat", json_string(num));
        snprintf(num, sizeof num, "%.5f", p.lon);
        json_object_set_new(d, "lon", json_string(num));
    }
    if (p.chosen_insee) json_object_set_new(d, "commune", json_string(p.chosen_insee));
    /* Map data and pagination, with the same parameters. */
    query_string(&qs, &p, -1, NULL, NULL, NULL, NULL);
    json_object_set_new(d, "geojson_url", link_to("/lieux.geojson", &qs));
    json_object_set_new(d, "tile_url", json_string(r->app->cfg.tile_url));
    json_object_set_new(d, "download_query", json_string(qs.data ? qs.data : ""));
    json_object_set_new(d, "has_results", json_boolean(res.total > 0));
    if (pages > 1) {
        json_t *pg = json_pack("{s:i, s:i}", "page", p.page, "pages", pages);
        char num[24];
        if (p.page > 1) {
            snprintf(num, sizeof num, "%ld", p.page - 1);
            query_string(&qs, &p, -1, NULL, NULL, "page", num);
            json_object_set_new(pg, "prev", link_to("/lieux", &qs));
        }
        if (p.page < pages) {
            snprintf(num, sizeof num, "%ld", p.page + 1);
            query_string(&qs, &p, -1, NULL, NULL, "page", num);
            json_object_set_new(pg, "next", link_to("/lieux", &qs));
        }
        json_object_set_new(d, "pagination", pg);
    }
    buf_free(&qs);
    /* A few workshops coming up nearby, with a link to the agenda. */
    if (where_has_point(&res.where)) {
        json_t *near = workshop_upcoming_near(c, res.where.lat, res.where.lon,
                                              res.radius_km > 0 ? res.radius_km : 20, now_utc(), 3,
                                              &valid_until);
        if (json_array_size(near)) {
            json_object_set_new(d, "workshops", near);
            buf agenda = {0};
            buf_puts(&agenda, "/ateliers");
            if (p.has_position)
                buf_printf(&agenda, "?lat=%.5f&lon=%.5f", p.lat, p.lon);
            else if (p.where && *p.where) {
                /* The same "Où ?", with the commune chosen here if any. */
                buf_puts(&agenda, "?ou=");
                url_encode(&agenda, p.where);
                if (p.chosen_insee && *p.chosen_insee) {
                    buf_puts(&agenda, "&commune=");
                    url_encode(&agenda, p.chosen_insee);
                }
            }
            json_object_set_new(d, "agenda_url", json_string(agenda.data));
            buf_free(&agenda);
        } else {
            json_decref(near);
        }
    }
    if (where_has_point(&res.where) || res.where.kind == WHERE_DEPARTEMENT) {
        char *title = xasprintf(_("Lieux d'aide au numérique — %s"), res.where.label);
        json_object_set_new(d, "title", json_string(title));
        free(title);
    }
    {
        buf counted = {0};
        fr_count(&counted, (long)res.total, "lieu", "lieux");
        /* The title says what came back, so that a screen reader's first words
         * (and the tab) tell an empty or failed search from a list. */
        const char *base_title = json_string_value(json_object_get(d, "title"));
        json_object_set_new(
            d, "title",
            json_string(arena_printf(r->arena, "%s — %s",
                                     res.where.kind == WHERE_UNKNOWN ? _("Lieu introuvable")
                                     : res.total == 0                ? _("Aucun lieu trouvé")
                                                                     : counted.data,
                                     base_title ? base_title : "")));
        buf_free(&counted);
    }
    search_result_free(&res);
    reply_valid_until(r, valid_until);
    return reply_page(r, "places", d);
}

/* /communes.json?q=: suggestions for "Où ?" while typing (an enhancement). */
int page_communes_json(req *r)
{
    const char *q = req_query(r, "q");
    json_t *out = json_array();
    if (q && strlen(q) >= 2 && strlen(q) <= WHERE_MAX_TEXT) {
        geo_commune *list = NULL;
        int n = geo_communes_find(db_reader(r->app->db), q, 8, &list);
        for (int i = 0; i < n; i++) {
            char *label = xasprintf("%s (%s)", list[i].name, list[i].departement);
            json_array_append_new(out, json_pack("{s:s, s:s, s:s, s:s}", "label", label, "insee",
                                                 list[i].insee, "nom", list[i].name,
                                                 "codes_postaux", list[i].postal_codes));
            free(label);
        }
        free(list);
    }
    r->cache_control = "public, max-age=86400";
    return reply_json(r, 200, out);
}

/* Used by: /lieux.geojson (markers). */
static const char Q_MARKER[] =
    "SELECT id, slug, name, commune, latitude, longitude FROM place WHERE id = :id"
    " AND latitude IS NOT NULL";

int page_places_geojson(req *r)
{
    search_params p;
    const char *error = NULL;
    if (!search_parse(r, &p, &error))
        return reply_json(r, 400, json_pack("{s:s, s:s}", "erreur", error, "detail", ""));
    const char *dep = req_query(r, "departement");
    if (dep && *dep && (!p.where || !*p.where)) p.where = dep;
    search_result res;
    if (search_run(r->app->search, r->app->db, &p, &res) != 0) return -1;
    json_t *features = json_array();
    db_conn *c = db_reader(r->app->db);
    for (size_t i = 0; i < res.total && i < GEOJSON_MAX_FEATURES; i++) {
        sqlite3_stmt *s = db_stmt(c, Q_MARKER);
        db_bind_int(s, ":id", res.hits[i].id);
        if (sqlite3_step(s) == SQLITE_ROW) {
            char *path = place_path(sqlite3_column_int64(s, 0), db_col_text(s, 1));
            json_array_append_new(
                features,
                json_pack("{s:s, s:{s:s, s:[f,f]}, s:{s:I, s:s, s:s, s:s}}", "type", "Feature",
                          "geometry", "type", "Point", "coordinates", sqlite3_column_double(s, 5),
                          sqlite3_column_double(s, 4), "properties", "id",
                          (json_int_t)sqlite3_column_int64(s, 0), "nom", db_col_text(s, 2),
                          "commune", db_col_text(s, 3), "url", path));
            free(path);
        }
        sqlite3_reset(s);
    }
    search_result_free(&res);
    reply_json(r, 200, json_pack("{s:s, s:o}", "type", "FeatureCollection", "features", features));
    r->content_type = "application/geo+json; charset=utf-8";
    return 0;
}
