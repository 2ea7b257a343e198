/*
 * hours.h — the opening-hours engine: parse and evaluate OpenStreetMap
 * `opening_hours` values ("Mo-Fr 09:00-12:00,14:00-17:00; PH off") for a
 * place in its own time zone and with its département's public holidays.
 *
 * Everything here is pure and thread-safe. A parsed hours_schedule is
 * immutable: any number of threads may evaluate it at once. The only shared
 * state is tz.c's zone cache (mutex-guarded); call tz_cache_free() at
 * shutdown. docs/hours.md describes the accepted syntax and the semantics.
 *
 * Instants are UTC Unix seconds (int64_t). Weekdays are 0 = Monday … 6 = Sunday.
 */
#ifndef REPERE_HOURS_H
#define REPERE_HOURS_H

#include "hours/tz.h"
#include "core/util.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Longest accepted expression, in bytes (the longest real value is ~200). */
#define HOURS_MAX_EXPR 2000
/* Most ranges hours_day() reports for one day. */
#define HOURS_DAY_MAX_RANGES 8
/* How far hours_next_change() looks ahead. */
#define HOURS_LOOKAHEAD_DAYS 400

typedef struct hours_schedule hours_schedule;

/* A parse error. position is 1-based, counted in characters (not bytes). */
typedef struct hours_error {
    int position;
    char reason[160];  /* "heure attendue (HH:MM)" */
    char message[192]; /* "position 12 : heure attendue (HH:MM)" */
} hours_error;

/*
 * Parse an expression. Returns a schedule the caller frees with hours_free(),
 * or NULL with *err filled (err may be NULL). Never returns a schedule that
 * ignored part of the text: every unknown token is an error. School holidays
 * (SH) follow the département's school calendar (hours_school_holiday).
 */
hours_schedule *hours_parse(const char *expr, hours_error *err);
void hours_free(hours_schedule *schedule);

/*
 * The canonical form, malloc'd (caller frees): English two-letter days,
 * HH:MM times, "; " between rules, no space after ",". "lu-ve 9h-12h, 14h30-18h"
 * → "Mo-Fr 09:00-12:00,14:00-18:00". Rules without a day selector keep none.
 */
char *hours_normalise(const hours_schedule *schedule);

/*
 * True when the text used a hand-typed form that OpenStreetMap syntax does
 * not have ("lundi au vendredi 9h-12h", "10-12", "10.00", "2pm", "14h à
 * 17h", "9h-12h et 14h-17h", German day names, a trailing ","): the
 * national map may not read it. hours_normalise() gives the form it reads;
 * the importer and the admin area show it with a warning.
 */
bool hours_tolerated(const hours_schedule *schedule);

/*
 * True when some rule names public holidays (PH). Such hours are trusted on
 * holidays as written; hours that never mention PH are read for people as
 * "ouverture à confirmer" on holidays (see hours_context).
 */
bool hours_uses_public_holidays(const hours_schedule *schedule);

/*
 * Where and under which holiday calendar a schedule is evaluated. Fill with
 * hours_context_init(); the struct may be copied and shared between threads.
 *
 * By default every evaluation below is the reading for people: the national
 * data rarely says what happens on public holidays, so when the hours never
 * mention PH, the time they would open on a public holiday is unknown
 * (hours_interval.holiday and hours_day_range.holiday say so), never open.
 * Time the rules close stays closed, and "24/7" or a rule naming that very
 * date ("2026 Dec 25 10:00-12:00": exceptional hours) is trusted.
 * literal = true evaluates the rules exactly as opening_hours.js does (the
 * oracle's view, `repere hours`); pages, search and exports never set it.
 */
typedef struct hours_context { /* a new field: compare it in hours_context_same */
    const tz_zone *zone;       /* shared, from tz_zone_get() */
    char departement[4];       /* "73", "2A", "974"; "" = metropolitan France */
    bool literal;              /* false (the default): unmentioned holidays are unknown */
    /* The place's position, for sunrise, sunset, dawn and dusk (sun.h). Without
     * one, time given by the Sun is unknown ("à confirmer"), never open. */
    bool has_position;
    double latitude, longitude;
} hours_context;

/*
 * Set up a context. zone_name NULL means the département's zone
 * (hours_zone_for_departement). departement NULL or "" means metropolitan
 * holidays. Returns 0, or -1 when the zone cannot be loaded or the
 * département code is not 2 or 3 characters.
 */
int hours_context_init(hours_context *ctx, const char *departement, const char *zone_name);

/* Do two contexts evaluate hours alike (every field compared)? The one
 * owner of that rule: the day memo of a schedule and the search index's
 * facts carried between snapshots both ask it. */
