/*
 * rrule.h — expansion of workshop recurrences: the subset of RFC 5545
 * recurrence rules that places actually use ("chaque mardi", "le 2e mardi
 * du mois", "toutes les deux semaines jusqu'en juin").
 *
 * Supported: FREQ=WEEKLY or MONTHLY, INTERVAL, BYDAY (with an ordinal such
 * as 2TU or -1FR for MONTHLY only), BYMONTHDAY (MONTHLY), COUNT or UNTIL,
 * WKST=MO. Anything else (DAILY, YEARLY, BYSETPOS, BYMONTH…) is refused
 * with a French message rather than half-understood.
 *
 * Occurrences are computed on the wall clock of the place (a workshop at
 * 14:00 stays at 14:00 across daylight-saving changes) and only then turned
 * into UTC instants with tz.c. As RFC 5545 says, COUNT counts occurrences
 * from DTSTART before the exception dates are removed.
 *
 * Everything here is pure and thread-safe.
 */
#ifndef REPERE_RRULE_H
#define REPERE_RRULE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hours/tz.h"
#include "core/util.h"

enum {
    RRULE_MAX_TEXT = 300, /* longest rule accepted, in bytes */
    RRULE_MAX_BYDAY = 35, /* 7 weekdays × 5 ordinals */
    RRULE_MAX_BYMONTHDAY = 31,
    RRULE_MAX_COUNT = 1000, /* COUNT above this is refused */
    RRULE_MAX_INTERVAL = 99,
    RRULE_MAX_PERIODS = 5300, /* weeks or months walked at most (~100 years of weeks) */
};

typedef enum rrule_freq {
    RRULE_WEEKLY = 1,
    RRULE_MONTHLY,
} rrule_freq;

typedef struct rrule_byday {
    int weekday; /* 0 = Monday … 6 = Sunday */
    int ordinal; /* 0: every such weekday; 1…5 or -1…-5: the nth (from the end) in the month */
} rrule_byday;

typedef struct rrule {
    rrule_freq freq;
    int interval; /* ≥ 1 */
    int count;    /* 0: no COUNT */
    bool has_until;
    bool until_is_utc; /* UNTIL=…Z: until is a UTC instant; otherwise local seconds */
    int64_t until;     /* inclusive; UNTIL=YYYYMMDD means the end of that local day */
    rrule_byday byday[RRULE_MAX_BYDAY];
    size_t byday_count;
    int bymonthday[RRULE_MAX_BYMONTHDAY]; /* 1…31 or -1…-31 */
    size_t bymonthday_count;
} rrule;

/*
 * Parse a rule such as "FREQ=WEEKLY;BYDAY=TU,TH;UNTIL=20270630" (an
 * "RRULE:" prefix is allowed). Returns true and fills *out, or false with a
 * French message naming the faulty part in err (always NUL-terminated).
 */
bool rrule_parse(const char *text, rrule *out, char *err, size_t errsize);

/* One occurrence, as UTC instants [start, end). */
typedef struct rrule_occurrence {
    int64_t start, end;
} rrule_occurrence;

/*
 * The occurrences of `rule` starting at dtstart_local (local seconds, see
 * tz.h) and lasting `duration` seconds, whose start falls in [from_utc,
 * to_utc), ascending. An occurrence whose local day is in except_days
 * (days since 1970-01-01, local; the rule gives at most one occurrence a
 * day) is left out. Returns the number written to out, or -1 when more
 * than `max` were found (out then holds the first max).
 */
int rrule_expand(const rrule *rule, const tz_zone *zone, int64_t dtstart_local, int64_t duration,
                 const int64_t *except_days, size_t except_count, int64_t from_utc, int64_t to_utc,
                 rrule_occurrence *out, size_t max);

/*
 * How often `rule` repeats, in French words for people (the request's
 * language through gettext), from the local day number of its first
 * occurrence `first_day` (which gives the weekday or the day of the month
 * a rule without BYDAY/BYMONTHDAY repeats on): "chaque mardi et jeudi",
 * "le mardi, une semaine sur deux", "chaque premier mercredi du mois",
 * "le 15 de chaque mois". Lower case, without its bounds (COUNT, UNTIL):
 * the caller words them with the dates. Appends to out.
 */
void rrule_describe(buf *out, const rrule *rule, int64_t first_day);

#endif
