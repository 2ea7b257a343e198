/*
 * home.c — the home page: one plain sentence, the search form, browsing by
 * département.
 */
#include "pages.h"
#include "fr.h"
#include "search.h"
#include "workshop.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Used by: the home page (names of the départements; counts come from the search index). */
static const char Q_DEPARTEMENT_NAMES[] = "SELECT code, name FROM departement ORDER BY code";

int page_home(req *r)
{
    json_t *d = page_model("Repère — trouver de l'aide pour le numérique près de chez vous");
    db_conn *c = db_reader(r->app->db);
    json_t *deps = json_array();
    search_dep_count counts[SEARCH_MAX_DEPARTEMENTS];
    size_t total = 0;
    size_t n = search_departement_counts(r->app->search, r->app->db, counts, SEARCH_MAX_DEPARTEMENTS,
                                         &total);
    sqlite3_stmt *s = db_stmt(c, Q_DEPARTEMENT_NAMES);
    size_t k = 0;
    while (sqlite3_step(s) == SQLITE_ROW && k < n) {
        const char *code = db_col_text(s, 0);
        while (k < n && strcmp(counts[k].code, code) < 0) k++;
        if (k == n || strcmp(counts[k].code, code) != 0) continue;
        buf count = {0};
        fr_count(&count, counts[k].count, "lieu", "lieux");
        json_array_append_new(deps, json_pack("{s:s, s:s, s:s}", "code", code, "name",
                                              db_col_text(s, 1), "count", count.data));
        buf_free(&count);
        k++;
    }
    sqlite3_reset(s);
    buf t = {0};
    fr_count(&t, (long)total, "lieu", "lieux");
    json_object_set_new(d, "total", json_string(t.data));
    buf_free(&t);
    json_object_set_new(d, "departements", deps);
    /* With a location (/?ou=Valence), the next workshops around it. */
    search_params p;
    const char *error = NULL;
    if (search_parse(r, &p, &error) && ((p.where && *p.where) || p.has_position)) {
        search_where w;
        int rc = search_resolve_where(r->app->db, &p, &w);
        if (rc == 0 && w.kind == WHERE_CHOICE && w.choice_count) {
            /* A teaser, not a search: the most populous of the homonyms. */
            char insee[8];
            snprintf(insee, sizeof insee, "%s", w.choices[0].insee);
            free(w.choices);
            p.chosen_insee = insee;
            rc = search_resolve_where(r->app->db, &p, &w);
        }
        if (rc == 0 && w.kind == WHERE_POINT) {
            json_t *near = workshop_upcoming_near(c, w.lat, w.lon, 20, now_utc(), 4);
            json_object_set_new(d, "where_label", json_string(w.label));
            if (p.where) json_object_set_new(d, "ou", json_string(p.where));
            char *agenda = NULL;
            buf b = {0};
            buf_puts(&b, "/ateliers?ou=");
            url_encode(&b, p.where ? p.where : "");
            agenda = buf_steal(&b);
            json_object_set_new(d, "agenda_url", json_string(agenda));
            free(agenda);
            if (json_array_size(near)) json_object_set_new(d, "workshops", near);
            else json_decref(near);
        }
        free(w.choices);
    }
    json_object_set_new(d, "is_home", json_true());
    return reply_page(r, "home", d);
}
