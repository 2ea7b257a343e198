/*
 * sun.h — times of sunrise, sunset, dawn and dusk (civil twilight) at a
 * position, for the `sunrise`, `sunset`, `dawn` and `dusk` of opening hours.
 *
 * The calculation follows the published formulas of Jean Meeus,
 * "Astronomical Algorithms" (2nd ed.): the Sun's apparent position (ch. 25),
 * sidereal time (ch. 12), rising and setting (ch. 15), with ΔT from the
 * Espenak–Meeus polynomials. It is the method of the `suncalc` npm package
 * (2.x) that opening_hours.js uses, so both agree to the minute
 * (tests/oracle/hours-oracle.js compares them at several positions).
 * Pure and thread-safe.
 */
#ifndef REPERE_SUN_H
#define REPERE_SUN_H

#include "hours/tz.h"

#include <stdbool.h>
#include <stdint.h>

typedef enum sun_event {
    SUN_DAWN = 0,
    SUN_SUNRISE,
    SUN_SUNSET,
    SUN_DUSK,
    SUN_EVENT_COUNT
} sun_event;

/* "sunrise" → SUN_SUNRISE; -1 for any other word. */
int sun_event_from_word(const char *word);
/* The OpenStreetMap word of an event ("dawn"). */
const char *sun_event_word(sun_event event);
/* Minute of the day opening_hours.js assumes without a position (sunrise 06:00). */
int sun_event_default_minute(sun_event event);

/*
 * The event of the solar day whose noon at that longitude lies nearest to
 * the instant utc (Unix seconds), as Unix milliseconds (fraction dropped).
 * False when the Sun does not reach the event's altitude that day (polar
 * day or night).
 */
bool sun_event_utc_ms(double latitude, double longitude, int64_t utc, sun_event event,
                      int64_t *utc_ms);

/*
 * The minute of the local day local_day (days since 1970-01-01 in zone) at
 * which the event happens there, seconds dropped; -1 when it does not happen
 * on that local day (polar regions).
 */
int sun_event_minute(const tz_zone *zone, double latitude, double longitude, int64_t local_day,
                     sun_event event);

#endif
