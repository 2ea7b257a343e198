/*
 * home.c — the home page: one plain sentence, the search form, browsing by
 * département; with ?ou=, the next workshops around that place.
 */
#include "pages/pages.h"
#include "core/fr.h"
#include "search/search.h"
#include "search/where.h"
#include "workshops/workshop.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Used by: the home page (names of the départements; counts come from the search index). */
static const char Q_DEPARTEMENT_NAMES[] = "SELECT code, name FROM departement ORDER BY code";

/* The list of départements (≈ 100 json objects) is the same for every
 * request until the catalogue changes: built once and shared (a reference,
 * never a copy, as search_list_item does). Keyed by the data version *and*
 * the counts themselves: the search index may still serve its previous
 * snapshot while a new one is built, and the list must follow it. */
static struct {
    pthread_mutex_t lock;
    int64_t version;
    size_t n, total;
    search_dep_count counts[SEARCH_MAX_DEPARTEMENTS];
    json_t *deps; /* [{code, name, count}] */
} HOME = {.lock = PTHREAD_MUTEX_INITIALIZER};

static bool same_counts(const search_dep_count *a, const search_dep_count *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (a[i].count != b[i].count || strcmp(a[i].code, b[i].code) != 0) return false;
    return true;
}

static json_t *departement_list(db_conn *c, const search_dep_count *counts, size_t n)
{
    json_t *deps = json_array();
    sqlite3_stmt *s = db_stmt(c, Q_DEPARTEMENT_NAMES);
    size_t k = 0;
    while (sqlite3_step(s) == SQLITE_ROW && k < n) {
        const char *code = db_col_text(s, 0);
        while (k < n && strcmp(counts[k].code, code) < 0)
            k++;
        if (k == n || strcmp(counts[k].code, code) != 0) continue;
        buf count = {0};
        fr_count(&count, counts[k].count, "lieu", "lieux");
        json_array_append_new(deps, json_pack("{s:s, s:s, s:s}", "code", code, "name",
                                              db_col_text(s, 1), "count", count.data));
        buf_free(&count);
        k++;
    }
    sqlite3_reset(s);
    return deps;
}

/* Sets d's "departements" and "total" to the shared list and count. */
static void set_departements(req *r, db_conn *c, json_t *d)
{
    search_dep_count counts[SEARCH_MAX_DEPARTEMENTS];
    size_t total = 0;
    const int64_t version = db_version(r->app->db);
    size_t n = search_departement_counts(r->app->search, r->app->db, counts,
                                         SEARCH_MAX_DEPARTEMENTS, &total);
    json_t *deps = NULL, *label = NULL;
    pthread_mutex_lock(&HOME.lock);
    if (HOME.deps && HOME.version == version && HOME.n == n && HOME.total == total &&
        same_counts(HOME.counts, counts, n)) {
        deps = json_incref(HOME.deps);
    }
    pthread_mutex_unlock(&HOME.lock);
    if (!deps) {
        deps = departement_list(c, counts, n);
        pthread_mutex_lock(&HOME.lock);
        json_t *old_deps = HOME.deps;
        HOME.version = version;
        HOME.n = n;
        HOME.total = total;
        memcpy(HOME.counts, counts, n * sizeof *counts);
        HOME.deps = json_incref(deps);
        pthread_mutex_unlock(&HOME.lock);
        json_decref(old_deps);
    }
    /* The count in words is in the request's language: never shared. */
    buf t = {0};
    fr_count(&t, (long)total, "lieu", "lieux");
    label = json_string(t.data);
    buf_free(&t);
    json_object_set_new(d, "total", label);
    json_object_set_new(d, "departements", deps);
}

int page_home(req *r)
{
    if (reply_cached(r)) return 0;
    json_t *d = page_model(_("Repère — trouver de l'aide pour le numérique près de chez vous"));
    db_conn *c = db_reader(r->app->db);
    set_departements(r, c, d);
    /* With a location (/?ou=Valence (26)), the next workshops around it. "Où ?"
     * is resolved as everywhere (where.h): a name several communes share is
     * asked, with links back here that carry the choice. */
    search_params p;
    const char *error = NULL;
    if (search_parse(r, &p, &error) &&
        ((p.where && *p.where) || (p.chosen_insee && *p.chosen_insee) || p.has_position)) {
        where_input in = {p.where, p.chosen_insee, p.has_position, p.lat, p.lon};
        where_result w;
        if (where_resolve(r->app->db, &in, &w) != 0) {
            json_decref(d);
            return -1;
        }
        if (p.where) json_object_set_new(d, "ou", json_string(p.where));
        if (where_has_point(&w)) {
            json_t *near = workshop_upcoming_near(c, w.lat, w.lon, 20, now_utc(), 4, NULL);
            json_object_set_new(d, "where_label", json_string(w.label));
            buf b = {0};
            buf_puts(&b, "/ateliers");
            if (p.has_position) {
                buf_printf(&b, "?lat=%.5f&lon=%.5f", p.lat, p.lon);
            } else {
                buf_puts(&b, "?ou=");
                url_encode(&b, p.where ? p.where : "");
                if (p.chosen_insee && *p.chosen_insee) {
                    buf_puts(&b, "&commune=");
                    url_encode(&b, p.chosen_insee);
                }
            }
            json_object_set_new(d, "agenda_url", json_string(b.data));
            buf_free(&b);
            if (json_array_size(near))
                json_object_set_new(d, "workshops", near);
            else
                json_decref(near);
        } else if (w.kind == WHERE_CHOICE) {
            json_t *choices = json_array();
            buf b = {0};
            for (size_t i = 0; i < w.choice_count; i++) {
                buf_reset(&b);
                buf_puts(&b, "/?ou=");
                url_encode(&b, p.where ? p.where : "");
                buf_puts(&b, "&commune=");
                url_encode(&b, w.choices[i].insee);
                json_array_append_new(
                    choices, json_pack("{s:s, s:s, s:s, s:s, s:s}", "name", w.choices[i].name,
                                       "departement", w.choices[i].departement, "departement_name",
                                       w.choices[i].departement_name, "postal_codes",
                                       w.choices[i].postal_codes, "url", b.data));
            }
            buf_free(&b);
            json_object_set_new(d, "choices", choices);
            if (w.suggested) json_object_set_new(d, "suggested", json_true());
        } else if (w.kind == WHERE_UNKNOWN) {
            json_object_set_new(d, "where_error", json_string(w.message));
        }
        where_result_free(&w);
    }
    json_object_set_new(d, "is_home", json_true());
    return reply_page(r, "home", d);
}
