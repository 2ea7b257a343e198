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

/* Used by: the home page (départements that have places, with counts). */
static const char Q_DEPARTEMENTS[] =
    "SELECT d.code, d.name, COUNT(*) FROM place p JOIN departement d ON d.code = p.departement"
    " WHERE p.closed_at IS NULL GROUP BY d.code ORDER BY d.code";
/* Used by: the home page (total of open places). */
static const char Q_TOTAL[] = "SELECT COUNT(*) FROM place WHERE closed_at IS NULL";

int page_home(req *r)
{
    json_t *d = page_model("Repère — trouver de l'aide pour le numérique près de chez vous");
    db_conn *c = db_reader(r->app->db);
    json_t *deps = json_array();
    sqlite3_stmt *s = db_stmt(c, Q_DEPARTEMENTS);
    while (sqlite3_step(s) == SQLITE_ROW) {
        buf count = {0};
        fr_count(&count, sqlite3_column_int64(s, 2), "lieu", "lieux");
        json_array_append_new(deps, json_pack("{s:s, s:s, s:s}", "code", db_col_text(s, 0),
                                              "name", db_col_text(s, 1), "count", count.data));
        buf_free(&count);
    }
    sqlite3_reset(s);
    s = db_stmt(c, Q_TOTAL);
    long total = sqlite3_step(s) == SQLITE_ROW ? (long)sqlite3_column_int64(s, 0) : 0;
    sqlite3_reset(s);
    buf t = {0};
    fr_count(&t, total, "lieu", "lieux");
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
