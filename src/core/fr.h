/*
 * fr.h — French wording for people: dates, phone numbers, distances, counts.
 * Pure functions, thread-safe (no locale: we never call setlocale).
 */
#ifndef REPERE_FR_H
#define REPERE_FR_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/util.h"

extern const char *const FR_MONTHS[12];  /* "janvier" … */
extern const char *const FR_WEEKDAYS[7]; /* "lundi" … "dimanche" (ISO order) */

/* "2022-05-05" (or a longer ISO timestamp) → "5 mai 2022"; false if unparsable. */
bool fr_date(buf *out, const char *iso);
/*
 * A UTC timestamp of the database ("2026-11-28T23:19:05Z", also with a space
 * instead of 'T', without seconds or 'Z') → the wall clock of Europe/Paris in
 * words: "29 novembre 2026 à 0 h 19". A date alone ("2026-11-28") is worded
 * as fr_date does. False (nothing written) if unparsable. Every admin page
 * shows its dates through this one function.
 */
bool fr_datetime(buf *out, const char *iso_utc);
/* The same for a UTC instant in seconds since 1970. */
void fr_datetime_at(buf *out, int64_t utc);
/* fr_datetime as a new JSON string for a page model; an unparsable value is
 * kept as it is, NULL becomes "". */
json_t *fr_datetime_json(const char *iso_utc);
/* Europe/Paris's offset from UTC in seconds (3600 or 7200) at a UTC instant
 * (seconds since 1970), by the EU rule in force since 1996. */
int fr_paris_offset(int64_t utc);
/* Parse 'YYYY-MM-DD' at the start of iso. */
bool fr_parse_date(const char *iso, int *year, int *month, int *day);
/* E.164 "+33475582913" → "04 75 58 29 13"; other numbers grouped sensibly. */
void fr_phone(buf *out, const char *e164);
/* 3.24 → "3,2 km"; 0.45 → "450 m". */
void fr_distance(buf *out, double km);
/* 12345 → "12 345" (narrow no-break space between thousands). */
void fr_number(buf *out, long n);
/* 1 → "1 lieu", 3 → "3 lieux" with the given singular/plural. */
void fr_count(buf *out, long n, const char *singular, const char *plural);

#endif