bool hours_context_same(const hours_context *a, const hours_context *b);

/*
 * Give the context the place's position (degrees, WGS 84). Ignored (the
 * context keeps no position) when the values are not a real position:
 * NaN, out of range, or exactly 0,0 (an unset position in the data).
 */
void hours_context_set_position(hours_context *ctx, double latitude, double longitude);

/*
 * Name of the school holiday ("Vacances de Noël") on a date for a
 * département, or NULL. *known (may be NULL) is set to false when the date
 * lies outside the school calendar of that département (or it has none):
 * then NULL means "we do not know", and hours naming SH read as unknown
 * there. The calendar is src/hours/school_holidays_data.h, generated from
 * opening_hours.js's by scripts/school-holidays.js (data/school-holidays/).
 */
const char *hours_school_holiday(const char *departement, int year, int month, int day,
                                 bool *known);

/* IANA zone of a département code ("974" → "Indian/Reunion"); Europe/Paris by default. */
const char *hours_zone_for_departement(const char *departement);

/*
 * French name of the public holiday on a date ("Noël", "Lundi de Pâques") for
 * a département, or NULL when it is not one. Metropolitan list, plus Good
 * Friday and 26 December in 57, 67, 68, plus the abolition of slavery in
 * 971, 972, 973, 974, 976.
 */
const char *hours_public_holiday(const char *departement, int year, int month, int day);

/* Easter Sunday of a Gregorian year. */
void hours_easter(int year, int *month, int *day);

/* ISO 8601 week number (1-53) of a date. */
int hours_iso_week(int year, int month, int day);

/*
 * An interval [start, end) in UTC seconds. unknown: the schedule says neither
 * open nor closed (a rule with only a comment, or "unknown"), e.g.
 * "sur rendez-vous"; such intervals are not "open" for the predicates below.
 * holiday: set (with unknown) when the time is unknown only because it falls
 * on a public holiday the hours do not mention: the holiday's name (static).
 */
typedef struct hours_interval {
    int64_t start, end;
    bool unknown;
    const char *holiday;
} hours_interval;

/*
 * The open (and unknown) intervals overlapping [from, to), clipped to it,
 * ascending, adjacent ones of the same kind merged (an interval crossing
 * midnight is one interval). Returns the count, or -1 when more than max
 * would be needed (out then holds the first max).
 */
int hours_intervals(const hours_schedule *schedule, const hours_context *ctx, int64_t from,
                    int64_t to, hours_interval *out, size_t max);

/* The state at an instant, which every "open now" comes from. */
typedef enum hours_state { HOURS_CLOSED = 0, HOURS_OPEN = 1, HOURS_UNKNOWN = 2 } hours_state;

/*
 * The state at t. *holiday (may be NULL) is set to the holiday's name when
 * the state is HOURS_UNKNOWN only because t falls on a public holiday the
 * hours do not mention, otherwise to NULL.
 */
hours_state hours_state_at(const hours_schedule *schedule, const hours_context *ctx, int64_t t,
                           const char **holiday);

/* True when definitely open at t (unknown counts as not open). */
bool hours_is_open(const hours_schedule *schedule, const hours_context *ctx, int64_t t);

/*
 * The first instant after t where the state (open / closed / unknown)
 * changes, looking ahead HOURS_LOOKAHEAD_DAYS. *opens (may be NULL) is set to
 * true when the new state is open. Returns -1 when nothing changes in that
 * window (24/7, or never open).
 */
int64_t hours_next_change(const hours_schedule *schedule, const hours_context *ctx, int64_t t,
                          bool *opens);

/*
 * One local day, for the place page. ranges hold local minutes from that
 * day's midnight. A range that runs past midnight ends after 1440 (02:00 the
 * next morning is 1560) and the next day does not repeat that part; a day
 * with more than HOURS_DAY_MAX_RANGES ranges sets truncated. closed: no
 * range at all. comment: the comment of the last rule that applies to the
 * day (points into the schedule, valid until hours_free), or NULL.
 * holiday_name: static string, or NULL. A range with holiday set is the
 * day's usual hours, unknown because the day is a public holiday the hours
 * do not mention; holiday_unconfirmed says the day has such a range (pages
 * show "Noël — jour férié : ouverture à confirmer").
 */
typedef struct hours_day_range {
    int start, end;
    bool unknown;
    bool holiday;  /* unknown only because of an unmentioned public holiday */
    bool open_end; /* "17:00+": unknown, end guessed; pages say "à partir de 17 h" */
    /* A start or end given by the Sun: the event + 1 (sun.h), else 0, with its
     * offset in minutes; sun_unplaced: the place has no position, so the
     * times are unknown and start/end are only opening_hours.js's guesses.
     * Pages say "du lever du soleil (8 h 12) au coucher du soleil (17 h 03)". */
    uint8_t start_sun, end_sun;
    int16_t start_offset, end_offset;
    bool sun_unplaced;
} hours_day_range;

