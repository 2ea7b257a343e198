/*
 * territory.c — where help is missing, for coordinators and elected
 * officials:
 *   GET /territoire                               choose a territory ("Où ?", as everywhere)
 *   GET /territoire/departement/{code}            figures, freshness, communes table
 *   GET /territoire/departement/{code}/communes.csv
 *   GET /territoire/epci/{siren}                  the same for an EPCI
 *   GET /territoire/epci/{siren}/communes.csv
 *   GET /territoire/commune/{insee}               nearest places per service, the carnet
 *
 * Every figure comes from the territory computed once per data version
 * (places/territory.h); these handlers only choose, sort and word them.
 * The communes table sorts without JavaScript (?tri=, ?ordre=); the map is
 * drawn by repere.js from the table's data attributes.
 */
#include "pages/pages.h"
#include "core/fr.h"
#include "geo/geo.h"
#include "hours/tz.h"
#include "places/export.h"
#include "places/place_view.h"
#include "places/territory.h"
#include "places/vocab.h"
#include "search/where.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    TERRITORY_STALE_LISTED = 100, /* stale listings named on the page, oldest first */
    TERRITORY_MAX_CODE = 16,      /* bytes of {code}, {siren} or {insee} */
};

/* The services shown as columns of the communes table (indexes of needs):
 * démarches, outils du quotidien, accès internet et matériel. */
static const int TABLE_NEEDS[] = {1, 2, 8};

/* CSV column of each need, in vocabulary order (places/vocab.c SERVICES). */
static const char *const CSV_NEED_COLUMNS[TERRITORY_NEEDS] = {
    "distance_lieu_km",
    "distance_demarches_km",
    "distance_outils_quotidien_km",
    "distance_insertion_professionnelle_km",
    "distance_securite_km",
    "distance_parentalite_km",
    "distance_loisirs_creation_km",
    "distance_culture_numerique_km",
    "distance_internet_materiel_km",
    "distance_materiel_solidaire_km",
};

static const char *need_label(int need)
{
    if (need == 0) return _("Tous les lieux");
    size_t count;
    const vocab_entry *services = vocab_entries(VOCAB_SERVICES, &count);
    return (size_t)(need - 1) < count ? gettext(services[need - 1].label) : "";
}

/* ---- wording ---- */

/* 3.24 → "3,2" (one decimal, French comma); no place: "—". Arena. */
static const char *km_text(req *r, double km)
{
    if (km < 0) return "—";
    char *s = arena_printf(r->arena, "%.1f", km);
    char *dot = strchr(s, '.');
    if (dot) *dot = ',';
    return s;
}

/* part / whole as "12,3 %" (narrow no-break space). Arena. */
static const char *percent_text(req *r, long part, long whole)
{
    double p = whole > 0 ? 100.0 * (double)part / (double)whole : 0;
    char *s = arena_printf(r->arena, "%.1f\u202f%%", p);
    char *dot = strchr(s, '.');
    if (dot) *dot = ',';
    return s;
}

static const char *number_text(req *r, long n)
{
    buf b = {0};
    fr_number(&b, n);
    const char *s = arena_strdup(r->arena, b.data ? b.data : "0");
    buf_free(&b);
    return s;
}

/* "29 novembre 2026 à 6 h 05", Paris time. Arena. */
static const char *computed_text(req *r, int64_t utc)
{
    const tz_zone *paris = tz_zone_get("Europe/Paris");
    int64_t local = paris ? tz_utc_to_local(paris, utc) : utc;
    int64_t days = tz_floor_div(local, 86400), secs = local - days * 86400;
    int y, m, d;
    tz_civil_from_days(days, &y, &m, &d);
    return arena_printf(r->arena, "%d %s %d à %d h %02d", d, FR_MONTHS[m - 1], y,
                        (int)(secs / 3600), (int)(secs % 3600 / 60));
}

/* ---- the figures ---- */

