/*
 * opendata.c — "données ouvertes": the page /donnees (downloads by format
 * and département, the API, the embeddable list and its snippet) and the
 * downloads themselves:
 *
 *   GET /donnees/lieux.csv | .json | .geojson   [?territoire=…] [search parameters of /lieux]
 *
 * Files in the national schema v1.0.2 (src/export.c), named
 * AAAAMMJJ_repere_lieux-de-mediation-numerique_<territoire>.<ext> in
 * Content-Disposition. A link copied from /lieux (page= included) downloads
 * exactly the places of that search.
 */
#include "pages/pages.h"
#include "pages/api_request.h"
#include "places/export.h"

#include <stdlib.h>
#include <string.h>

/* Used by: /donnees (départements that have open places, with their count). */
static const char Q_DEPARTEMENTS[] =
    "SELECT d.code, d.name, COUNT(*) FROM place p JOIN departement d ON d.code = p.departement"
    " WHERE p.closed_at IS NULL GROUP BY d.code ORDER BY d.code";
/* Used by: /donnees (régions that have open places, with their count). */
static const char Q_REGIONS[] =
    "SELECT g.code, g.name, COUNT(*) FROM place p JOIN departement d ON d.code = p.departement"
    " JOIN region g ON g.code = d.region WHERE p.closed_at IS NULL GROUP BY g.code ORDER BY g.name";
/* Used by: /donnees (size of the whole catalogue and its last change). */
static const char Q_TOTAL[] = "SELECT COUNT(*), MAX(updated_at) FROM place WHERE closed_at IS NULL";

static json_t *territory_links(sqlite3_stmt *s, const char *kind)
{
    json_t *list = json_array();
    while (sqlite3_step(s) == SQLITE_ROW) {
        const char *code = db_col_text(s, 0);
        json_array_append_new(
            list, json_pack("{s:s, s:s, s:I, s:s}", "code", code, "name", db_col_text(s, 1),
                            "count", (json_int_t)sqlite3_column_int64(s, 2), "territoire", kind));
    }
    sqlite3_reset(s);
    return list;
}

int page_opendata(req *r)
{
    db_conn *c = db_reader(r->app->db);
    json_t *d = page_model("Données ouvertes");
    json_object_set_new(
        d, "description",
        json_string("Tous les lieux de Repère à télécharger au format du schéma "
                    "national (CSV, JSON, GeoJSON), l'API et la liste à intégrer."));
    sqlite3_stmt *s = db_stmt(c, Q_TOTAL);
    if (sqlite3_step(s) == SQLITE_ROW) {
        json_object_set_new(d, "total", json_integer(sqlite3_column_int64(s, 0)));
        const char *last = db_col_text(s, 1);
        if (last) json_object_set_new(d, "last_change", json_stringn(last, 10));
    }
    sqlite3_reset(s);
    json_object_set_new(d, "departements",
                        territory_links(db_stmt(c, Q_DEPARTEMENTS), "departement"));
    json_object_set_new(d, "regions", territory_links(db_stmt(c, Q_REGIONS), "region"));
    char *example = export_file_name(&(export_filter){0}, EXPORT_FORMAT_CSV, now_utc());
    json_object_set_new(d, "file_example", json_string(example));
    free(example);
    json_object_set_new(d, "origin", json_string(api_absolute_url(r, "")));
    r->cache_control = "public, max-age=300";
    return reply_page(r, "opendata", d);
}

int page_opendata_download(req *r)
{
    export_format format;
    const char *ext = strrchr(r->path, '.');
    if (!ext || !export_format_parse(ext + 1, &format))
        return reply_error(r, 404, "Ce fichier n'existe pas.");
    if (!api_rate_allow(r)) return 0;
    export_filter f;
    const char *error, *detail;
    if (!api_selection(r, API_PARAMS_PAGE, &f, &error, &detail)) {
        const char *message =
            detail && *detail ? arena_printf(r->arena, "%s (%s)", error, detail) : error;
        return reply_error(r, 400, message);
    }
    buf_reset(&r->out);
    size_t count = 0;
    export_write(db_reader(r->app->db), &f, format, export_sink_buf, &r->out, &count);
    char *name = export_file_name(&f, format, now_utc());
    reply_header(r, "Content-Disposition",
                 arena_printf(r->arena, "attachment; filename=\"%s\"", name));
    free(name);
    reply_header(r, "X-Repere-Records", arena_printf(r->arena, "%zu", count));
    api_cors(r);
    r->status = 200;
    r->content_type = export_format_content_type(format);
    r->cache_control = "public, max-age=300";
    return 0;
}
