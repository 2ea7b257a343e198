/*
 * sitemap.c — /sitemap.xml: every public page, for search engines (the
 * fixed pages, every open place, every workshop with a session to come).
 * URLs are absolute (--origin, else the request's Host), XML-escaped.
 * The sitemaps protocol allows 50,000 URLs per file: at national size
 * (~30,000 places) one file is enough; beyond, split into a sitemap index.
 */
#include "pages/pages.h"
#include "people/intervenant.h"
#include "pages/api_request.h"
#include "places/place_view.h"
#include "workshops/feed.h"
#include "workshops/workshop.h"

#include <stdlib.h>
#include <string.h>

enum { SITEMAP_MAX_URLS = 50000 };

/* Used by: /sitemap.xml (every open place, with its last change). */
static const char Q_PLACES[] =
    "SELECT id, slug, substr(updated_at, 1, 10) FROM place WHERE closed_at IS NULL ORDER BY id";
/* Used by: /sitemap.xml (workshops of open places with a session still to come). */
static const char Q_WORKSHOPS[] =
    "SELECT w.id, w.slug, substr(w.updated_at, 1, 10) FROM workshop w"
    " JOIN place p ON p.id = w.place_id AND p.closed_at IS NULL"
    " WHERE EXISTS (SELECT 1 FROM workshop_session s WHERE s.workshop_id = w.id"
    "               AND s.ends_at > :now AND s.cancelled = 0)"
    " ORDER BY w.id";

static void add_url(req *r, buf *out, const char *path, const char *lastmod)
{
    buf_puts(out, "<url><loc>");
    feed_xml_escape(out, api_absolute_url(r, path));
    buf_puts(out, "</loc>");
    if (lastmod && strlen(lastmod) == 10) {
        buf_puts(out, "<lastmod>");
        feed_xml_escape(out, lastmod);
        buf_puts(out, "</lastmod>");
    }
    buf_puts(out, "</url>\n");
}

int page_sitemap(req *r)
{
    static const char *const FIXED[] = {"/",    "/lieux",    "/ateliers",    "/donnees",
                                        "/api", "/a-propos", "/intervenants"};
    buf *out = &r->out;
    buf_reset(out);
    buf_puts(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                  "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    size_t n = 0;
    for (size_t i = 0; i < ARRAY_LEN(FIXED); i++, n++)
        add_url(r, out, FIXED[i], NULL);
    db_conn *c = db_reader(r->app->db);
    sqlite3_stmt *s = db_stmt(c, Q_PLACES);
    while (n < SITEMAP_MAX_URLS && sqlite3_step(s) == SQLITE_ROW) {
        char *path = place_path(sqlite3_column_int64(s, 0), db_col_text(s, 1));
        add_url(r, out, path, db_col_text(s, 2));
        free(path);
        n++;
    }
    sqlite3_reset(s);
    s = db_stmt(c, Q_WORKSHOPS);
    db_bind_int(s, ":now", now_utc());
    while (n < SITEMAP_MAX_URLS && sqlite3_step(s) == SQLITE_ROW) {
        char *path = workshop_path(sqlite3_column_int64(s, 0), db_col_text(s, 1));
        add_url(r, out, path, db_col_text(s, 2));
        free(path);
        n++;
    }
    sqlite3_reset(s);
    json_t *people = intervenant_search(c, &(intervenant_query){0});
    size_t i;
    json_t *x;
    json_array_foreach(people, i, x)
    {
        if (n++ >= SITEMAP_MAX_URLS) break;
        add_url(r, out, json_string_value(json_object_get(x, "path")), NULL);
    }
    json_decref(people);
    buf_puts(out, "</urlset>\n");
    r->status = 200;
    r->content_type = "application/xml; charset=utf-8";
    r->cache_control = "public, max-age=3600";
    return 0;
}