/* French agreement: 0 and 1 take the singular. */
/* A summary as the templates read it. */
static json_t *summary_json(req *r, const territory_summary *s)
{
    json_t *o = json_object();
    json_object_set_new(o, "communes", json_string(number_text(r, (long)s->communes)));
    json_object_set_new(o, "population", json_string(number_text(r, s->population)));
    json_object_set_new(o, "places", json_string(number_text(r, s->places)));
    json_object_set_new(o, "unplaced", json_integer(s->places - s->placed));
    double per10k = s->population > 0 ? 10000.0 * (double)s->places / (double)s->population : 0;
    char *p = arena_printf(r->arena, "%.1f", per10k);
    char *dot = strchr(p, '.');
    if (dot) *dot = ',';
    json_object_set_new(o, "per_10000", json_string(p));
    json_object_set_new(o, "white_zones", json_string(number_text(r, (long)s->white_zones)));
    json_object_set_new(o, "white_zone_population",
                        json_string(number_text(r, s->white_zone_population)));
    json_object_set_new(o, "white_zone_share",
                        json_string(percent_text(r, s->white_zone_population, s->population)));
    json_object_set_new(o, "beyond_10_share",
                        json_string(percent_text(r, s->population_beyond[0][1], s->population)));
    json_object_set_new(o, "saturday", json_string(number_text(r, s->saturday)));
    json_object_set_new(o, "saturday_share", json_string(percent_text(r, s->saturday, s->places)));
    json_object_set_new(o, "after_17", json_string(number_text(r, s->after_17)));
    json_object_set_new(o, "after_17_share", json_string(percent_text(r, s->after_17, s->places)));
    json_object_set_new(o, "stale", json_string(number_text(r, s->stale)));
    json_object_set_new(o, "stale_share", json_string(percent_text(r, s->stale, s->places)));
    json_object_set_new(
        o, "nouns",
        json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "places",
                  i18n_plural(s->places, "lieu d'aide au numérique", "lieux d'aide au numérique"),
                  "per_10000", i18n_plural(per10k < 2 ? 1 : 2, "lieu", "lieux"), "population",
                  i18n_plural(s->population, "habitant", "habitants"), "communes",
                  i18n_plural((long)s->communes, "commune", "communes"), "white_zones",
                  i18n_plural((long)s->white_zones, "commune en zone blanche",
                              "communes en zone blanche"),
                  "white_zone_population",
                  i18n_plural(s->white_zone_population, "habitant", "habitants"), "saturday",
                  i18n_plural(s->saturday, "lieu ouvert le samedi", "lieux ouverts le samedi"),
                  "stale",
                  i18n_plural(s->stale, "fiche non mise à jour", "fiches non mises à jour")));
    json_t *needs = json_array();
    for (int n = 0; n < TERRITORY_NEEDS; n++) {
        json_t *bands = json_array();
        for (int b = 0; b < TERRITORY_BANDS; b++)
            json_array_append_new(
                bands, json_string(percent_text(r, s->population_beyond[n][b], s->population)));
        json_array_append_new(needs,
                              json_pack("{s:s, s:o}", "label", need_label(n), "beyond", bands));
    }
    json_object_set_new(o, "needs", needs);
    return o;
}

/* ---- the communes table ---- */

typedef enum sort_key { SORT_DISTANCE, SORT_NAME, SORT_POPULATION, SORT_PLACES } sort_key;
static const char *const SORT_PARAMS[] = {"distance", "nom", "population", "lieux"};

typedef struct row {
    const territory_commune *c;
    char *key; /* folded name, for sorting by name */
} row;

typedef struct sort_ctx {
    sort_key key;
    bool descending;
} sort_ctx;

static int cmp_rows(const void *a, const void *b, void *ctx)
{
    const row *x = a, *y = b;
    const sort_ctx *s = ctx;
    int c = 0;
    switch (s->key) {
    case SORT_NAME:
        c = strcmp(x->key, y->key);
        break;
    case SORT_POPULATION:
        c = (x->c->population > y->c->population) - (x->c->population < y->c->population);
        break;
    case SORT_PLACES:
        c = (x->c->places > y->c->places) - (x->c->places < y->c->places);
        break;
    case SORT_DISTANCE: {
        /* no place at all sorts as the farthest */
        double dx = x->c->nearest_km[0] < 0 ? 1e9 : x->c->nearest_km[0];
        double dy = y->c->nearest_km[0] < 0 ? 1e9 : y->c->nearest_km[0];
        c = (dx > dy) - (dx < dy);
        break;
    }
    }
    if (s->descending) c = -c;
    return c ? c : strcmp(x->c->insee, y->c->insee);
}

/* The communes of the territory, sorted as asked. Arena-free: caller frees
 * each key and the array. */