typedef struct hours_day_info {
    int year, month, day, weekday;
    hours_day_range ranges[HOURS_DAY_MAX_RANGES];
    int range_count;
    bool truncated;
    bool closed;
    bool is_public_holiday;
    bool holiday_unconfirmed;
    const char *holiday_name;
    const char *comment;
} hours_day_info;

void hours_day(const hours_schedule *schedule, const hours_context *ctx, int year, int month,
               int day, hours_day_info *out);

/*
 * Search-filter predicates over the 7 local days starting with the day that
 * contains from_utc (so "next Saturday", whatever today is). Only definitely
 * open time counts: not unknown time, so not a holiday the hours do not
 * mention.
 *   hours_open_on_weekday: open at some moment of that weekday (0 = Monday).
 *   hours_open_after: open at some moment at or after minute_of_day (local,
 *   0-1439) on one of those days: "open after 18:00" is minute 1080.
 */
bool hours_open_on_weekday(const hours_schedule *schedule, const hours_context *ctx, int weekday,
                           int64_t from_utc);
bool hours_open_after(const hours_schedule *schedule, const hours_context *ctx, int minute_of_day,
                      int64_t from_utc);

/*
 * What a search needs of one place's hours, in one pass (search.c's facts
 * per place and day): *open_at_base, definitely open at base; the instants
 * of (base, base + horizon_s) where "definitely open" changes, as offsets
 * from base (at most max, *count); *days, the weekdays (bit 0 = Monday) of
 * the 7 local days from base's with an open minute; *open_after, one of
 * those days open at or after minute_after. The same answers as
 * hours_is_open, hours_next_change, hours_open_on_weekday and
 * hours_open_after (tests/unit/test_hours.c compares them on every
 * expression of the oracle's set), for a few plans instead of dozens.
 */
void hours_week_facts(const hours_schedule *schedule, const hours_context *ctx, int64_t base,
                      int64_t horizon_s, uint32_t *changes, size_t max, size_t *count,
                      bool *open_at_base, uint8_t *days, int minute_after, bool *open_after);

/*
 * French text for pages, appended to out.
 *   hours_format_day_fr: "9 h – 12 h, 14 h 30 – 17 h" (no-break spaces
 *     inside each time and before the dash), "fermé",
 *     "fermé (jour férié)"; unknown ranges get " (à confirmer)"; a holiday
 *     the hours do not mention is "Noël — jour férié : ouverture à
 *     confirmer (horaires habituels : 9 h – 12 h)". The day's comment is
 *     not included: show day->comment where it fits.
 *   hours_format_usual_fr: the usual hours of such a holiday alone
 *     ("9 h – 12 h"), for a line that already names the holiday.
 *   hours_format_date_fr: "lundi 21 décembre".
 *   hours_status_fr: "Ouvert · ferme à 17 h", "Fermé · ouvre demain à 9 h",
 *     "Fermé · ouvre mardi à 9 h", "Ouvert 24 h/24", "Fermé",
 *     "Ouverture à confirmer · sur rendez-vous",
 *     "Noël — jour férié : ouverture à confirmer",
 *     "Fermé · demain, Noël — jour férié : ouverture à confirmer", … (list
 *     in docs/hours.md). Returns the name of the holiday the text names
 *     (static), or NULL, so that a page does not say it twice.
 */
void hours_format_day_fr(buf *out, const hours_day_info *day);
/* "9 h", "9 h 30" for minutes after midnight, with no-break spaces (the one
   French clock of the pages: opening hours and workshop sessions). */
void hours_format_clock_fr(buf *out, int minutes);
void hours_format_usual_fr(buf *out, const hours_day_info *day);
void hours_format_date_fr(buf *out, int year, int month, int day);
const char *hours_status_fr(buf *out, const hours_schedule *schedule, const hours_context *ctx,
                            int64_t now);

/* French weekday ("lundi", 0 = Monday) and month ("décembre", 1 = January) names. */
const char *hours_weekday_fr(int weekday);
const char *hours_month_fr(int month);

/*
 * `repere hours 'EXPR' [--at 2026-12-24T10:00] [--week 2026-12-21]
 * [--tz Europe/Paris] [--departement 73]`; argv[0] is "hours". Output format
 * in docs/hours.md. Returns the process exit code: 0, 2 on a parse error,
 * 64 on bad usage.
 */

#endif
