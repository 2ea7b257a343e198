/*
 * tz.h — time-zone conversions without the C library's global TZ state.
 *
 * glibc's setenv("TZ") + tzset() + localtime_r() share one process-wide zone,
 * so two server threads evaluating places in different zones would race.
 * This module reads the compiled tz database (TZif files under
 * /usr/share/zoneinfo, package tzdata) itself: the transition table for the
 * past and the POSIX TZ rule in the file's footer (e.g.
 * "CET-1CEST,M3.5.0,M10.5.0/3") for instants after the last transition.
 *
 * Ownership: a tz_zone is immutable once built, so any number of threads may
 * use one concurrently. tz_zone_get() returns zones from a process-wide cache
 * guarded by a mutex (the only shared state of the module); cached zones live
 * until tz_cache_free() at shutdown. tz_zone_load()/tz_zone_from_posix()
 * return a private zone the caller frees with tz_zone_free().
 *
 * "Local seconds" below means a wall-clock date and time counted as seconds
 * since 1970-01-01 00:00 as if the zone were UTC: tz_days_from_civil(y,m,d) *
 * 86400 + h * 3600 + min * 60.
 */
#ifndef REPERE_TZ_H
#define REPERE_TZ_H

#include <stdbool.h>
#include <stdint.h>

typedef struct tz_zone tz_zone;

/*
 * The zone named like "Europe/Paris", loaded once and cached. Returns NULL
 * when the name is malformed or no valid TZif file exists for it. The result
 * is shared and immutable: do not free it.
 */
const tz_zone *tz_zone_get(const char *name);

/* Free every cached zone. Call once at shutdown, when no thread uses them. */
void tz_cache_free(void);

/* Load a zone without the cache (caller frees with tz_zone_free). NULL on failure. */
tz_zone *tz_zone_load(const char *name);

/* A zone defined only by a POSIX TZ string ("CET-1CEST,M3.5.0,M10.5.0/3"). NULL if invalid. */
tz_zone *tz_zone_from_posix(const char *posix);

void tz_zone_free(tz_zone *zone);

/* Offset of local time from UTC, in seconds east of Greenwich, at a UTC instant. */
int32_t tz_offset_at(const tz_zone *zone, int64_t utc);

/* UTC instant to local seconds. */
int64_t tz_utc_to_local(const tz_zone *zone, int64_t utc);

/*
 * Local seconds to a UTC instant. A wall-clock time that happens twice (the
 * hour repeated when clocks go back) gives the first occurrence. A time that
 * does not exist (skipped when clocks go forward, e.g. 02:30 on the last
 * Sunday of March in Paris) gives the instant of the jump, 03:00 CEST: a
 * place "open 02:30-03:30" that night is open from 03:00 to 03:30.
 */
int64_t tz_local_to_utc(const tz_zone *zone, int64_t local);

/* Days since 1970-01-01 of a proleptic Gregorian date (month 1-12). */
int64_t tz_days_from_civil(int year, int month, int day);

/* Inverse of tz_days_from_civil. */
void tz_civil_from_days(int64_t days, int *year, int *month, int *day);

/* Day of the week of a day number: 0 = Monday … 6 = Sunday. */
int tz_weekday(int64_t days);

/* floor(a / b) for b > 0, for negative instants. */
int64_t tz_floor_div(int64_t a, int64_t b);

#endif