static row *area_rows(const territory *t, territory_area kind, const char *code, size_t *count)
{
    row *rows = xmalloc((t->commune_count ? t->commune_count : 1) * sizeof *rows);
    size_t n = 0;
    for (size_t i = 0; i < t->commune_count; i++)
        if (territory_commune_in(&t->communes[i], kind, code))
            rows[n++] = (row){&t->communes[i], geo_name_key(t->communes[i].name)};
    *count = n;
    return rows;
}

static void rows_free(row *rows, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(rows[i].key);
    free(rows);
}

/* Sort links for the table's headers: the current column toggles its order. */
static json_t *sort_links(req *r, const char *base, sort_key current, bool descending)
{
    json_t *o = json_object();
    for (size_t k = 0; k < ARRAY_LEN(SORT_PARAMS); k++) {
        bool is_current = (sort_key)k == current;
        /* names ascend first; numbers descend first */
        bool next_desc = is_current ? !descending : k != SORT_NAME;
        json_object_set_new(
            o, SORT_PARAMS[k],
            json_pack("{s:s, s:s}", "url",
                      arena_printf(r->arena, "%s?tri=%s&ordre=%s#communes", base, SORT_PARAMS[k],
                                   next_desc ? "desc" : "asc"),
                      "aria", is_current ? (descending ? "descending" : "ascending") : "none"));
    }
    return o;
}

static json_t *commune_row_json(req *r, const territory_commune *c)
{
    json_t *o =
        json_pack("{s:s, s:s, s:s, s:I, s:s, s:I, s:s, s:b, s:f, s:f}", "insee", c->insee, "name",
                  c->name, "population", number_text(r, c->population), "population_raw",
                  (json_int_t)c->population, "places", number_text(r, c->places), "places_raw",
                  (json_int_t)c->places, "km", km_text(r, c->nearest_km[0]), "white",
                  territory_is_white_zone(c), "lat", c->lat, "lon", c->lon);
    json_object_set_new(o, "km_raw",
                        c->nearest_km[0] < 0
                            ? json_string("")
                            : json_string(arena_printf(r->arena, "%.1f", c->nearest_km[0])));
    json_t *needs = json_array();
    for (size_t i = 0; i < ARRAY_LEN(TABLE_NEEDS); i++)
        json_array_append_new(needs, json_string(km_text(r, c->nearest_km[TABLE_NEEDS[i]])));
    json_object_set_new(o, "needs", needs);
    json_object_set_new(o, "places_noun", json_string(i18n_plural(c->places, "lieu", "lieux")));
    json_object_set_new(o, "population_noun",
                        json_string(i18n_plural(c->population, "habitant", "habitants")));
    json_object_set_new(o, "url",
                        json_string(arena_printf(r->arena, "/territoire/commune/%s", c->insee)));
    return o;
}

/* ---- territories by code ---- */

/* Used by: the territory pages (a département, its région). */
static const char Q_DEPARTEMENT[] =
    "SELECT d.name, d.region, r.name FROM departement d JOIN region r ON r.code = d.region"
    " WHERE d.code = :code";
/* Used by: the territory pages (an EPCI's name). */
static const char Q_EPCI[] = "SELECT name FROM epci WHERE siren = :siren";
/* Used by: the territory pages (a région's name). */
static const char Q_REGION[] = "SELECT name FROM region WHERE code = :code";
/* Used by: the territory pages (a place named in the lists). */
static const char Q_PLACE[] =
    "SELECT name, slug, commune, date_maj, verified_at FROM place WHERE id = :id";
/* Used by: the territory chooser (EPCI of a département, by name). */
static const char Q_EPCI_OF_DEPARTEMENT[] =
    "SELECT DISTINCT e.siren, e.name FROM commune c JOIN epci e ON e.siren = c.epci"
    " WHERE c.departement = :code ORDER BY e.name";

static char *upper_code(req *r, const char *segment)
{
    char *s = arena_strdup(r->arena, segment);
    for (char *p = s; *p; p++)
        *p = (char)toupper((unsigned char)*p);
    return s;
}

static const char *one_text(req *r, db_conn *c, const char *sql, const char *name,
                            const char *value, int column)
{
    sqlite3_stmt *s = db_stmt(c, sql);
    db_bind_text(s, name, value);
    const char *out = NULL;
    if (sqlite3_step(s) == SQLITE_ROW && db_col_text(s, column))
        out = arena_strdup(r->arena, db_col_text(s, column));
    sqlite3_reset(s);
    return out;
}

