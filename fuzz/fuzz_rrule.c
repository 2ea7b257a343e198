/*
 * fuzz_rrule.c — libFuzzer target for workshop recurrences
 * (src/workshops/rrule.c): parse any text as a rule (the "regle" of a
 * workshops file, or the admin form's), and when it parses, expand it.
 *
 * Invariants: no crash, no sanitizer report; a refused rule says why; a
 * parsed rule is within the documented limits; expanding it from a few
 * starts (a DST gap, a fall-back night, the 31st, 29 February) in two zones
 * over the import's window (90 days back, 183 ahead, 400 sessions at most)
 * gives occurrences strictly ascending, inside the window, never more than
 * COUNT, never after UNTIL, never on an exception day, each lasting about
 * its duration; and they are exactly those of a slow oracle written here
 * from the rule's definition (walk every local day from the start, ask
 * whether it matches), which shares nothing with rrule.c's period walk.
 */
#include "core/util.h"
#include "hours/tz.h"
#include "workshops/rrule.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum {
    MAX_SESSIONS = 400, /* WORKSHOP_MAX_SESSIONS */
    PAST_DAYS = 90,     /* WORKSHOP_PAST_DAYS */
    HORIZON_DAYS = 183, /* WORKSHOP_HORIZON_DAYS */
    DURATION = 7200,
    DAY = 86400,
};

static void die(const char *text, const char *what)
{
    fprintf(stderr, "rrule \"%s\": %s\n", text, what);
    abort();
}

/* The parsed rule stays inside what rrule.h promises. */
static void check_rule(const char *text, const rrule *r)
{
    if (r->freq != RRULE_WEEKLY && r->freq != RRULE_MONTHLY) die(text, "bad freq");
    if (r->interval < 1 || r->interval > RRULE_MAX_INTERVAL) die(text, "bad interval");
    if (r->count < 0 || r->count > RRULE_MAX_COUNT) die(text, "bad count");
    if (r->count && r->has_until) die(text, "COUNT and UNTIL");
    if (r->byday_count > RRULE_MAX_BYDAY || r->bymonthday_count > RRULE_MAX_BYMONTHDAY)
        die(text, "too many items");
    for (size_t i = 0; i < r->byday_count; i++) {
        const rrule_byday *b = &r->byday[i];
        if (b->weekday < 0 || b->weekday > 6 || b->ordinal < -5 || b->ordinal > 5)
            die(text, "bad BYDAY item");
        if (b->ordinal && r->freq != RRULE_MONTHLY) die(text, "ordinal outside MONTHLY");
    }
    for (size_t i = 0; i < r->bymonthday_count; i++) {
        int md = r->bymonthday[i];
        if (md == 0 || md < -31 || md > 31) die(text, "bad BYMONTHDAY");
    }
    if (r->bymonthday_count && r->freq != RRULE_MONTHLY) die(text, "BYMONTHDAY outside MONTHLY");
}

static int64_t month_number(int64_t day)
{
    int y, m, d;
    tz_civil_from_days(day, &y, &m, &d);
    return (int64_t)y * 12 + (m - 1);
}

static int days_in_month(int64_t day)
{
    int y, m, d;
    tz_civil_from_days(day, &y, &m, &d);
    int64_t first = tz_days_from_civil(y, m, 1);
    int64_t next = m == 12 ? tz_days_from_civil(y + 1, 1, 1) : tz_days_from_civil(y, m + 1, 1);
    return (int)(next - first);
}

/* Does local day `d` (≥ day0) belong to the rule started on day0? Straight
 * from RFC 5545: the period (week from Monday, month) is a multiple of
 * INTERVAL away from DTSTART's, then BYDAY and BYMONTHDAY filter (ANDed),
 * and without either the rule repeats DTSTART's weekday or day of month. */
