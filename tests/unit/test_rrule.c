/*
 * Unit tests for rrule.c: parsing the RFC 5545 subset, weekly and monthly
 * expansion on the local wall clock of Europe/Paris (so across DST changes),
 * COUNT/UNTIL, exception dates. Needs tzdata (/usr/share/zoneinfo).
 */
#include "unit.h"
#include "workshops/rrule.h"
#include "core/util.h"

#include <stdio.h>

/* Local seconds of a civil date and time. */
static int64_t local(int y, int mo, int d, int h, int mi)
{
    return tz_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60;
}

/* A UTC instant as "YYYY-MM-DD HH:MMZ" (static buffer of the caller). */
static const char *utc_text(int64_t t, char *out, size_t size)
{
    int64_t day = tz_floor_div(t, 86400);
    int y, m, d;
    tz_civil_from_days(day, &y, &m, &d);
    int64_t s = t - day * 86400;
    snprintf(out, size, "%04d-%02d-%02d %02d:%02dZ", y, m, d, (int)(s / 3600),
             (int)(s % 3600 / 60));
    return out;
}

/* Expand `text` from dtstart (Paris wall clock) for 2 h over a wide window;
 * write the starts as one comma-separated string. */
static void expand(const char *text, int64_t dtstart, const int64_t *ex, size_t nex, buf *out)
{
    rrule r;
    char err[200];
    buf_reset(out);
    if (!rrule_parse(text, &r, err, sizeof err)) {
        buf_printf(out, "ERR %s", err);
        return;
    }
    const tz_zone *paris = tz_zone_get("Europe/Paris");
    rrule_occurrence occ[64];
    int n = rrule_expand(&r, paris, dtstart, 7200, ex, nex, 0, INT64_MAX / 2, occ, 64);
    for (int i = 0; i < n; i++) {
        char t[40];
        buf_printf(out, "%s%s", i ? "," : "", utc_text(occ[i].start, t, sizeof t));
    }
    if (n < 0) buf_puts(out, "OVERFLOW");
}

TEST(weekly_with_exceptions)
{
    buf b = {0};
    /* Tuesdays and Thursdays at 14:00 from 6 January 2026, 6 times, minus Thursday 15th. */
    int64_t ex[] = {tz_days_from_civil(2026, 1, 15)};
    expand("FREQ=WEEKLY;BYDAY=TU,TH;COUNT=6", local(2026, 1, 6, 14, 0), ex, 1, &b);
    CHECK_STR(b.data, "2026-01-06 13:00Z,2026-01-08 13:00Z,2026-01-13 13:00Z,"
                      "2026-01-20 13:00Z,2026-01-22 13:00Z");
    /* Without BYDAY: DTSTART's weekday; INTERVAL=2: every other week. */
    expand("RRULE:FREQ=WEEKLY;INTERVAL=2;COUNT=3", local(2026, 1, 7, 9, 30), NULL, 0, &b);
    CHECK_STR(b.data, "2026-01-07 08:30Z,2026-01-21 08:30Z,2026-02-04 08:30Z");
    /* BYDAY days earlier in the week than DTSTART start the week after. */
    expand("FREQ=WEEKLY;BYDAY=MO,FR;COUNT=3", local(2026, 1, 7, 10, 0), NULL, 0, &b);
    CHECK_STR(b.data, "2026-01-09 09:00Z,2026-01-12 09:00Z,2026-01-16 09:00Z");
    buf_free(&b);
}

TEST(monthly_ordinal_byday)
{
    buf b = {0};
    /* Second Tuesday of the month at 14:00: the April one is in summer time. */
    expand("FREQ=MONTHLY;BYDAY=2TU;COUNT=4", local(2026, 1, 13, 14, 0), NULL, 0, &b);
    CHECK_STR(b.data, "2026-01-13 13:00Z,2026-02-10 13:00Z,2026-03-10 13:00Z,2026-04-14 12:00Z");
    /* Last Friday. */
    expand("FREQ=MONTHLY;BYDAY=-1FR;COUNT=3", local(2026, 1, 30, 18, 0), NULL, 0, &b);
    CHECK_STR(b.data, "2026-01-30 17:00Z,2026-02-27 17:00Z,2026-03-27 17:00Z");
    /* Fifth Monday: only months that have one. */
    expand("FREQ=MONTHLY;BYDAY=5MO;COUNT=2", local(2026, 1, 1, 10, 0), NULL, 0, &b);
    CHECK_STR(b.data, "2026-03-30 08:00Z,2026-06-29 08:00Z");
    /* No BYDAY: the day of the month of DTSTART; the 31st skips short months. */
    expand("FREQ=MONTHLY;COUNT=3", local(2026, 1, 31, 10, 0), NULL, 0, &b);
    CHECK_STR(b.data, "2026-01-31 09:00Z,2026-03-31 08:00Z,2026-05-31 08:00Z");
    /* BYMONTHDAY=-1: the last day of each month, every 2 months. */
    expand("FREQ=MONTHLY;INTERVAL=2;BYMONTHDAY=-1;COUNT=2", local(2026, 1, 1, 10, 0), NULL, 0, &b);
    CHECK_STR(b.data, "2026-01-31 09:00Z,2026-03-31 08:00Z");
    /* An exception removes one month but COUNT still counts it (RFC 5545). */
    int64_t ex[] = {tz_days_from_civil(2026, 2, 10)};
    expand("FREQ=MONTHLY;BYDAY=2TU;COUNT=3", local(2026, 1, 13, 14, 0), ex, 1, &b);
    CHECK_STR(b.data, "2026-01-13 13:00Z,2026-03-10 13:00Z");
    buf_free(&b);
}

