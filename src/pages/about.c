/*
 * about.c — /a-propos: what Repère is, who publishes it and how to write to
 * them, where its data comes from, licences.
 */
#include "pages/pages.h"
#include "core/fr.h"

/* Used by: /a-propos (count of places per source, with the latest update). */
static const char Q_SOURCES[] =
    "SELECT source, COUNT(*), MAX(date_maj) FROM place WHERE closed_at IS NULL"
    " GROUP BY source ORDER BY COUNT(*) DESC";

int page_about(req *r)
{
    json_t *d = page_model(_("À propos de Repère"));
    json_t *sources = json_array();
    sqlite3_stmt *s = db_stmt(db_reader(r->app->db), Q_SOURCES);
    while (sqlite3_step(s) == SQLITE_ROW) {
        json_t *src = json_object();
        json_object_set_new(src, "name", json_string(db_col_text(s, 0)));
        json_object_set_new(src, "count", json_integer(sqlite3_column_int64(s, 1)));
        buf b = {0};
        if (fr_date(&b, db_col_text(s, 2)))
            json_object_set_new(src, "latest_fr", json_string(b.data));
        buf_free(&b);
        json_array_append_new(sources, src);
    }
    sqlite3_reset(s);
    json_object_set_new(d, "sources", sources);
    page_set_contact(r, d);
    r->cache_control = "public, max-age=300";
    return reply_page(r, "about", d);
}