static bool oracle_matches(const rrule *r, int64_t day0, int64_t d, long *period)
{
    int wd = tz_weekday(d);
    if (r->freq == RRULE_WEEKLY) {
        int64_t weeks = ((d - wd) - (day0 - tz_weekday(day0))) / 7;
        *period = (long)(weeks / r->interval);
        if (weeks % r->interval) return false;
        if (!r->byday_count) return wd == tz_weekday(day0);
        for (size_t i = 0; i < r->byday_count; i++)
            if (r->byday[i].weekday == wd) return true;
        return false;
    }
    int64_t months = month_number(d) - month_number(day0);
    *period = (long)(months / r->interval);
    if (months % r->interval) return false;
    int y, m, md, y0, m0, md0;
    tz_civil_from_days(d, &y, &m, &md);
    tz_civil_from_days(day0, &y0, &m0, &md0);
    int len = days_in_month(d);
    if (!r->byday_count && !r->bymonthday_count) return md == md0;
    bool ok = true;
    if (r->byday_count) {
        bool any = false;
        for (size_t i = 0; i < r->byday_count; i++) {
            int ord = r->byday[i].ordinal;
            if (r->byday[i].weekday != wd) continue;
            if (ord == 0 || (ord > 0 && (md - 1) / 7 + 1 == ord) ||
                (ord < 0 && (len - md) / 7 + 1 == -ord))
                any = true;
        }
        ok = any;
    }
    if (ok && r->bymonthday_count) {
        bool any = false;
        for (size_t i = 0; i < r->bymonthday_count; i++) {
            int v = r->bymonthday[i];
            if (md == (v > 0 ? v : len + 1 + v)) any = true;
        }
        ok = any;
    }
    return ok;
}

static bool excepted(int64_t day, const int64_t *except, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (except[i] == day) return true;
    return false;
}

/* The oracle's expansion, with rrule_expand's contract. */
static int oracle_expand(const rrule *r, const tz_zone *zone, int64_t dtstart_local,
                         const int64_t *except, size_t except_count, int64_t from, int64_t to,
                         rrule_occurrence *out, size_t max)
{
    int64_t day0 = tz_floor_div(dtstart_local, DAY);
    int64_t time_of_day = dtstart_local - day0 * DAY;
    /* Past this local day every start is after `to` (offsets are under a day). */
    int64_t last_day = tz_floor_div(tz_utc_to_local(zone, to), DAY) + 1;
    size_t written = 0;
    int seen = 0;
    for (int64_t d = day0; d <= last_day; d++) {
        long period = 0;
        bool match = oracle_matches(r, day0, d, &period);
        if (period >= RRULE_MAX_PERIODS) return (int)written;
        if (!match) continue;
        int64_t local = d * DAY + time_of_day;
        int64_t start = tz_local_to_utc(zone, local);
        if (r->has_until && (r->until_is_utc ? start : local) > r->until) return (int)written;
        if (r->count && seen >= r->count) return (int)written;
        seen++;
        if (start >= to) return (int)written;
        if (start < from || excepted(d, except, except_count)) continue;
        if (written == max) return -1;
        out[written].start = start;
        out[written].end = tz_local_to_utc(zone, local + DURATION);
        written++;
    }
    return (int)written;
}