TEST(dst_weeks)
{
    buf b = {0};
    /* Mondays at 14:00 around the spring change (29 March 2026): 14:00 stays 14:00. */
    expand("FREQ=WEEKLY;COUNT=3", local(2026, 3, 23, 14, 0), NULL, 0, &b);
    CHECK_STR(b.data, "2026-03-23 13:00Z,2026-03-30 12:00Z,2026-04-06 12:00Z");
    /* Sundays at 10:00 around the autumn change (25 October 2026), the change day itself included.
     */
    expand("FREQ=WEEKLY;BYDAY=SU;COUNT=3", local(2026, 10, 18, 10, 0), NULL, 0, &b);
    CHECK_STR(b.data, "2026-10-18 08:00Z,2026-10-25 09:00Z,2026-11-01 09:00Z");
    /* Durations are wall-clock too: end computed in local time. */
    rrule r;
    char err[200];
    CHECK(rrule_parse("FREQ=WEEKLY;COUNT=2", &r, err, sizeof err));
    rrule_occurrence occ[4];
    int n = rrule_expand(&r, tz_zone_get("Europe/Paris"), local(2026, 3, 22, 14, 0), 7200, NULL, 0,
                         0, INT64_MAX / 2, occ, 4);
    CHECK(n == 2);
    CHECK(occ[0].end - occ[0].start == 7200);
    CHECK(occ[1].end - occ[1].start == 7200);
    buf_free(&b);
}

TEST(until_in_another_season)
{
    buf b = {0};
    /* From summer time to winter time; UNTIL in UTC, inclusive, in winter. */
    expand("FREQ=WEEKLY;UNTIL=20261104T130000Z", local(2026, 10, 14, 14, 0), NULL, 0, &b);
    CHECK_STR(b.data, "2026-10-14 12:00Z,2026-10-21 12:00Z,2026-10-28 13:00Z,2026-11-04 13:00Z");
    /* One second earlier and 4 November is out. */
    expand("FREQ=WEEKLY;UNTIL=20261104T125959Z", local(2026, 10, 14, 14, 0), NULL, 0, &b);
    CHECK_STR(b.data, "2026-10-14 12:00Z,2026-10-21 12:00Z,2026-10-28 13:00Z");
    /* A date alone: the whole local day, from winter into summer. */
    expand("FREQ=WEEKLY;BYDAY=WE;UNTIL=20260408", local(2026, 3, 18, 14, 0), NULL, 0, &b);
    CHECK_STR(b.data, "2026-03-18 13:00Z,2026-03-25 13:00Z,2026-04-01 12:00Z,2026-04-08 12:00Z");
    /* A local date-time. */
    expand("FREQ=MONTHLY;BYDAY=1SA;UNTIL=20260502T100000", local(2026, 1, 3, 10, 0), NULL, 0, &b);
    CHECK_STR(b.data, "2026-01-03 09:00Z,2026-02-07 09:00Z,2026-03-07 09:00Z,2026-04-04 08:00Z,"
                      "2026-05-02 08:00Z");
    buf_free(&b);
}

