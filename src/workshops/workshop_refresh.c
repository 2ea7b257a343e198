/*
 * workshop_refresh.c — keep recurring workshops visible over time.
 *
 * The importer stores a recurrence expanded up to WORKSHOP_HORIZON_DAYS
 * ahead of the import. Without this, a weekly "Café numérique" imported in
 * November would vanish from the agenda in May. workshop_extend_recurrences
 * re-expands every stored rule up to the horizon from *now* and adds the
 * sessions that are missing (existing ones, and their cancellations, are
 * left as they are; cancellations published with the workshop are applied
 * to the new ones). It runs at start-up of every command (app_after_migrate in startup.c),
 * so a daily `repere migrate` (contrib/repere-maintain.timer) keeps a
 * long-running server's agenda full.
 */
#include "workshops/workshop.h"
#include "workshops/rrule.h"
#include "hours/tz.h"
#include "core/util.h"
#include "workshops/workshop_refresh.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Used by: workshop_extend_recurrences (every recurring workshop). */
static const char Q_RECURRING[] =
    "SELECT w.id, w.place_id, w.recurrence, w.recurrence_start, w.duration_minutes,"
    " w.exception_dates, w.cancellations, p.timezone"
    " FROM workshop w JOIN place p ON p.id = w.place_id"
    " WHERE w.recurrence IS NOT NULL AND w.recurrence_start IS NOT NULL"
    " AND w.duration_minutes > 0";
/* Used by: workshop_extend_recurrences (is this occurrence already stored?). */
static const char Q_HAS_SESSION[] =
    "SELECT 1 FROM workshop_session WHERE workshop_id = :w AND starts_at = :start";
/* Used by: workshop_extend_recurrences (how many are stored, for the cap). */
static const char Q_COUNT_SESSIONS[] =
    "SELECT count(*) FROM workshop_session WHERE workshop_id = :w";
/* Used by: workshop_extend_recurrences (add a missing occurrence). */
static const char Q_ADD_SESSION[] = "INSERT INTO workshop_session (workshop_id, place_id, "
                                    "starts_at, ends_at, cancelled, cancel_reason)"
                                    " VALUES (:w, :place, :start, :end, :cancelled, :reason)";

typedef struct recurring {
    int64_t id, place_id;
    char *rule, *start, *exceptions, *cancellations, *zone;
    int duration_minutes;
} recurring;

static char *dup_col(sqlite3_stmt *s, int col)
{
    const char *t = db_col_text(s, col);
    return t ? xstrdup(t) : NULL;
}

/* "YYYY-MM-DD" → days since 1970-01-01, or -1. */
static int64_t parse_day(const char *s)
{
    int y, m, d;
    if (!s || sscanf(s, "%4d-%2d-%2d", &y, &m, &d) != 3) return -1;
    return tz_days_from_civil(y, m, d);
}

/* The cancellation reason published for a local day, or NULL (static in json). */
static const char *cancelled_on(json_t *cancellations, int64_t day, bool *cancelled)
{
    size_t i;
    json_t *item;
    *cancelled = false;
    json_array_foreach(cancellations, i, item)
    {
        if (parse_day(json_string_value(json_object_get(item, "date"))) == day) {
            *cancelled = true;
            return json_string_value(json_object_get(item, "motif"));
        }
    }
    return NULL;
}

static int extend_one(db_conn *w, const recurring *r, int64_t now)
{
    rrule rule;
    char err[200];
    if (!rrule_parse(r->rule, &rule, err, sizeof err)) return 0; /* validated at import */
    int y, mo, d, h, mi;
    if (sscanf(r->start, "%4d-%2d-%2dT%2d:%2d", &y, &mo, &d, &h, &mi) != 5) return 0;
    const tz_zone *zone = tz_zone_get(r->zone ? r->zone : "Europe/Paris");
    if (!zone) zone = tz_zone_get("Europe/Paris");
    if (!zone) return 0;
    int64_t start_local = tz_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60;
    int64_t except[64];
    size_t except_count = 0;
    if (r->exceptions) {
        char *copy = xstrdup(r->exceptions), *save = NULL;
        for (char *t = strtok_r(copy, "|", &save); t && except_count < ARRAY_LEN(except);
             t = strtok_r(NULL, "|", &save)) {
            int64_t day = parse_day(t);
            if (day >= 0) except[except_count++] = day;
        }
        free(copy);
    }
    json_t *cancellations = r->cancellations ? json_loads(r->cancellations, 0, NULL) : NULL;

    sqlite3_stmt *s = db_stmt(w, Q_COUNT_SESSIONS);
    db_bind_int(s, ":w", r->id);
    int64_t stored = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
    sqlite3_reset(s);

    rrule_occurrence *occ = xmalloc(WORKSHOP_MAX_SESSIONS * sizeof *occ);
    int n = rrule_expand(&rule, zone, start_local, (int64_t)r->duration_minutes * 60, except,
                         except_count, now, now + (int64_t)WORKSHOP_HORIZON_DAYS * 86400, occ,
                         WORKSHOP_MAX_SESSIONS);
    if (n < 0) n = WORKSHOP_MAX_SESSIONS;
    int added = 0;
    for (int k = 0; k < n && stored < WORKSHOP_MAX_SESSIONS; k++) {
        s = db_stmt(w, Q_HAS_SESSION);
        db_bind_int(s, ":w", r->id);
        db_bind_int(s, ":start", occ[k].start);
        bool exists = sqlite3_step(s) == SQLITE_ROW;
        sqlite3_reset(s);
        if (exists) continue;
        bool cancelled = false;
        const char *reason =
            cancellations ? cancelled_on(cancellations, tz_utc_to_local(zone, occ[k].start) / 86400,
                                         &cancelled)
                          : NULL;
        s = db_stmt(w, Q_ADD_SESSION);
        db_bind_int(s, ":w", r->id);
        db_bind_int(s, ":place", r->place_id);
        db_bind_int(s, ":start", occ[k].start);
        db_bind_int(s, ":end", occ[k].end);
        db_bind_int(s, ":cancelled", cancelled);
        db_bind_text(s, ":reason", reason);
        if (db_exec_stmt(s) != SQLITE_DONE) {
            added = -1;
            break;
        }
        added++;
        stored++;
    }
    free(occ);
    json_decref(cancellations);
    return added;
}

int workshop_extend_recurrences(db_conn *w, int64_t now)
{
    recurring *list = NULL;
    size_t n = 0, cap = 0;
    sqlite3_stmt *s = db_stmt(w, Q_RECURRING);
    while (sqlite3_step(s) == SQLITE_ROW) {
        if (n == cap) list = xrealloc(list, (cap = cap ? cap * 2 : 16) * sizeof *list);
        list[n++] = (recurring){
            .id = sqlite3_column_int64(s, 0),
            .place_id = sqlite3_column_int64(s, 1),
            .rule = dup_col(s, 2),
            .start = dup_col(s, 3),
            .duration_minutes = sqlite3_column_int(s, 4),
            .exceptions = dup_col(s, 5),
            .cancellations = dup_col(s, 6),
            .zone = dup_col(s, 7),
        };
    }
    sqlite3_reset(s);
    int total = 0;
    for (size_t i = 0; i < n; i++) {
        if (total >= 0) {
            int added = extend_one(w, &list[i], now);
            total = added < 0 ? -1 : total + added;
        }
        free(list[i].rule);
        free(list[i].start);
        free(list[i].exceptions);
        free(list[i].cancellations);
        free(list[i].zone);
    }
    free(list);
    return total;
}