static void check_expansion(const char *text, const rrule *r, const tz_zone *zone,
                            int64_t dtstart_local, int64_t now)
{
    int64_t day0 = tz_floor_div(dtstart_local, DAY);
    const int64_t except[] = {day0, day0 + 7, day0 + 31, tz_floor_div(now, DAY) + 14};
    int64_t from = now - (int64_t)PAST_DAYS * DAY, to = now + (int64_t)HORIZON_DAYS * DAY;
    static rrule_occurrence got[MAX_SESSIONS], want[MAX_SESSIONS];
    int n = rrule_expand(r, zone, dtstart_local, DURATION, except, ARRAY_LEN(except), from, to, got,
                         MAX_SESSIONS);
    if (n < -1 || n > MAX_SESSIONS) die(text, "count out of range");
    size_t count = n < 0 ? MAX_SESSIONS : (size_t)n;
    if (r->count && count > (size_t)r->count) die(text, "more than COUNT");
    for (size_t k = 0; k < count; k++) {
        const rrule_occurrence *o = &got[k];
        if (o->start < from || o->start >= to) die(text, "outside the window");
        if (k > 0 && o->start <= got[k - 1].start) die(text, "not strictly ascending");
        if (o->end < o->start || o->end - o->start > DURATION + 3600) die(text, "bad duration");
        int64_t local = tz_utc_to_local(zone, o->start);
        if (excepted(tz_floor_div(local, DAY), except, ARRAY_LEN(except)))
            die(text, "on an exception day");
        if (r->has_until && r->until_is_utc && o->start > r->until) die(text, "after UNTIL");
    }
    int m = oracle_expand(r, zone, dtstart_local, except, ARRAY_LEN(except), from, to, want,
                          MAX_SESSIONS);
    if (m != n) {
        fprintf(stderr, "rrule \"%s\" from %lld: rrule_expand %d, oracle %d\n", text,
                (long long)dtstart_local, n, m);
        abort();
    }
    for (size_t k = 0; k < count; k++)
        if (got[k].start != want[k].start || got[k].end != want[k].end) {
            fprintf(stderr, "rrule \"%s\" from %lld: occurrence %zu is %lld, oracle %lld\n", text,
                    (long long)dtstart_local, k, (long long)got[k].start, (long long)want[k].start);
            abort();
        }
}

static int64_t local_time(int y, int m, int d, int hh, int mm)
{
    return tz_days_from_civil(y, m, d) * DAY + hh * 3600 + mm * 60;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const tz_zone *zones[2];
    if (!zones[0]) {
        zones[0] = tz_zone_get("Europe/Paris");
        zones[1] = tz_zone_get("Indian/Reunion");
        if (!zones[0] || !zones[1]) abort();
    }
    if (size > RRULE_MAX_TEXT + 16) return 0;
    char *text = xstrndup((const char *)data, size);
    rrule r;
    char err[200];
    if (!rrule_parse(text, &r, err, sizeof err)) {
        if (!err[0] || strlen(err) >= sizeof err) die(text, "refused without a message");
        free(text);
        return 0;
    }
    if (err[0]) die(text, "accepted with a message");
    check_rule(text, &r);

    /* The import's "now": 2026-11-29 12:00 UTC. */
    const int64_t now = local_time(2026, 11, 29, 12, 0);
    const int64_t starts[] = {
        local_time(2026, 10, 1, 14, 0),  /* a Thursday, the documented example */
        local_time(2026, 3, 29, 2, 30),  /* a time Paris skips (DST) */
        local_time(2026, 10, 25, 2, 30), /* a time Paris has twice */
        local_time(2026, 1, 31, 9, 30),  /* the 31st: shorter months skipped */
        local_time(2024, 2, 29, 18, 0),  /* 29 February, long before the window */
        local_time(2027, 4, 30, 23, 45), /* a month's last day, near the window's end */
    };
    for (size_t z = 0; z < ARRAY_LEN(zones); z++)
        for (size_t i = 0; i < ARRAY_LEN(starts); i++)
            check_expansion(text, &r, zones[z], starts[i], now);

    /* The unit tests' open window: only the count is bounded. */
    rrule_occurrence occ[64];
    int n = rrule_expand(&r, zones[0], starts[0], DURATION, NULL, 0, 0, INT64_MAX / 2, occ,
                         ARRAY_LEN(occ));
    if (n < -1 || n > (int)ARRAY_LEN(occ)) die(text, "count out of range (open window)");
    for (int k = 1; k < n; k++)
        if (occ[k].start <= occ[k - 1].start) die(text, "not ascending (open window)");
    free(text);
    return 0;
}