TEST(window_and_limits)
{
    rrule r;
    char err[200];
    CHECK(rrule_parse("FREQ=WEEKLY;BYDAY=TU;COUNT=10", &r, err, sizeof err));
    const tz_zone *paris = tz_zone_get("Europe/Paris");
    rrule_occurrence occ[10];
    /* The window starts after the 3rd: COUNT still counts from DTSTART. */
    int64_t from = tz_local_to_utc(paris, local(2026, 1, 20, 15, 0));
    int n = rrule_expand(&r, paris, local(2026, 1, 6, 14, 0), 3600, NULL, 0, from, INT64_MAX / 2,
                         occ, 10);
    CHECK(n == 7);
    /* Window end is exclusive. */
    int64_t to = tz_local_to_utc(paris, local(2026, 1, 27, 14, 0));
    n = rrule_expand(&r, paris, local(2026, 1, 6, 14, 0), 3600, NULL, 0, 0, to, occ, 10);
    CHECK(n == 3);
    /* Too many for the array. */
    n = rrule_expand(&r, paris, local(2026, 1, 6, 14, 0), 3600, NULL, 0, 0, INT64_MAX / 2, occ, 4);
    CHECK(n == -1);
    CHECK(occ[3].start == tz_local_to_utc(paris, local(2026, 1, 27, 14, 0)));
    /* An unbounded rule stops at the window. */
    CHECK(rrule_parse("FREQ=WEEKLY", &r, err, sizeof err));
    n = rrule_expand(&r, paris, local(2026, 1, 6, 14, 0), 3600, NULL, 0, 0,
                     tz_local_to_utc(paris, local(2026, 7, 6, 0, 0)), occ, 10);
    CHECK(n == -1);
}

static void check_error(const char *text, const char *fragment)
{
    rrule r;
    char err[200];
    bool ok = rrule_parse(text, &r, err, sizeof err);
    CHECK(!ok);
    if (!strstr(err, fragment)) fprintf(stderr, "  message for %s: %s\n", text, err);
    CHECK(strstr(err, fragment) != NULL);
}

TEST(parse_errors)
{
    check_error("FREQ=DAILY", "FREQ=DAILY n'est pas pris en charge");
    check_error("FREQ=WEEKLY;BYDAY=2TU", "FREQ=MONTHLY");
    check_error("FREQ=WEEKLY;BYDAY=XX", "« XX »");
    check_error("FREQ=MONTHLY;BYDAY=6TU", "« 6TU »");
    check_error("FREQ=WEEKLY;COUNT=0", "COUNT=0");
    check_error("FREQ=WEEKLY;COUNT=3;UNTIL=20270101", "ensemble");
    check_error("FREQ=WEEKLY;UNTIL=20270231", "UNTIL=20270231");
    check_error("FREQ=WEEKLY;BYSETPOS=1", "BYSETPOS");
    check_error("BYDAY=MO", "FREQ manque");
    check_error("FREQ=WEEKLY;INTERVAL", "illisible");
    check_error("", "vide");
    rrule r;
    char err[200];
    CHECK(rrule_parse("freq=monthly;byday=-1fr;wkst=MO", &r, err, sizeof err));
    CHECK(r.freq == RRULE_MONTHLY && r.byday_count == 1 && r.byday[0].ordinal == -1 &&
          r.byday[0].weekday == 4);
}

/* The rule of `text` in words, from its first session on 2026-02-03 (a Tuesday). */
static void described(const char *text, buf *out)
{
    rrule r;
    char err[200];
    buf_reset(out);
    if (!rrule_parse(text, &r, err, sizeof err)) {
        buf_printf(out, "ERR %s", err);
        return;
    }
    rrule_describe(out, &r, tz_days_from_civil(2026, 2, 3));
}

TEST(in_words)
{
    static const struct {
        const char *rule, *words;
    } cases[] = {
        {"FREQ=WEEKLY", "chaque mardi"},
        {"FREQ=WEEKLY;BYDAY=TH,TU;COUNT=4", "chaque mardi et jeudi"},
        {"FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE,FR",
         "le lundi, le mercredi et le vendredi, une semaine sur deux"},
        {"FREQ=WEEKLY;INTERVAL=3", "le mardi, toutes les 3 semaines"},
        {"FREQ=MONTHLY;BYDAY=1WE", "chaque premier mercredi du mois"},
        {"FREQ=MONTHLY;BYDAY=2TU,-1FR", "chaque deuxième mardi et dernier vendredi du mois"},
        {"FREQ=MONTHLY;INTERVAL=2;BYDAY=-2SA", "l'avant-dernier samedi du mois, un mois sur deux"},
        {"FREQ=MONTHLY", "le 3 de chaque mois"},
        {"FREQ=MONTHLY;BYMONTHDAY=1,15", "le 1er et le 15 de chaque mois"},
        {"FREQ=MONTHLY;BYMONTHDAY=-1;INTERVAL=4", "le dernier jour du mois, tous les 4 mois"},
        {"FREQ=MONTHLY;BYDAY=TU", "chaque mardi"},
    };
    buf b = {0};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        described(cases[i].rule, &b);
        CHECK_STR(b.data, cases[i].words);
    }
    buf_free(&b);
}

int main(void)
{
    RUN(weekly_with_exceptions);
    RUN(monthly_ordinal_byday);
    RUN(dst_weeks);
    RUN(until_in_another_season);
    RUN(window_and_limits);
    RUN(parse_errors);
    RUN(in_words);
    tz_cache_free();
    return unit_report();
}