/* A place named in a list: {name, url, commune, km?}. */
static json_t *place_link(db_conn *c, int64_t id)
{
    sqlite3_stmt *s = db_stmt(c, Q_PLACE);
    db_bind_int(s, ":id", id);
    json_t *o = NULL;
    if (sqlite3_step(s) == SQLITE_ROW) {
        char *path = place_path(id, db_col_text(s, 1));
        o = json_pack("{s:s, s:s, s:s}", "name", db_col_text(s, 0), "url", path, "commune",
                      db_col_text(s, 2) ? db_col_text(s, 2) : "");
        free(path);
        const char *latest = place_latest_date(db_col_text(s, 3), db_col_text(s, 4));
        buf b = {0};
        if (latest && fr_date(&b, latest)) json_object_set_new(o, "updated", json_string(b.data));
        buf_free(&b);
    }
    sqlite3_reset(s);
    return o;
}

/* Oldest update first, then by id. */
static int cmp_updated(const void *a, const void *b)
{
    const territory_place *x = *(const territory_place *const *)a;
    const territory_place *y = *(const territory_place *const *)b;
    int c = strcmp(x->updated, y->updated);
    return c ? c : (x->id > y->id) - (x->id < y->id);
}

/* What a département or EPCI page needs to know about its territory. */
typedef struct area {
    territory_area kind;
    const char *code;   /* "73", "200069193" */
    const char *name;   /* "Savoie", "CA Grand Chambéry" */
    const char *label;  /* "Savoie (73)" */
    const char *base;   /* "/territoire/departement/73" */
    const char *region; /* its région's code ("" when unknown) */
    const char *region_name;
    const char *departement; /* EPCI: the département of its first commune; NULL otherwise */
} area;

/* Resolve {code} of /territoire/departement/{code} or /territoire/epci/{siren}.
 * Returns false (404 prepared) when unknown. */
static bool area_find(req *r, db_conn *c, const territory *t, territory_area kind, area *out)
{
    const char *segment = r->params[0];
    memset(out, 0, sizeof *out);
    out->kind = kind;
    if (strlen(segment) > TERRITORY_MAX_CODE) goto unknown;
    out->code = upper_code(r, segment);
    if (kind == TERRITORY_DEPARTEMENT) {
        out->name = one_text(r, c, Q_DEPARTEMENT, ":code", out->code, 0);
        if (!out->name) goto unknown;
        out->region = one_text(r, c, Q_DEPARTEMENT, ":code", out->code, 1);
        out->region_name = one_text(r, c, Q_DEPARTEMENT, ":code", out->code, 2);
        out->label = arena_printf(r->arena, "%s (%s)", out->name, out->code);
        out->base = arena_printf(r->arena, "/territoire/departement/%s", out->code);
    } else {
        out->name = one_text(r, c, Q_EPCI, ":siren", out->code, 0);
        if (!out->name) goto unknown;
        out->label = out->name;
        out->base = arena_printf(r->arena, "/territoire/epci/%s", out->code);
        /* its région: that of its first commune (an EPCI lies within one région) */
        for (size_t i = 0; i < t->commune_count; i++)
            if (territory_commune_in(&t->communes[i], TERRITORY_EPCI, out->code)) {
                out->region = arena_strdup(r->arena, t->communes[i].region);
                out->departement = arena_strdup(r->arena, t->communes[i].departement);
                break;
            }
        if (out->region) out->region_name = one_text(r, c, Q_REGION, ":code", out->region, 0);
    }
    return true;
unknown:
    reply_error(r, 404,
                kind == TERRITORY_DEPARTEMENT ? "Nous ne connaissons pas ce département : utilisez "
                                                "son code (« 73 », « 2A », « 974 »)."
                                              : "Nous ne connaissons pas cette intercommunalité : "
                                                "utilisez son numéro SIREN (9 chiffres).");
    return false;
}

static void set_computed(req *r, json_t *d, const territory *t)
{
    json_object_set_new(d, "computed_at", json_string(computed_text(r, t->computed_at)));
    json_object_set_new(d, "computed_places", json_string(number_text(r, (long)t->place_count)));
    json_object_set_new(d, "population_year", json_integer(GEO_POPULATION_YEAR));
    json_object_set_new(d, "white_zone_km", json_integer(TERRITORY_WHITE_ZONE_KM));
}

