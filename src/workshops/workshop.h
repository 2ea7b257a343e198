/*
 * workshop.h — workshops (ateliers) as people see them: the closed lists
 * (levels, audiences), the one SELECT every session list is built on, and
 * the view models the agenda, the workshop page and the place page render.
 * iCalendar and Atom output of the same rows live here too, on top of the
 * pure writers in ical.c and feed.c.
 *
 * Times are stored as UTC seconds; everything shown is in the place's own
 * zone (place.timezone), read with tz.c.
 */
#ifndef REPERE_WORKSHOP_H
#define REPERE_WORKSHOP_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/db.h"
#include "hours/tz.h"
#include "core/util.h"

enum {
    WORKSHOP_HORIZON_DAYS = 183, /* recurrences are stored expanded this far ahead of import */
    WORKSHOP_PAST_DAYS = 90,     /* … and from this far back (older ones are never shown) */
    WORKSHOP_MAX_SESSIONS = 400, /* stored sessions per workshop, at most */
    WORKSHOP_PLACE_SESSIONS = 5, /* next sessions shown on a place page */
};

/* Levels, exactly as stored and shown. */
extern const char *const WORKSHOP_LEVELS[4];
/* Audiences, exactly as stored and shown ("Tout public" first). */
extern const char *const WORKSHOP_AUDIENCES[10];

/* The stored level for what a producer wrote ("debutant" → "débutant"), or NULL. */
const char *workshop_level_canonical(const char *value);
/* The stored audience for what a producer wrote ("seniors" → "Seniors"), or NULL. */
const char *workshop_audience_canonical(const char *value);

/* "/ateliers/12-prendre-en-main-sa-tablette" (malloc'd). */
char *workshop_path(int64_t id, const char *slug);

/* "14 h", "9 h 30" for a number of minutes after local midnight. */
void workshop_format_time(buf *out, int minutes);
/* "mardi 3 février" (with_year: "mardi 3 février 2026") for a local day
 * number (tz_days_from_civil), as session lists word it. Appends to out. */
void workshop_format_date(buf *out, int64_t day, bool with_year);
/* "de 14 h à 16 h", as session lists word a session's times. Appends. */
void workshop_format_times(buf *out, int start_minutes, int end_minutes);

/*
 * The columns workshop_session_item(), workshop_session_ical() and the
 * agenda filters expect, in this order, over
 * `workshop_session s JOIN workshop w ON w.id = s.workshop_id JOIN place p ON p.id = s.place_id`.
 */
#define WORKSHOP_SESSION_COLUMNS                                                                   \
    "s.id, s.starts_at, s.ends_at, s.cancelled, s.cancel_reason, w.id, w.slug, w.title, "          \
    "w.summary, w.themes, w.level, w.audiences, w.price_kind, w.price_cents, w.pass_numerique, "   \
    "(w.is_full OR coalesce(s.is_full, 0)), coalesce(s.seats_left, w.seats_left), "                \
    "w.registration, w.registration_contact, w.venue_name, "                                       \
    "w.venue_address, w.venue_postal_code, w.venue_commune, w.venue_latitude, "                    \
    "w.venue_longitude, w.venue_commune_insee, w.venue_departement, p.id, p.slug, p.name, "        \
    "p.address, p.postal_code, p.commune, p.latitude, p.longitude, p.timezone, p.commune_insee, "  \
    "p.departement, w.source, w.source_id, w.facilitator, CAST(strftime('%s', w.updated_at) AS "   \
    "INTEGER)"

enum workshop_session_column {
    WS_ID,
    WS_STARTS,
    WS_ENDS,
    WS_CANCELLED,
    WS_CANCEL_REASON,
    WS_W_ID,
    WS_W_SLUG,
    WS_TITLE,
    WS_SUMMARY,
    WS_THEMES,
    WS_LEVEL,
    WS_AUDIENCES,
    WS_PRICE_KIND,
    WS_PRICE_CENTS,
    WS_PASS,
    WS_FULL,
    WS_SEATS_LEFT,
    WS_REGISTRATION,
    WS_REGISTRATION_CONTACT,
    WS_VENUE_NAME,
    WS_VENUE_ADDRESS,
    WS_VENUE_POSTAL,
    WS_VENUE_COMMUNE,
    WS_VENUE_LAT,
    WS_VENUE_LON,
    WS_VENUE_INSEE,
    WS_VENUE_DEP,
    WS_P_ID,
    WS_P_SLUG,
    WS_P_NAME,
    WS_P_ADDRESS,
    WS_P_POSTAL,
    WS_P_COMMUNE,
    WS_P_LAT,
    WS_P_LON,
    WS_P_TIMEZONE,
    WS_P_INSEE,
    WS_P_DEP,
    WS_SOURCE,
    WS_SOURCE_ID,
    WS_FACILITATOR,
    WS_UPDATED_AT
};

/* The zone of a row (the place's), Europe/Paris when unknown. Shared, never freed. */
const tz_zone *workshop_row_zone(sqlite3_stmt *row);

/*
 * One session for lists (agenda, place page, workshop page): date and times
 * in French, the workshop and its place with links, "complet", "annulée"
 * and its reason, free / pass numérique, where. New reference.
 */
json_t *workshop_session_item(sqlite3_stmt *row);

/* Local day key "2026-10-05" of a session row (for grouping by day). */
void workshop_session_day(sqlite3_stmt *row, char out[11]);

/*
 * The full view model of workshop `id` with its next sessions (from `now`),
 * or NULL when there is no such workshop. Caller owns it. *updated_at
 * receives the workshop's last change (UTC seconds).
 */
json_t *workshop_view(db_conn *c, int64_t id, int64_t now, int64_t *updated_at);

/*
 * The next sessions of a place (at most WORKSHOP_PLACE_SESSIONS) for the
 * place page partial templates/place_workshops.html: {"sessions": [...],
 * "more": true when there are others, "agenda": link to all of them,
 * "ics": the place's calendar}. NULL when the place has no coming session.
 */
json_t *workshop_place_upcoming(db_conn *c, int64_t place_id, int64_t now);

/*
 * The next sessions (not cancelled) within radius_km of a point, soonest
 * first, at most max: an array of workshop_session_item()s (new reference).
 * *valid_until (may be NULL) is lowered to the instant the list may change
 * with the clock (the first session read has started).
 */
json_t *workshop_upcoming_near(db_conn *c, double lat, double lon, double radius_km, int64_t now,
                               size_t max, int64_t *valid_until);

/*
 * One VEVENT for a session row (see ical.h). `origin` is the absolute
 * origin for URLs ("https://repere.example.fr"); `dtstamp` the UTC instant
 * the feed is generated.
 */
void workshop_session_ical(buf *out, sqlite3_stmt *row, const char *origin, int64_t dtstamp);

#endif
