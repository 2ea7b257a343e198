/*
 * workshop_page.c — /ateliers/{id}-{slug}: one workshop, everything about it and
 * its next sessions; /ateliers/{id}-{slug}.ics: its calendar.
 */
#include "pages/pages.h"
#include "people/intervenant.h"
#include "workshops/ical.h"
#include "places/place_view.h"
#include "workshops/workshop.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

enum {
    FEED_PAST_DAYS = 30, /* a calendar subscription keeps the last month */
    ICS_MAX_EVENTS = 500,
};

/* Used by: a workshop's calendar (its sessions from a month ago on). */
static const char Q_SESSIONS[] =
    "SELECT " WORKSHOP_SESSION_COLUMNS " FROM workshop_session s JOIN workshop w ON w.id = "
    "s.workshop_id JOIN place p ON p.id = s.place_id"
    " WHERE s.workshop_id = :id AND s.starts_at >= :from ORDER BY s.starts_at LIMIT :limit";
/* Used by: a workshop's calendar (its title, and whether it exists). */
static const char Q_TITLE[] = "SELECT title FROM workshop WHERE id = :id";

/* The absolute origin for URLs in the calendar: --origin, else the Host the client used. */
static const char *origin_of(req *r)
{
    const char *o = req_origin(r);
    return o ? o : "http://localhost";
}

static int workshop_ics(req *r, int64_t id)
{
    db_conn *c = db_reader(r->app->db);
    sqlite3_stmt *s = db_stmt(c, Q_TITLE);
    db_bind_int(s, ":id", id);
    char *title = sqlite3_step(s) == SQLITE_ROW ? arena_strdup(r->arena, db_col_text(s, 0)) : NULL;
    sqlite3_reset(s);
    if (!title) return reply_error(r, 404, "Cet atelier n'existe pas ou n'existe plus.");
    int64_t now = now_utc();
    const char *origin = origin_of(r);
    buf cal = {0};
    ical_begin(&cal, title);
    s = db_stmt(c, Q_SESSIONS);
    db_bind_int(s, ":id", id);
    db_bind_int(s, ":from", now - (int64_t)FEED_PAST_DAYS * 86400);
    db_bind_int(s, ":limit", ICS_MAX_EVENTS);
    while (sqlite3_step(s) == SQLITE_ROW)
        workshop_session_ical(&cal, s, origin, now);
    sqlite3_reset(s);
    ical_end(&cal);
    return reply_buf(r, "text/calendar; charset=utf-8", &cal);
}

int page_workshop(req *r)
{
    if (reply_cached(r)) return 0;
    const char *segment = r->params[0];
    if (str_ends_with(segment, ".ics")) {
        int64_t id =
            place_parse_segment(arena_strndup(r->arena, segment, strlen(segment) - 4), NULL);
        if (!id) return reply_error(r, 404, "Cet atelier n'existe pas ou n'existe plus.");
        return workshop_ics(r, id);
    }
    const char *slug = NULL;
    int64_t id = place_parse_segment(segment, &slug); /* same "{id}-{slug}" shape as places */
    if (!id) return reply_error(r, 404, "Cet atelier n'existe pas ou n'existe plus.");
    int64_t updated_at = 0;
    json_t *w = workshop_view(db_reader(r->app->db), id, now_utc(), &updated_at);
    if (!w) return reply_error(r, 404, "Cet atelier n'existe pas ou n'existe plus.");
    const char *canonical = json_string_value(json_object_get(w, "slug"));
    if (canonical && strcmp(slug, canonical) != 0) {
        reply_redirect(r, 301, json_string_value(json_object_get(w, "path")));
        json_decref(w);
        return 0;
    }
    json_t *d = page_model(json_string_value(json_object_get(w, "title")));
    const char *summary = json_string_value(json_object_get(w, "summary"));
    if (summary) json_object_set_new(d, "description", json_string(summary));
    json_object_set_new(w, "ics",
                        json_string(arena_printf(r->arena, "%s.ics",
                                                 json_string_value(json_object_get(w, "path")))));
    json_object_set_new(w, "intervenants", intervenant_of_workshop(db_reader(r->app->db), id));
    json_object_set_new(d, "workshop", w);
    return reply_page(r, "workshop", d);
}