/* A département's or an EPCI's answer: find {code}, then render with the
 * shared territory (held for the call). */
typedef int (*area_render)(req *r, db_conn *c, const territory *t, const area *a);

static int area_reply(req *r, territory_area kind, area_render render)
{
    db_conn *c = db_reader(r->app->db);
    const territory *t = territory_cache_get(r->app->territory, r->app->db);
    if (!t) return -1;
    area a;
    int rc = area_find(r, c, t, kind, &a) ? render(r, c, t, &a) : 0;
    territory_cache_put(r->app->territory, t);
    return rc;
}

static int area_page(req *r, db_conn *c, const territory *t, const area *ap)
{
    const area a = *ap;
    const territory_area kind = a.kind;
    sort_ctx sort = {SORT_DISTANCE, true};
    const char *tri = req_query(r, "tri"), *ordre = req_query(r, "ordre");
    for (size_t k = 0; tri && k < ARRAY_LEN(SORT_PARAMS); k++)
        if (strcmp(tri, SORT_PARAMS[k]) == 0) {
            sort.key = (sort_key)k;
            sort.descending = k != SORT_NAME;
        }
    if (ordre && strcmp(ordre, "asc") == 0) sort.descending = false;
    if (ordre && strcmp(ordre, "desc") == 0) sort.descending = true;

    json_t *d = page_model(
        arena_printf(r->arena, _("%s : où l'aide au numérique manque — Repère"), a.label));
    json_object_set_new(d, "label", json_string(a.label));
    json_object_set_new(d, "is_departement", json_boolean(kind == TERRITORY_DEPARTEMENT));
    json_object_set_new(d, "csv_url",
                        json_string(arena_printf(r->arena, "%s/communes.csv", a.base)));
    set_computed(r, d, t);
    json_object_set_new(d, "tile_url", json_string(r->app->cfg.tile_url));

    territory_summary s;
    territory_summarise(t, kind, a.code, &s);
    json_object_set_new(d, "summary", summary_json(r, &s));
    /* comparison: the territory, its région, France */
    json_t *compare = json_array();
    json_t *mine = summary_json(r, &s);
    json_object_set_new(mine, "name", json_string(a.label));
    json_array_append_new(compare, mine);
    const char *dep_name =
        a.departement ? one_text(r, c, Q_DEPARTEMENT, ":code", a.departement, 0) : NULL;
    if (dep_name) {
        territory_summary ds;
        territory_summarise(t, TERRITORY_DEPARTEMENT, a.departement, &ds);
        json_t *o = summary_json(r, &ds);
        json_object_set_new(
            o, "name", json_string(arena_printf(r->arena, "%s (%s)", dep_name, a.departement)));
        json_array_append_new(compare, o);
    }
    if (a.region && a.region_name) {
        territory_summary rs;
        territory_summarise(t, TERRITORY_REGION, a.region, &rs);
        json_t *o = summary_json(r, &rs);
        json_object_set_new(o, "name",
                            json_string(arena_printf(r->arena, _("Région %s"), a.region_name)));
        json_array_append_new(compare, o);
    }
    territory_summary ns;
    territory_summarise(t, TERRITORY_NATIONAL, NULL, &ns);
    json_t *national = summary_json(r, &ns);
    json_object_set_new(national, "name", json_string(_("France entière")));
    json_array_append_new(compare, national);
    json_object_set_new(d, "compare", compare);

    /* the communes table */
    size_t n;
    row *rows = area_rows(t, kind, a.code, &n);
    qsort_r(rows, n, sizeof *rows, cmp_rows, &sort);
    json_t *communes = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(communes, commune_row_json(r, rows[i].c));
    rows_free(rows, n);
    json_object_set_new(d, "communes", communes);
    json_object_set_new(d, "sort", sort_links(r, a.base, sort.key, sort.descending));
    json_t *heads = json_array();
    for (size_t i = 0; i < ARRAY_LEN(TABLE_NEEDS); i++)
        json_array_append_new(heads, json_string(need_label(TABLE_NEEDS[i])));
    json_object_set_new(d, "need_heads", heads);

    /* freshness: the listings to check, oldest first */
    const territory_place **old = xmalloc((t->place_count ? t->place_count : 1) * sizeof *old);
    size_t old_count = 0;
    for (size_t i = 0; i < t->place_count; i++) {
        const territory_place *p = &t->places[i];
        if (!p->stale) continue;
        bool in = p->commune >= 0
                      ? territory_commune_in(&t->communes[p->commune], kind, a.code)
                      : kind == TERRITORY_DEPARTEMENT && strcmp(p->departement, a.code) == 0;
        if (in) old[old_count++] = p;
    }
    qsort(old, old_count, sizeof *old, cmp_updated);
    json_t *stale = json_array();
    for (size_t i = 0; i < old_count && i < TERRITORY_STALE_LISTED; i++) {
        json_t *o = place_link(c, old[i]->id);
        if (o) json_array_append_new(stale, o);
    }
    free(old);
    json_object_set_new(d, "stale_places", stale);
    return reply_page(r, "territory", d);
}

