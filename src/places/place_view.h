/*
 * place_view.h — a place as people see it: the view models the templates (and
 * later the API) render, built from one row of the place table.
 */
#ifndef REPERE_PLACE_H
#define REPERE_PLACE_H

#include <jansson.h>
#include <stdint.h>

#include "core/db.h"

enum {
    PLACE_STALE_DAYS = 365, /* older information gets a visible warning */
};

/*
 * The full view model of place `id` (every field the record has, in words),
 * or NULL when there is no such place. The caller owns the result.
 * *updated_at receives the row's last change (UTC seconds) for Last-Modified.
 */
json_t *place_view(db_conn *c, int64_t id, int64_t *updated_at);

/* The canonical path of a place: "/lieux/42-espace-public-numerique-alboussiere". */
char *place_path(int64_t id, const char *slug);

/*
 * Parse the "{id}-{slug}" segment of a place URL. Returns the id (> 0) or 0
 * when the segment does not start with a positive number.
 */
int64_t place_parse_segment(const char *segment, const char **slug);

/* How fresh a listing is: the later of the source's date (date_maj) and the
 * last confirmation by a person (verified_at, NULL when never). Returns one
 * of its arguments. */
const char *place_latest_date(const char *date_maj, const char *verified_at);

/* Days since the ISO date (YYYY-MM-DD…) at `now` (UTC seconds); -1 if unparsable. */
long place_age_days(const char *iso, int64_t now);

/*
 * Add the opening-hours view of a place to o: hours_status ("Ouvert · ferme
 * à 17 h"), hours_today, hours_week (the next `days` local days, in French),
 * hours_comments; or hours_unparsed when the expression is not understood
 * (the page then shows it as published, "à confirmer par téléphone").
 * On a public holiday the hours do not mention (read as unknown by hours.c)
 * the day's row has holiday_unconfirmed, o gets hours_holiday_unconfirmed,
 * and when the status line already names today's holiday,
 * hours_today_usual (the usual hours alone) replaces hours_today.
 * valid_until (may be NULL) is lowered to the moment this view stops being
 * true: the next change of state (opens, closes, becomes unknown) or the
 * place's next local midnight ("demain", "aujourd'hui", holidays, closures
 * are by day), whichever comes first; untouched when nothing changes.
 */
void place_hours_view(json_t *o, const char *hours, const char *departement, const char *zone,
                      double latitude, double longitude, int64_t now, int days,
                      int64_t *valid_until);

/*
 * The hours in force: the published expression with the place's current and
 * coming closures appended as OSM rules (src/closure.h). malloc'd, or NULL
 * when there are none. When banner_into is given, the closures to announce
 * are added to it as "closures".
 */
char *place_effective_hours(db_conn *c, int64_t id, const char *hours, const char *departement,
                            const char *zone, int64_t now, json_t *banner_into);

/* Short list item for result lists: name, types, commune, services, freshness,
 * today's hours at `now`. *valid_until is set to when the item stops being
 * true: its hours' next change or midnight (place_hours_view), and the next
 * UTC midnight (the freshness warning counts days). */
json_t *place_list_item(db_conn *c, sqlite3_stmt *row, int64_t now, int64_t *valid_until);
/* The SELECT columns place_list_item expects, in order (for list queries). */
#define PLACE_LIST_COLUMNS                                                                         \
    "p.id, p.slug, p.name, p.commune, p.postal_code, p.typologies, p.services, p.fees, "           \
    "p.pass_numerique_accepted, p.phone, p.date_maj, p.verified_at, p.latitude, p.longitude, "     \
    "p.hours, p.closed_at, p.departement, p.timezone"

#endif
