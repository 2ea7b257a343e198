/*
 * places.c — /lieux: the paginated list of places, with q= on names and
 * communes and departement= (the full search by need and location builds on
 * this page).
 */
#include "pages.h"
#include "fr.h"
#include "place.h"

#include <stdlib.h>
#include <string.h>

enum {
    PLACES_PER_PAGE = 20,
    QUERY_MAX_BYTES = 200, /* longer q= is refused with a clear message */
};

/* Used by: /lieux (count of matching places). :key is a folded query or NULL. */
static const char Q_COUNT[] =
    "SELECT COUNT(*) FROM place p WHERE p.closed_at IS NULL"
    " AND (:key IS NULL OR p.name_key LIKE '%' || :key || '%' ESCAPE '\\'"
    "      OR p.commune_key LIKE '%' || :key || '%' ESCAPE '\\')"
    " AND (:dep IS NULL OR p.departement = :dep)";
/* Used by: /lieux (one page of matching places, by name). */
static const char Q_PAGE[] =
    "SELECT " PLACE_LIST_COLUMNS " FROM place p WHERE p.closed_at IS NULL"
    " AND (:key IS NULL OR p.name_key LIKE '%' || :key || '%' ESCAPE '\\'"
    "      OR p.commune_key LIKE '%' || :key || '%' ESCAPE '\\')"
    " AND (:dep IS NULL OR p.departement = :dep)"
    " ORDER BY p.commune_key, p.name_key LIMIT :limit OFFSET :offset";
/* Used by: /lieux?departement= (the département's name for the heading). */
static const char Q_DEPARTEMENT[] = "SELECT name FROM departement WHERE code = :code";

/* Append "name=value" to a query string being built, encoded. */
static void add_param(buf *b, const char *name, const char *value)
{
    if (!value || !*value) return;
    buf_putc(b, b->len ? '&' : '?');
    buf_puts(b, name);
    buf_putc(b, '=');
    url_encode(b, value);
}

int page_places(req *r)
{
    const char *q = req_query(r, "q");
    const char *dep = req_query(r, "departement");
    long page;
    if (!page_number(r, &page))
        return reply_error(r, 400, "Le numéro de page demandé n'est pas valide.");
    if (q && strlen(q) > QUERY_MAX_BYTES)
        return reply_error(r, 400, "La recherche est trop longue (200 caractères au plus).");
    if (dep && (strlen(dep) > 3 || !*dep))
        return reply_error(r, 400, "Le département demandé n'est pas valide.");

    db_conn *c = db_reader(r->app->db);
    char *key = q ? text_fold(q) : NULL;
    /* Escape LIKE wildcards: folded text only has [a-z0-9 ], but be explicit. */
    json_t *d = page_model("Lieux");
    if (q) json_object_set_new(d, "q", json_string(q));
    const char *dep_name = NULL;
    if (dep) {
        sqlite3_stmt *s = db_stmt(c, Q_DEPARTEMENT);
        db_bind_text(s, ":code", dep);
        if (sqlite3_step(s) == SQLITE_ROW) dep_name = arena_strdup(r->arena, db_col_text(s, 0));
        sqlite3_reset(s);
        if (!dep_name) {
            free(key);
            json_decref(d);
            return reply_error(r, 404, "Ce département n'existe pas.");
        }
        json_object_set_new(d, "departement", json_string(dep));
        json_object_set_new(d, "departement_name", json_string(dep_name));
        json_object_set_new(d, "title", json_string(arena_printf(r->arena, "Lieux — %s", dep_name)));
    }

    sqlite3_stmt *s = db_stmt(c, Q_COUNT);
    db_bind_text(s, ":key", key);
    db_bind_text(s, ":dep", dep);
    long total = sqlite3_step(s) == SQLITE_ROW ? (long)sqlite3_column_int64(s, 0) : 0;
    sqlite3_reset(s);
    long pages = (total + PLACES_PER_PAGE - 1) / PLACES_PER_PAGE;
    if (page > 1 && page > pages) {
        free(key);
        json_decref(d);
        return reply_error(r, 404, "Cette page de résultats n'existe pas.");
    }

    json_t *items = json_array();
    s = db_stmt(c, Q_PAGE);
    db_bind_text(s, ":key", key);
    db_bind_text(s, ":dep", dep);
    db_bind_int(s, ":limit", PLACES_PER_PAGE);
    db_bind_int(s, ":offset", (page - 1) * PLACES_PER_PAGE);
    while (sqlite3_step(s) == SQLITE_ROW) json_array_append_new(items, place_list_item(s));
    sqlite3_reset(s);
    free(key);

    buf count = {0};
    fr_count(&count, total, "lieu", "lieux");
    json_object_set_new(d, "count", json_string(count.data));
    buf_free(&count);
    json_object_set_new(d, "places", items);
    json_object_set_new(d, "total", json_integer(total));

    /* Pagination links keep the query. */
    if (pages > 1) {
        json_t *pg = json_pack("{s:i, s:i}", "page", page, "pages", pages);
        buf base = {0};
        add_param(&base, "q", q);
        add_param(&base, "departement", dep);
        if (page > 1) {
            buf prev = {0};
            buf_printf(&prev, "/lieux%s%spage=%ld", base.data ? base.data : "", base.len ? "&" : "?",
                       page - 1);
            json_object_set_new(pg, "prev", json_string(prev.data));
            buf_free(&prev);
        }
        if (page < pages) {
            buf next = {0};
            buf_printf(&next, "/lieux%s%spage=%ld", base.data ? base.data : "", base.len ? "&" : "?",
                       page + 1);
            json_object_set_new(pg, "next", json_string(next.data));
            buf_free(&next);
        }
        buf_free(&base);
        json_object_set_new(d, "pagination", pg);
    }
    return reply_page(r, "places", d);
}
