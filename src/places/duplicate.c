/*
 * duplicate.c — possible duplicates: see duplicate.h. The pairs live in
 * place_duplicate (migrations/0032); a merge closes one place through
 * place_store, so the history and the derived state follow as for any
 * closing.
 */
#include "places/duplicate.h"
#include "core/util.h"
#include "geo/geo.h"

#include <stdlib.h>
#include <string.h>

bool place_duplicate_alike(const char *name_a, double lat_a, double lon_a, const char *name_b,
                           double lat_b, double lon_b)
{
    if (!name_a || !name_b) return false;
    if (geo_distance_km(lat_a, lon_a, lat_b, lon_b) * 1000.0 > PLACE_DUPLICATE_RADIUS_M)
        return false;
    char *a = text_fold(name_a), *b = text_fold(name_b);
    bool same = strcmp(a, b) == 0;
    free(a);
    free(b);
    return same;
}

/* Used by: place_duplicate_flag (the importer). */
static const char Q_FLAG[] = "INSERT OR IGNORE INTO place_duplicate (place_a, place_b, reason)"
                             " VALUES (min(:a, :b), max(:a, :b), :reason)";

int place_duplicate_flag(db_conn *w, int64_t a, int64_t b, const char *reason)
{
    if (a == b) return 0;
    sqlite3_stmt *s = db_stmt(w, Q_FLAG);
    db_bind_int(s, ":a", a);
    db_bind_int(s, ":b", b);
    db_bind_text(s, ":reason", reason);
    return db_exec_stmt(s) == SQLITE_DONE ? 0 : -1;
}

/* Used by: place_duplicate_collapse (was this pair decided "not a duplicate"?). */
static const char Q_DISTINCT[] = "SELECT 1 FROM place_duplicate WHERE place_a = min(:a, :b)"
                                 " AND place_b = max(:a, :b) AND decision = 'distinct'";

static bool marked_distinct(db_conn *c, int64_t a, int64_t b)
{
    sqlite3_stmt *s = db_stmt(c, Q_DISTINCT);
    db_bind_int(s, ":a", a);
    db_bind_int(s, ":b", b);
    bool distinct = sqlite3_step(s) == SQLITE_ROW;
    sqlite3_reset(s);
    return distinct;
}

/* The place item of a result row, with its position; false without one. */
static bool row_place(json_t *row, json_t **item, int64_t *id, const char **name, double *lat,
                      double *lon)
{
    *item = json_object_get(row, "place");
    json_t *la = json_object_get(*item, "latitude"), *lo = json_object_get(*item, "longitude");
    if (!json_is_number(la) || !json_is_number(lo)) return false;
    *id = json_integer_value(json_object_get(*item, "id"));
    *name = json_string_value(json_object_get(*item, "name"));
    *lat = json_number_value(la);
    *lon = json_number_value(lo);
    return *name != NULL;
}

size_t place_duplicate_collapse(db_conn *c, json_t *rows)
{
    size_t removed = 0;
    for (size_t i = 0; i < json_array_size(rows); i++) {
        json_t *first, *second;
        int64_t id_a, id_b;
        const char *name_a, *name_b;
        double lat_a, lon_a, lat_b, lon_b;
        if (!row_place(json_array_get(rows, i), &first, &id_a, &name_a, &lat_a, &lon_a)) continue;
        for (size_t j = i + 1; j < json_array_size(rows);) {
            if (!row_place(json_array_get(rows, j), &second, &id_b, &name_b, &lat_b, &lon_b) ||
                !place_duplicate_alike(name_a, lat_a, lon_a, name_b, lat_b, lon_b) ||
                marked_distinct(c, id_a, id_b)) {
                j++;
                continue;
            }
            json_t *also = json_object_get(json_array_get(rows, i), "also");
            if (!also) {
                also = json_array();
                json_object_set_new(json_array_get(rows, i), "also", also);
            }
            json_array_append_new(also, json_pack("{s:O, s:O, s:O*}", "name",
                                                  json_object_get(second, "name"), "path",
                                                  json_object_get(second, "path"), "commune",
                                                  json_object_get(second, "commune")));
            json_array_remove(rows, j);
            removed++;
        }
    }
    return removed;
}

/* Used by: place_duplicate_merged_into (the page of a merged place). */
static const char Q_MERGED_INTO[] =
    "SELECT kept_id FROM place_duplicate WHERE decision = 'merged'"
    " AND (place_a = :id OR place_b = :id) AND kept_id <> :id LIMIT 1";

int64_t place_duplicate_merged_into(db_conn *c, int64_t place_id)
{
    sqlite3_stmt *s = db_stmt(c, Q_MERGED_INTO);
    db_bind_int(s, ":id", place_id);
    int64_t kept = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
    sqlite3_reset(s);
    return kept;
}