int page_territory_departement(req *r)
{
    return area_reply(r, TERRITORY_DEPARTEMENT, area_page);
}

int page_territory_epci(req *r)
{
    return area_reply(r, TERRITORY_EPCI, area_page);
}

static int area_csv(req *r, db_conn *c, const territory *t, const area *ap)
{
    (void)c;
    const area a = *ap;
    const territory_area kind = a.kind;
    size_t n;
    row *rows = area_rows(t, kind, a.code, &n);
    buf_reset(&r->out);
    buf_puts(&r->out, "code_insee,nom,population,lieux");
    for (int need = 0; need < TERRITORY_NEEDS; need++)
        buf_printf(&r->out, ",%s", CSV_NEED_COLUMNS[need]);
    buf_puts(&r->out, ",zone_blanche\r\n");
    for (size_t i = 0; i < n; i++) {
        const territory_commune *k = rows[i].c;
        export_csv_cell(&r->out, k->insee);
        buf_putc(&r->out, ',');
        export_csv_cell(&r->out, k->name);
        buf_printf(&r->out, ",%ld,%ld", k->population, k->places);
        for (int need = 0; need < TERRITORY_NEEDS; need++) {
            if (k->nearest_km[need] < 0)
                buf_puts(&r->out, ",");
            else
                buf_printf(&r->out, ",%.1f", k->nearest_km[need]);
        }
        buf_printf(&r->out, ",%d\r\n", territory_is_white_zone(k) ? 1 : 0);
    }
    rows_free(rows, n);
    reply_header(r, "Content-Disposition",
                 arena_printf(r->arena, "attachment; filename=\"communes-%s-%s.csv\"",
                              kind == TERRITORY_DEPARTEMENT ? "departement" : "epci", a.code));
    r->status = 200;
    r->content_type = "text/csv; charset=utf-8";
    return 0;
}

int page_territory_departement_csv(req *r)
{
    return area_reply(r, TERRITORY_DEPARTEMENT, area_csv);
}

int page_territory_epci_csv(req *r)
{
    return area_reply(r, TERRITORY_EPCI, area_csv);
}

/* ---- a commune ---- */

int page_territory_commune(req *r)
{
    db_conn *c = db_reader(r->app->db);
    const territory *t = territory_cache_get(r->app->territory, r->app->db);
    if (!t) return -1;
    const char *segment = r->params[0];
    const territory_commune *k = strlen(segment) <= TERRITORY_MAX_CODE
                                     ? territory_commune_find(t, upper_code(r, segment))
                                     : NULL;
    if (!k) {
        territory_cache_put(r->app->territory, t);
        return reply_error(r, 404,
                           "Nous ne connaissons pas cette commune : utilisez son code INSEE "
                           "(« 73065 », « 2A004 »).");
    }
    json_t *d = page_model(arena_printf(r->arena,
                                        _("%s (%s) : l'aide au numérique la plus proche — Repère"),
                                        k->name, k->departement));
    json_object_set_new(d, "commune", commune_row_json(r, k));
    json_object_set_new(d, "label",
                        json_string(arena_printf(r->arena, "%s (%s)", k->name, k->departement)));
    const char *dep_name = one_text(r, c, Q_DEPARTEMENT, ":code", k->departement, 0);
    json_object_set_new(d, "departement",
                        json_pack("{s:s, s:s}", "code", k->departement, "name",
                                  dep_name ? dep_name : k->departement));
    if (k->epci[0]) {
        const char *epci_name = one_text(r, c, Q_EPCI, ":siren", k->epci, 0);
        json_object_set_new(
            d, "epci",
            json_pack("{s:s, s:s}", "siren", k->epci, "name", epci_name ? epci_name : k->epci));
    }
    json_t *needs = json_array();
    for (int n = 0; n < TERRITORY_NEEDS; n++) {
        json_t *o =
            json_pack("{s:s, s:s}", "label", need_label(n), "km", km_text(r, k->nearest_km[n]));
        if (k->nearest_id[n]) {
            json_t *p = place_link(c, k->nearest_id[n]);
            if (p) json_object_set_new(o, "place", p);
        }
        json_array_append_new(needs, o);
    }
    json_object_set_new(d, "needs", needs);
    json_object_set_new(d, "carnet_url",
                        json_string(arena_printf(r->arena, "/territoire/%s/imprimer", k->insee)));
    set_computed(r, d, t);
    territory_cache_put(r->app->territory, t);
    return reply_page(r, "territory_commune", d);
}

/* ---- choosing ---- */

/* Used by: the territory chooser (every département). */
static const char Q_DEPARTEMENTS[] = "SELECT code, name FROM departement ORDER BY code";

int page_territory_home(req *r)
{
    const char *ou = req_query(r, "ou");
    const char *commune = req_query(r, "commune");
    json_t *d = page_model(_("Où l'aide au numérique manque-t-elle ? — Repère"));
    db_conn *c = db_reader(r->app->db);
    if ((ou && *ou) || (commune && *commune)) {
        where_input in = {ou, commune, false, 0, 0};
        where_result w;
        if (where_resolve(r->app->db, &in, &w) != 0) {
            json_decref(d);
            return -1;
        }
        const char *to = NULL;
        if (w.kind == WHERE_COMMUNE)
            to = arena_printf(r->arena, "/territoire/commune/%s", w.insee);
        else if (w.kind == WHERE_DEPARTEMENT)
            to = arena_printf(r->arena, "/territoire/departement/%s", w.departement);
        else if (w.kind == WHERE_CHOICE) {
            json_t *choices = json_array();
            for (size_t i = 0; i < w.choice_count; i++)
                json_array_append_new(
                    choices, json_pack("{s:s, s:s, s:s, s:s}", "name", w.choices[i].name,
                                       "departement", w.choices[i].departement, "departement_name",
                                       w.choices[i].departement_name, "url",
                                       arena_printf(r->arena, "/territoire/commune/%s",
                                                    w.choices[i].insee)));
            json_object_set_new(d, "choices", choices);
        } else if (w.kind == WHERE_UNKNOWN) {
            json_object_set_new(d, "where_error", json_string(w.message));
        }
        where_result_free(&w);
        if (ou) json_object_set_new(d, "ou", json_string(ou));
        if (to) {
            json_decref(d);
            return reply_redirect(r, 303, to);
        }
    }
    /* the EPCI of a département: ?epci_de=73 */
    const char *of = req_query(r, "epci_de");
    const char *of_code = of && *of && strlen(of) <= 3 ? upper_code(r, of) : NULL;
    json_t *deps = json_array();
    sqlite3_stmt *s = db_stmt(c, Q_DEPARTEMENTS);
    while (sqlite3_step(s) == SQLITE_ROW) {
        const char *code = db_col_text(s, 0);
        json_array_append_new(deps,
                              json_pack("{s:s, s:s, s:b}", "code", code, "name", db_col_text(s, 1),
                                        "selected", of_code && strcmp(of_code, code) == 0));
    }
    sqlite3_reset(s);
    json_object_set_new(d, "departements", deps);
    if (of && *of) {
        json_t *epcis = json_array();
        if (of_code) {
            s = db_stmt(c, Q_EPCI_OF_DEPARTEMENT);
            db_bind_text(s, ":code", of_code);
            while (sqlite3_step(s) == SQLITE_ROW)
                json_array_append_new(epcis, json_pack("{s:s, s:s}", "siren", db_col_text(s, 0),
                                                       "name", db_col_text(s, 1)));
            sqlite3_reset(s);
        }
        if (!json_array_size(epcis))
            json_object_set_new(d, "epci_error",
                                json_string(_("Ce département n'est pas connu : choisissez-le "
                                              "dans la liste.")));
        json_object_set_new(d, "epcis", epcis);
    }
    return reply_page(r, "territory_home", d);
}
