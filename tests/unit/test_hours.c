/*
 * Unit tests for hours.c and tz.c: parsing (with the malformed variants found
 * in real data), normalisation, the override semantics of ";" "," "||" and
 * "off", dates, weeks, public holidays, time zones and daylight saving, the
 * French texts, and every `horaires` value of the shared data files
 * (../shared/data, relative to the repository root, where tests/run.sh runs).
 */
#include "hours/hours.h"
#include "hours/sun.h"
#include "hours/tz.h"
#include "unit.h"

#include <jansson.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* ---- helpers ---- */

static int64_t utc(int y, int mo, int d, int h, int mi)
{
    return tz_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60;
}

static hours_context context(const char *dep, const char *zone)
{
    hours_context ctx;
    if (hours_context_init(&ctx, dep, zone) != 0) {
        fprintf(stderr, "cannot load zone %s\n", zone ? zone : "(département)");
        abort();
    }
    return ctx;
}

/*
 * The open intervals of the week starting on local Monday `monday`
 * ("2026-12-21"), one line per local day each touches, as `repere hours`
 * prints them: "2026-12-21T09:00/12:00", " unknown" appended when unsure.
 * Literal evaluation, as opening_hours.js and the oracle read the rules
 * (the reading for people is tested in holidays_for_people).
 */
static char *week_lines(const char *expr, const char *dep, const char *monday)
{
    hours_context ctx = context(dep, NULL);
    ctx.literal = true;
    hours_error err;
    hours_schedule *s = hours_parse(expr, &err);
    if (!s) return xasprintf("parse error: %s", err.message);
    int y, m, d;
    sscanf(monday, "%d-%d-%d", &y, &m, &d);
    int64_t day0 = tz_days_from_civil(y, m, d);
    int64_t from = tz_local_to_utc(ctx.zone, day0 * 86400);
    int64_t to = tz_local_to_utc(ctx.zone, (day0 + 7) * 86400);
    hours_interval iv[64];
    int n = hours_intervals(s, &ctx, from, to, iv, 64);
    buf b = {0};
    buf_puts(&b, "");
    for (int i = 0; i < n; i++) {
        int64_t start = tz_utc_to_local(ctx.zone, iv[i].start);
        int64_t end = tz_utc_to_local(ctx.zone, iv[i].end);
        while (start < end) {
            int64_t midnight = (tz_floor_div(start, 86400) + 1) * 86400;
            int64_t stop = end < midnight ? end : midnight;
            int yy, mm, dd;
            tz_civil_from_days(tz_floor_div(start, 86400), &yy, &mm, &dd);
            int s_min = (int)(start % 86400 / 60),
                e_min = stop == midnight ? 1440 : (int)(stop % 86400 / 60);
            buf_printf(&b, "%s%04d-%02d-%02dT%02d:%02d/%02d:%02d%s", b.len ? "\n" : "", yy, mm, dd,
                       s_min / 60, s_min % 60, e_min / 60, e_min % 60,
                       iv[i].unknown ? " unknown" : "");
            start = stop;
        }
    }
    hours_free(s);
    return buf_steal(&b);
}

static char *normalised(const char *expr)
{
    hours_error err;
    hours_schedule *s = hours_parse(expr, &err);
    if (!s) return xasprintf("parse error: %s", err.message);
    char *out = hours_normalise(s);
    hours_free(s);
    return out;
}

/* ---- week tables ---- */

static const struct {
    const char *expr, *dep, *monday, *want;
} weeks[] = {
    /* A later ";" rule replaces earlier ones for the days it names: Tuesday is only the afternoon.
     */
    {"Mo-Th 09:00-12:00,13:30-18:00; Tu 13:30-18:00", "69", "2026-12-21",
     "2026-12-21T09:00/12:00\n2026-12-21T13:30/18:00\n"
     "2026-12-22T13:30/18:00\n"
     "2026-12-23T09:00/12:00\n2026-12-23T13:30/18:00\n"
     "2026-12-24T09:00/12:00\n2026-12-24T13:30/18:00"},
    /* PH off: Christmas Day (Friday 25) is closed. */
    {"Mo-Fr 09:00-17:00; PH off", "73", "2026-12-21",
     "2026-12-21T09:00/17:00\n2026-12-22T09:00/17:00\n2026-12-23T09:00/17:00\n"
     "2026-12-24T09:00/17:00"},
    /* Ascension, Thursday 14 May 2026. */
    {"Mo-Fr 09:00-12:00; PH off", "", "2026-05-11",
     "2026-05-11T09:00/12:00\n2026-05-12T09:00/12:00\n2026-05-13T09:00/12:00\n"
     "2026-05-15T09:00/12:00"},
    /* Alsace-Moselle: 26 December is a holiday in 67, not in 73. */
    {"Mo-Sa 10:00-12:00; PH off", "67", "2026-12-21",
     "2026-12-21T10:00/12:00\n2026-12-22T10:00/12:00\n2026-12-23T10:00/12:00\n"
     "2026-12-24T10:00/12:00"},
    {"Mo-Sa 10:00-12:00; PH off", "73", "2026-12-21",
     "2026-12-21T10:00/12:00\n2026-12-22T10:00/12:00\n2026-12-23T10:00/12:00\n"
     "2026-12-24T10:00/12:00\n2026-12-26T10:00/12:00"},
    /* Past midnight: every evening spills into the next morning (and the Sunday before spills into
       Monday). */
    {"20:00-02:00", "", "2026-12-21",
     "2026-12-21T00:00/02:00\n2026-12-21T20:00/24:00\n2026-12-22T00:00/02:00\n"
     "2026-12-22T20:00/24:00\n2026-12-23T00:00/02:00\n2026-12-23T20:00/24:00\n"
     "2026-12-24T00:00/02:00\n2026-12-24T20:00/24:00\n2026-12-25T00:00/02:00\n"
     "2026-12-25T20:00/24:00\n2026-12-26T00:00/02:00\n2026-12-26T20:00/24:00\n"
     "2026-12-27T00:00/02:00\n2026-12-27T20:00/24:00"},
    {"Fr 19:00-11:00", "", "2026-12-21", "2026-12-25T19:00/24:00\n2026-12-26T00:00/11:00"},
    /* A later normal rule naming the next day replaces the spilled part too (as opening_hours.js).
     */
    {"Mo 20:00-02:00; Tu 10:00-12:00", "", "2026-12-21",
     "2026-12-21T20:00/24:00\n2026-12-22T10:00/12:00"},
    {"Tu 10:00-12:00; Mo 20:00-02:00", "", "2026-12-21",
     "2026-12-21T20:00/24:00\n2026-12-22T00:00/02:00\n2026-12-22T10:00/12:00"},
    {"Mo-Fr 22:00-26:00", "", "2026-12-21",
     "2026-12-21T22:00/24:00\n2026-12-22T00:00/02:00\n2026-12-22T22:00/24:00\n"
     "2026-12-23T00:00/02:00\n2026-12-23T22:00/24:00\n2026-12-24T00:00/02:00\n"
     "2026-12-24T22:00/24:00\n2026-12-25T00:00/02:00\n2026-12-25T22:00/24:00\n"
     "2026-12-26T00:00/02:00"},
    {"24/7", "", "2026-12-21",
     "2026-12-21T00:00/24:00\n2026-12-22T00:00/24:00\n2026-12-23T00:00/24:00\n"
     "2026-12-24T00:00/24:00\n2026-12-25T00:00/24:00\n2026-12-26T00:00/24:00\n"
     "2026-12-27T00:00/24:00"},
    {"24/7; Dec 24-Dec 26 off", "", "2026-12-21",
     "2026-12-21T00:00/24:00\n2026-12-22T00:00/24:00\n2026-12-23T00:00/24:00\n"
     "2026-12-27T00:00/24:00"},
    {"Dec 24-Dec 26 off", "", "2026-12-21", ""},
    {"Mo-Sa 09:00-19:00; Dec 24-26 off", "", "2026-12-21",
     "2026-12-21T09:00/19:00\n2026-12-22T09:00/19:00\n2026-12-23T09:00/19:00"},
    /* A yearly date range crossing New Year. */
    {"Mo-Fr 10:00-12:00; Dec 24-Jan 02 off", "", "2026-12-21",
     "2026-12-21T10:00/12:00\n2026-12-22T10:00/12:00\n2026-12-23T10:00/12:00"},
    /* A dated closure, in 2026 only. */
    {"Mo-Fr 09:00-18:00; 2026 Aug 01-Aug 20 off", "", "2026-08-17", "2026-08-21T09:00/18:00"},
    {"Mo-Fr 09:00-18:00; 2026 Aug 01-Aug 20 off", "", "2027-08-16",
     "2027-08-16T09:00/18:00\n2027-08-17T09:00/18:00\n2027-08-18T09:00/18:00\n"
     "2027-08-19T09:00/18:00\n2027-08-20T09:00/18:00"},
    {"Mo-Fr 09:00-18:00; Aug 01-20 off", "", "2027-08-16", ""},
    {"Mo-Fr 09:00-18:00; Aug 01-20 off", "", "2026-08-17", "2026-08-21T09:00/18:00"},
    {"Jan-Jun Mo 09:00-12:00; Jul-Dec Mo 14:00-17:00", "", "2026-06-29", "2026-06-29T09:00/12:00"},
    {"Jan-Jun Mo 09:00-12:00; Jul-Dec Mo 14:00-17:00", "", "2026-07-06", "2026-07-06T14:00/17:00"},
    /* "||": the fallback fills what the rules before leave closed, holidays included. */
    {"Mo-Fr 09:00-17:00; PH off || \"sur rendez-vous\"", "", "2026-12-21",
     "2026-12-21T00:00/09:00 unknown\n2026-12-21T09:00/17:00\n2026-12-21T17:00/24:00 unknown\n"
     "2026-12-22T00:00/09:00 unknown\n2026-12-22T09:00/17:00\n2026-12-22T17:00/24:00 unknown\n"
     "2026-12-23T00:00/09:00 unknown\n2026-12-23T09:00/17:00\n2026-12-23T17:00/24:00 unknown\n"
     "2026-12-24T00:00/09:00 unknown\n2026-12-24T09:00/17:00\n2026-12-24T17:00/24:00 unknown\n"
     "2026-12-25T00:00/24:00 unknown\n2026-12-26T00:00/24:00 unknown\n"
     "2026-12-27T00:00/24:00 unknown"},
    /* A comment without "open" makes the time uncertain; with "open" it is open. */
    {"Tu 09:00-12:00 \"sur rendez-vous\"", "", "2026-12-21", "2026-12-22T09:00/12:00 unknown"},
    {"Tu 09:00-12:00 open \"accueil libre\"", "", "2026-12-21", "2026-12-22T09:00/12:00"},
    /* "," adds without replacing; an "off" rule with times closes only those times. */
    {"Mo-We 09:00-12:00, We 14:00-16:00", "", "2026-12-21",
     "2026-12-21T09:00/12:00\n2026-12-22T09:00/12:00\n2026-12-23T09:00/12:00\n"
     "2026-12-23T14:00/16:00"},
    {"Mo-We 09:00-17:00; We 12:00-14:00 off", "", "2026-12-21",
     "2026-12-21T09:00/17:00\n2026-12-22T09:00/17:00\n2026-12-23T09:00/12:00\n"
     "2026-12-23T14:00/17:00"},
    {"Mo-Fr 09:00-12:00,13:00-17:00; We off", "", "2026-12-21",
     "2026-12-21T09:00/12:00\n2026-12-21T13:00/17:00\n2026-12-22T09:00/12:00\n"
     "2026-12-22T13:00/17:00\n2026-12-24T09:00/12:00\n2026-12-24T13:00/17:00\n"
     "2026-12-25T09:00/12:00\n2026-12-25T13:00/17:00"},
    /* ISO weeks: 21 Dec 2026 is in week 52, 28 Dec in week 53 (2026 has 53). */
    {"week 01-53/2 Mo 10:00-12:00", "", "2026-12-21", ""},
    {"week 01-53/2 Mo 10:00-12:00", "", "2026-12-28", "2026-12-28T10:00/12:00"},
    {"week 52 Tu 10:00-12:00", "", "2026-12-21", "2026-12-22T10:00/12:00"},
    /* A rule without days after one with days adds to it (opening_hours.js). */
    {"Sa 10:00-12:00; 14:00-16:00", "", "2026-12-21",
     "2026-12-21T14:00/16:00\n2026-12-22T14:00/16:00\n2026-12-23T14:00/16:00\n"
     "2026-12-24T14:00/16:00\n2026-12-25T14:00/16:00\n2026-12-26T10:00/12:00\n"
     "2026-12-26T14:00/16:00\n2026-12-27T14:00/16:00"},
    {"Sa,PH 10:00-12:00", "", "2026-12-21", "2026-12-25T10:00/12:00\n2026-12-26T10:00/12:00"},
    /* Easter 2026 is 5 April, 2027 28 March: Good Friday, Easter Monday, Pentecost Monday. */
    {"Mo-Fr 09:00-12:00; easter -2 days,easter +1 day off", "", "2026-03-30",
     "2026-03-30T09:00/12:00\n2026-03-31T09:00/12:00\n2026-04-01T09:00/12:00\n"
     "2026-04-02T09:00/12:00"},
    {"easter +1 day,easter +50 days 10:00-12:00", "", "2026-05-25", "2026-05-25T10:00/12:00"},
    {"easter +1 day 10:00-12:00", "", "2027-03-29", "2027-03-29T10:00/12:00"},
    {"easter +1 day 10:00-12:00", "", "2026-03-30", ""},
    /* Open end: unknown until a guessed end (opening_hours.js's guess). */
    {"Mo 17:00+", "", "2026-12-21",
     "2026-12-21T17:00/24:00 unknown\n2026-12-22T00:00/03:00 unknown"},
    {"Mo 17:00-late", "", "2026-12-21",
     "2026-12-21T17:00/24:00 unknown\n2026-12-22T00:00/03:00 unknown"},
    {"Mo 14:00+", "", "2026-12-21", "2026-12-21T14:00/24:00 unknown"},
    {"Mo 10:00-12:00+", "", "2026-12-21", "2026-12-21T10:00/12:00\n2026-12-21T12:00/24:00 unknown"},
    {"Tu 23:59-40:00+", "", "2026-12-21",
     "2026-12-22T23:59/24:00\n2026-12-23T00:00/16:00\n2026-12-23T16:00/24:00 unknown"},
    {"Mo 17:00+; Tu 10:00-12:00", "", "2026-12-21",
     "2026-12-21T17:00/24:00 unknown\n2026-12-22T10:00/12:00"},
    /* An open end followed by other ranges ends where the next later one starts. */
    {"Mo 07:00+,12:00-16:00", "", "2026-12-21",
     "2026-12-21T07:00/12:00 unknown\n2026-12-21T12:00/16:00"},
    {"Mo 06:45-07:00+,05:00-06:00,13:00-16:00", "", "2026-12-21",
     "2026-12-21T05:00/06:00\n2026-12-21T06:45/07:00\n2026-12-21T07:00/13:00 unknown\n"
     "2026-12-21T13:00/16:00"},
    /* An additional rule may start with a time after a state: every day. */
    {"Mo 13:00-17:00 open, 17:00+", "", "2026-12-21",
     "2026-12-21T00:00/03:00 unknown\n2026-12-21T13:00/17:00\n2026-12-21T17:00/24:00 unknown\n"
     "2026-12-22T00:00/03:00 unknown\n2026-12-22T17:00/24:00 unknown\n"
     "2026-12-23T00:00/03:00 unknown\n2026-12-23T17:00/24:00 unknown\n"
     "2026-12-24T00:00/03:00 unknown\n2026-12-24T17:00/24:00 unknown\n"
     "2026-12-25T00:00/03:00 unknown\n2026-12-25T17:00/24:00 unknown\n"
     "2026-12-26T00:00/03:00 unknown\n2026-12-26T17:00/24:00 unknown\n"
     "2026-12-27T00:00/03:00 unknown\n2026-12-27T17:00/24:00 unknown"},
    /* Holidays then weekdays without a comma: the holidays that fall on those
     * weekdays (zone A's Christmas holidays start on Saturday 19 December 2026). */
    {"SH Mo-Fr 10:00-12:00", "69", "2026-12-21",
     "2026-12-21T10:00/12:00\n2026-12-22T10:00/12:00\n2026-12-23T10:00/12:00\n"
     "2026-12-24T10:00/12:00\n2026-12-25T10:00/12:00"},
    {"SH Mo-Fr 10:00-12:00", "69", "2026-12-14", ""},
    {"SH: Sa 10:00-12:00", "69", "2026-12-21", "2026-12-26T10:00/12:00"},
    {"00:00-24:00 week 06 Feb", "", "2026-02-02",
     "2026-02-02T00:00/24:00\n2026-02-03T00:00/24:00\n2026-02-04T00:00/24:00\n"
     "2026-02-05T00:00/24:00\n2026-02-06T00:00/24:00\n2026-02-07T00:00/24:00\n"
     "2026-02-08T00:00/24:00"},
    {"2026+ Mo 10:00-12:00", "", "2026-12-21", "2026-12-21T10:00/12:00"},
    /* The day after, before a public holiday (Christmas is Friday 25 December 2026). */
    {"PH +1 day 10:00-11:00", "", "2026-12-21", "2026-12-26T10:00/11:00"},
    {"PH -1 day 10:00-11:00", "", "2026-12-21", "2026-12-24T10:00/11:00"},
    {"PH -1 day Mo-Th 10:00-11:00", "", "2026-12-28", "2026-12-31T10:00/11:00"},
    {"PH -1 day Mo-We 10:00-11:00", "", "2026-12-28", ""},
    /* Easter in a range: an Easter day that ends it ends it at its midnight
     * (opening_hours.js); Easter 2025 is 20 April. */
    {"easter -2 days-easter +2 days 10:00-11:00", "", "2025-04-14",
     "2025-04-18T10:00/11:00\n2025-04-19T10:00/11:00\n2025-04-20T10:00/11:00"},
    {"easter -2 days-easter +2 days 10:00-11:00", "", "2025-04-21", "2025-04-21T10:00/11:00"},
    {"Apr 15-easter 10:00-11:00", "", "2025-04-14",
     "2025-04-15T10:00/11:00\n2025-04-16T10:00/11:00\n2025-04-17T10:00/11:00\n"
     "2025-04-18T10:00/11:00\n2025-04-19T10:00/11:00"},
    {"easter-Apr 17 10:00-11:00", "", "2025-04-14",
     "2025-04-14T10:00/11:00\n2025-04-15T10:00/11:00\n2025-04-16T10:00/11:00\n"
     "2025-04-17T10:00/11:00\n2025-04-20T10:00/11:00"},
    {"Dec 20-31/3 10:00-11:00", "", "2026-12-21", "2026-12-23T10:00/11:00\n2026-12-26T10:00/11:00"},
    {"2026 Dec 20-31/3 10:00-11:00", "", "2026-12-21",
     "2026-12-23T10:00/11:00\n2026-12-26T10:00/11:00"},
    {"Dec 21,23 10:00-11:00", "", "2026-12-21", "2026-12-21T10:00/11:00\n2026-12-23T10:00/11:00"},
    {"2025/2 Mo 10:00-12:00", "", "2026-12-21", ""},
    {"2024/2 Mo 10:00-12:00", "", "2026-12-21", "2026-12-21T10:00/12:00"},
    {"Mo 12:00+,18:00-19:00", "", "2026-12-21",
     "2026-12-21T12:00/18:00 unknown\n2026-12-21T18:00/19:00"},
    {"PH We,Fr", "", "2026-12-21", "2026-12-25T00:00/24:00"},
    /* nth weekday of the month: 23 December 2026 is the 4th Wednesday and the
     * second-to-last, 26 the last Saturday; 3 June the first Wednesday. */
    {"We[1] 10:00-12:00", "", "2026-12-21", ""},
    {"We[1] 10:00-12:00", "", "2026-06-01", "2026-06-03T10:00/12:00"},
    {"We[4,5] 10:00-12:00", "", "2026-12-21", "2026-12-23T10:00/12:00"},
    {"We[-2] 10:00-12:00", "", "2026-12-21", "2026-12-23T10:00/12:00"},
    {"Sa[-1] 10:00-12:00", "", "2026-12-21", "2026-12-26T10:00/12:00"},
    {"Sa[-1] 10:00-12:00", "", "2026-12-14", ""},
    {"Su[-1] -1 day 10:00-12:00", "", "2026-12-21", "2026-12-26T10:00/12:00"},
    {"Mo[1] +2 days 10:00-12:00", "", "2026-06-01", "2026-06-03T10:00/12:00"},
    {"Mo,We[1-3] 10:00-11:00", "", "2026-12-21", "2026-12-21T10:00/11:00"},
    {"Mo-Fr 09:00-12:00; We[4] off", "", "2026-12-21",
     "2026-12-21T09:00/12:00\n2026-12-22T09:00/12:00\n2026-12-24T09:00/12:00\n"
     "2026-12-25T09:00/12:00"},
    {"Fr-Mo 10:00-11:00", "", "2026-12-21",
     "2026-12-21T10:00/11:00\n2026-12-25T10:00/11:00\n2026-12-26T10:00/11:00\n"
     "2026-12-27T10:00/11:00"},
    {"2026 Mo 10:00-11:00; 2027 Mo 11:00-12:00", "", "2026-12-28", "2026-12-28T10:00/11:00"},
    {"2026 Mo 10:00-11:00; 2027 Mo 11:00-12:00", "", "2027-01-04", "2027-01-04T11:00/12:00"},
    /* Tolerated variants. */
    {"lu-ve 9h-12h, 14h30-18h", "", "2026-12-21",
     "2026-12-21T09:00/12:00\n2026-12-21T14:30/18:00\n2026-12-22T09:00/12:00\n"
     "2026-12-22T14:30/18:00\n2026-12-23T09:00/12:00\n2026-12-23T14:30/18:00\n"
     "2026-12-24T09:00/12:00\n2026-12-24T14:30/18:00\n2026-12-25T09:00/12:00\n"
     "2026-12-25T14:30/18:00"},
    {"9h-12h", "", "2026-12-21",
     "2026-12-21T09:00/12:00\n2026-12-22T09:00/12:00\n2026-12-23T09:00/12:00\n"
     "2026-12-24T09:00/12:00\n2026-12-25T09:00/12:00\n2026-12-26T09:00/12:00\n"
     "2026-12-27T09:00/12:00"},
    {"samedi 9h-12h", "", "2026-12-21", "2026-12-26T09:00/12:00"},
    /* A date range bounded by a weekday of the month, with that year's dates (as
     * opening_hours.js): last Sunday of December 2027 is the 26th, +4 days the 30th;
     * the second Sunday of January 2027 is the 10th. */
    {"Dec 20-Dec Su[-1] +4 days 10:00-12:00", "", "2027-12-27",
     "2027-12-27T10:00/12:00\n2027-12-28T10:00/12:00\n2027-12-29T10:00/12:00\n"
     "2027-12-30T10:00/12:00"},
    {"Jan Su[2]-Jan 15 10:00-12:00", "", "2027-01-04", "2027-01-10T10:00/12:00"},
    /* Overlapping ranges of one rule merge. */
    {"Mo 09:00-15:00,14:00-19:00", "", "2026-12-21", "2026-12-21T09:00/19:00"},
    /* La Réunion: 20 December (a Sunday in 2026) is a holiday there, not in metropolitan France. */
    {"Mo-Su 08:00-12:00; PH off", "974", "2026-12-14",
     "2026-12-14T08:00/12:00\n2026-12-15T08:00/12:00\n2026-12-16T08:00/12:00\n"
     "2026-12-17T08:00/12:00\n2026-12-18T08:00/12:00\n2026-12-19T08:00/12:00"},
    {"Mo-Su 08:00-12:00; PH off", "73", "2026-12-14",
     "2026-12-14T08:00/12:00\n2026-12-15T08:00/12:00\n2026-12-16T08:00/12:00\n"
     "2026-12-17T08:00/12:00\n2026-12-18T08:00/12:00\n2026-12-19T08:00/12:00\n"
     "2026-12-20T08:00/12:00"},
};

TEST(weeks)
{
    for (size_t i = 0; i < ARRAY_LEN(weeks); i++) {
        char *got = week_lines(weeks[i].expr, weeks[i].dep, weeks[i].monday);
        if (strcmp(got, weeks[i].want) != 0)
            fprintf(stderr, "week of %s for %s:\n", weeks[i].monday, weeks[i].expr);
        CHECK_STR(got, weeks[i].want);
        free(got);
    }
}

/* ---- instants in UTC, daylight saving ---- */

static int intervals_of(const char *expr, const char *dep, int64_t from, int64_t to,
                        hours_interval *out, size_t max)
{
    hours_context ctx = context(dep, NULL);
    hours_schedule *s = hours_parse(expr, NULL);
    if (!s) return -2;
    int n = hours_intervals(s, &ctx, from, to, out, max);
    hours_free(s);
    return n;
}

TEST(daylight_saving)
{
    hours_interval iv[16];
    /* Friday before the change is CET (+1), Monday after is CEST (+2). */
    CHECK(intervals_of("Mo-Fr 09:00-17:00", "75", utc(2026, 3, 27, 0, 0), utc(2026, 3, 31, 0, 0),
                       iv, 16) == 2);
    CHECK(iv[0].start == utc(2026, 3, 27, 8, 0) && iv[0].end == utc(2026, 3, 27, 16, 0));
    CHECK(iv[1].start == utc(2026, 3, 30, 7, 0) && iv[1].end == utc(2026, 3, 30, 15, 0));
    /* Night of 29 March: 01:00-04:00 on the wall clock lasts two hours. */
    CHECK(intervals_of("Su 01:00-04:00", "", utc(2026, 3, 28, 0, 0), utc(2026, 3, 30, 0, 0), iv,
                       16) == 1);
    CHECK(iv[0].start == utc(2026, 3, 29, 0, 0) && iv[0].end == utc(2026, 3, 29, 2, 0));
    /* Night of 25 October: the same range lasts four hours. */
    CHECK(intervals_of("Su 01:00-04:00", "", utc(2026, 10, 24, 0, 0), utc(2026, 10, 26, 0, 0), iv,
                       16) == 1);
    CHECK(iv[0].start == utc(2026, 10, 24, 23, 0) && iv[0].end == utc(2026, 10, 25, 3, 0));
    /* Times inside the skipped hour begin at the jump (03:00 CEST = 01:00 UTC). */
    CHECK(intervals_of("Su 02:30-03:30", "", utc(2026, 3, 28, 0, 0), utc(2026, 3, 30, 0, 0), iv,
                       16) == 1);
    CHECK(iv[0].start == utc(2026, 3, 29, 1, 0) && iv[0].end == utc(2026, 3, 29, 1, 30));
    /* Times in the repeated hour are read as their first occurrence (CEST). */
    CHECK(intervals_of("Su 02:00-02:30", "", utc(2026, 10, 24, 0, 0), utc(2026, 10, 26, 0, 0), iv,
                       16) == 1);
    CHECK(iv[0].start == utc(2026, 10, 25, 0, 0) && iv[0].end == utc(2026, 10, 25, 0, 30));
    /* Clipping, and -1 when the array is too small. */
    CHECK(intervals_of("Mo-Fr 09:00-17:00", "", utc(2026, 12, 21, 10, 0), utc(2026, 12, 21, 11, 0),
                       iv, 16) == 1);
    CHECK(iv[0].start == utc(2026, 12, 21, 10, 0) && iv[0].end == utc(2026, 12, 21, 11, 0));
    CHECK(intervals_of("Mo-Fr 09:00-17:00", "", utc(2026, 12, 21, 0, 0), utc(2026, 12, 28, 0, 0),
                       iv, 3) == -1);
    /* An interval across midnight is one interval. */
    CHECK(intervals_of("Fr 19:00-11:00", "", utc(2026, 12, 21, 0, 0), utc(2026, 12, 28, 0, 0), iv,
                       16) == 1);
    CHECK(iv[0].start == utc(2026, 12, 25, 18, 0) && iv[0].end == utc(2026, 12, 26, 10, 0));
}

TEST(overseas_zones)
{
    hours_interval iv[4];
    /* La Réunion is UTC+4 all year; Nouméa UTC+11; Saint-Pierre-et-Miquelon has DST (UTC-3/-2). */
    CHECK(intervals_of("Mo 08:00-12:00", "974", utc(2026, 12, 21, 0, 0) - 86400,
                       utc(2026, 12, 22, 0, 0), iv, 4) == 1);
    CHECK(iv[0].start == utc(2026, 12, 21, 4, 0));
    CHECK(intervals_of("Mo 08:00-12:00", "988", utc(2026, 12, 20, 0, 0), utc(2026, 12, 22, 0, 0),
                       iv, 4) == 1);
    CHECK(iv[0].start == utc(2026, 12, 20, 21, 0));
    CHECK(intervals_of("Mo 08:00-12:00", "975", utc(2026, 7, 6, 0, 0), utc(2026, 7, 7, 0, 0), iv,
                       4) == 1);
    CHECK(iv[0].start == utc(2026, 7, 6, 10, 0));
    CHECK(intervals_of("Mo 08:00-12:00", "975", utc(2026, 12, 21, 0, 0), utc(2026, 12, 22, 0, 0),
                       iv, 4) == 1);
    CHECK(iv[0].start == utc(2026, 12, 21, 11, 0));
    CHECK_STR(hours_zone_for_departement("974"), "Indian/Reunion");
    CHECK_STR(hours_zone_for_departement("971"), "America/Guadeloupe");
    CHECK_STR(hours_zone_for_departement("973"), "America/Cayenne");
    CHECK_STR(hours_zone_for_departement("976"), "Indian/Mayotte");
    CHECK_STR(hours_zone_for_departement("987"), "Pacific/Tahiti");
    CHECK_STR(hours_zone_for_departement("2A"), "Europe/Paris");
    CHECK_STR(hours_zone_for_departement("73"), "Europe/Paris");
    CHECK_STR(hours_zone_for_departement(NULL), "Europe/Paris");
    hours_context ctx;
    CHECK(hours_context_init(&ctx, "2A", NULL) == 0);
    CHECK(hours_context_init(&ctx, "73", "Mars/Olympus_Mons") == -1);
    CHECK(hours_context_init(&ctx, "12345", NULL) == -1);
}

TEST(tz)
{
    const tz_zone *paris = tz_zone_get("Europe/Paris");
    CHECK(paris != NULL);
    CHECK(tz_zone_get("Europe/Paris") == paris); /* cached */
    CHECK(tz_offset_at(paris, utc(2026, 1, 15, 12, 0)) == 3600);
    CHECK(tz_offset_at(paris, utc(2026, 7, 15, 12, 0)) == 7200);
    /* Exact change instants: 01:00 UTC on the last Sundays of March and October. */
    CHECK(tz_offset_at(paris, utc(2026, 3, 29, 0, 59)) == 3600);
    CHECK(tz_offset_at(paris, utc(2026, 3, 29, 1, 0)) == 7200);
    CHECK(tz_offset_at(paris, utc(2026, 10, 25, 0, 59)) == 7200);
    CHECK(tz_offset_at(paris, utc(2026, 10, 25, 1, 0)) == 3600);
    /* Far beyond the table: the POSIX footer rule (last Sunday of March 2100 is the 28th). */
    CHECK(tz_offset_at(paris, utc(2100, 3, 28, 0, 59)) == 3600);
    CHECK(tz_offset_at(paris, utc(2100, 3, 28, 1, 0)) == 7200);
    /* The same rule from a bare POSIX string. */
    tz_zone *posix = tz_zone_from_posix("CET-1CEST,M3.5.0,M10.5.0/3");
    CHECK(posix != NULL);
    CHECK(tz_offset_at(posix, utc(2026, 3, 29, 0, 59)) == 3600);
    CHECK(tz_offset_at(posix, utc(2026, 3, 29, 1, 0)) == 7200);
    CHECK(tz_offset_at(posix, utc(2026, 10, 25, 1, 0)) == 3600);
    tz_zone_free(posix);
    /* Southern hemisphere rule (DST over New Year). */
    tz_zone *south = tz_zone_from_posix("<-03>3<-02>,M10.1.0/0,M3.4.0/0");
    CHECK(south != NULL);
    CHECK(tz_offset_at(south, utc(2026, 1, 10, 12, 0)) == -2 * 3600);
    CHECK(tz_offset_at(south, utc(2026, 6, 10, 12, 0)) == -3 * 3600);
    tz_zone_free(south);
    CHECK(tz_zone_from_posix("nonsense") == NULL);
    CHECK(tz_zone_get("../../etc/passwd") == NULL);
    CHECK(tz_zone_get("Nowhere/Town") == NULL);
    /* Local → UTC: ordinary, skipped (→ the jump), repeated (→ first occurrence). */
    int64_t day = tz_days_from_civil(2026, 3, 29) * 86400;
    CHECK(tz_local_to_utc(paris, day + 3600) == utc(2026, 3, 29, 0, 0));
    CHECK(tz_local_to_utc(paris, day + 2 * 3600 + 1800) == utc(2026, 3, 29, 1, 0));
    CHECK(tz_local_to_utc(paris, day + 3 * 3600) == utc(2026, 3, 29, 1, 0));
    day = tz_days_from_civil(2026, 10, 25) * 86400;
    CHECK(tz_local_to_utc(paris, day + 2 * 3600 + 1800) == utc(2026, 10, 25, 0, 30));
    CHECK(tz_local_to_utc(paris, day + 3 * 3600) == utc(2026, 10, 25, 2, 0));
    /* Calendar helpers. */
    int y, m, d;
    tz_civil_from_days(tz_days_from_civil(2024, 2, 29), &y, &m, &d);
    CHECK(y == 2024 && m == 2 && d == 29);
    tz_civil_from_days(-1, &y, &m, &d);
    CHECK(y == 1969 && m == 12 && d == 31);
    CHECK(tz_weekday(tz_days_from_civil(2026, 12, 21)) == 0);
    CHECK(tz_weekday(tz_days_from_civil(1969, 12, 28)) == 6);
}

/* ---- calendar ---- */

TEST(easter_and_holidays)
{
    static const struct {
        int year, month, day;
    } easter[] = {{2024, 3, 31}, {2025, 4, 20}, {2026, 4, 5}, {2027, 3, 28},
                  {2038, 4, 25}, {2000, 4, 23}, {2019, 4, 21}};
    for (size_t i = 0; i < ARRAY_LEN(easter); i++) {
        int m, d;
        hours_easter(easter[i].year, &m, &d);
        CHECK(m == easter[i].month && d == easter[i].day);
    }
    CHECK_STR(hours_public_holiday("73", 2026, 12, 25), "Noël");
    CHECK_STR(hours_public_holiday("73", 2026, 1, 1), "Jour de l'an");
    CHECK_STR(hours_public_holiday("73", 2026, 4, 6), "Lundi de Pâques");
    CHECK_STR(hours_public_holiday("73", 2026, 5, 14), "Ascension");
    CHECK_STR(hours_public_holiday("73", 2026, 5, 25), "Lundi de Pentecôte");
    CHECK_STR(hours_public_holiday("73", 2026, 5, 8), "Victoire 1945");
    CHECK_STR(hours_public_holiday("73", 2026, 7, 14), "Fête nationale");
    CHECK_STR(hours_public_holiday("73", 2026, 11, 11), "Armistice 1918");
    CHECK_STR(hours_public_holiday("", 2038, 4, 26), "Lundi de Pâques");
    CHECK(hours_public_holiday("73", 2026, 4, 5) ==
          NULL); /* Easter Sunday itself is no extra day */
    CHECK(hours_public_holiday("73", 2026, 4, 3) == NULL);
    CHECK_STR(hours_public_holiday("57", 2026, 4, 3), "Vendredi saint");
    CHECK_STR(hours_public_holiday("68", 2026, 12, 26), "Saint-Étienne");
    CHECK(hours_public_holiday("69", 2026, 12, 26) == NULL);
    CHECK_STR(hours_public_holiday("974", 2026, 12, 20), "Abolition de l'esclavage");
    CHECK_STR(hours_public_holiday("971", 2026, 5, 27), "Abolition de l'esclavage");
    CHECK_STR(hours_public_holiday("972", 2026, 5, 22), "Abolition de l'esclavage");
    CHECK_STR(hours_public_holiday("973", 2026, 6, 10), "Abolition de l'esclavage");
    CHECK_STR(hours_public_holiday("976", 2026, 4, 27), "Abolition de l'esclavage");
    CHECK(hours_public_holiday("73", 2026, 12, 20) == NULL);
    CHECK(hours_public_holiday("971", 2026, 12, 20) == NULL);
    CHECK(hours_iso_week(2026, 12, 21) == 52);
    CHECK(hours_iso_week(2026, 12, 28) == 53);
    CHECK(hours_iso_week(2027, 1, 3) == 53);
    CHECK(hours_iso_week(2027, 1, 4) == 1);
    CHECK(hours_iso_week(2024, 12, 30) == 1);
}

/* ---- parsing, normalisation, errors ---- */

static const struct {
    const char *in, *out;
} canonical[] = {
    {"Mo-Fr 09:00-12:00,14:00-17:00; PH off", "Mo-Fr 09:00-12:00,14:00-17:00; PH off"},
    {"lu-ve 9h-12h, 14h30-18h", "Mo-Fr 09:00-12:00,14:30-18:00"},
    {"Lundi–Vendredi: 9h00 – 12h00 ; SAMEDI 9H-12H", "Mo-Fr 09:00-12:00; Sa 09:00-12:00"},
    {"mo-fr 9:00-12:00;sa 10:00-12:00;", "Mo-Fr 09:00-12:00; Sa 10:00-12:00"},
    {"9h-12h", "09:00-12:00"},
    {"Mo-Fr 9h-12h 14h-17h", "Mo-Fr 09:00-12:00,14:00-17:00"},
    {"Mo,Tu,We,Fr 10:00-12:00", "Mo-We,Fr 10:00-12:00"},
    {"Sa,Su 10:00-12:00", "Sa,Su 10:00-12:00"},
    {"Fr-Mo 10:00-11:00", "Mo,Fr-Su 10:00-11:00"},
    {"PH,Su closed", "Su,PH off"},
    {"Mo-Fr 09:00-12:00 ; PH fermé", "Mo-Fr 09:00-12:00; PH off"},
    {"Dec 24-26 off", "Dec 24-Dec 26 off"},
    {"dec 25 off", "Dec 25 off"},
    {"2026 Aug 01-Aug 20 off", "2026 Aug 01-2026 Aug 20 off"},
    {"2026 Dec 24-Jan 02 off", "2026 Dec 24-2027 Jan 02 off"},
    {"Jan-Jun: Mo-Fr 10:00-12:00", "Jan-Jun Mo-Fr 10:00-12:00"},
    {"janvier-juin lundi 10h-12h", "Jan-Jun Mo 10:00-12:00"},
    {"week 1-53/2 Mo 10:00-12:00", "week 01-53/2 Mo 10:00-12:00"},
    {"2026-2030/2 Mo 10:00-12:00", "2026-2030/2 Mo 10:00-12:00"},
    {"Mo-Fr 09:00-17:00 || \"sur rendez-vous\"", "Mo-Fr 09:00-17:00 || \"sur rendez-vous\""},
    {"Mo 10:00-12:00, We 14:00-16:00", "Mo 10:00-12:00, We 14:00-16:00"},
    {"Mo-Fr 22:00-26:00", "Mo-Fr 22:00-02:00"},
    {"Mo 10:00-10:00", "Mo 10:00-34:00"},
    {"Fr 19:00-11:00", "Fr 19:00-11:00"},
    {"Mo-Fr 09:00-24:00", "Mo-Fr 09:00-24:00"},
    {"24/7", "24/7"},
    {"open", "open"},
    {"off", "off"},
    {"Mo open", "Mo"},
    {"Mo off \"vacances\"", "Mo off \"vacances\""},
    {"Mo 10:00-12:00 open \"libre\"", "Mo 10:00-12:00 open \"libre\""},
    {"Mo 10:00-12:00 \"sur rendez-vous\"", "Mo 10:00-12:00 \"sur rendez-vous\""},
    {"Mo 10:00-12:00 unknown", "Mo 10:00-12:00 unknown"},
    {"\"fermé pour travaux\"", "\"fermé pour travaux\""},
    /* A one-day range is that day (found by fuzzing: normalising twice differed). */
    {"2026 Dec 24-24 off", "2026 Dec 24 off"},
    {"mercredi[1] 9h-12h", "We[1] 09:00-12:00"},
    {"Mo 17:00-late", "Mo 17:00+"},
    {"13:00-17:00 open, 17:00+", "13:00-17:00 open, 17:00+"},
    /* Selectors in any order, written back in OpenStreetMap's. */
    {"Mo-Su week 06 Feb", "Feb week 06 Mo-Su"},
    {"00:00-24:00 week 05 Feb", "Feb week 05 00:00-24:00"},
    {"10:00-12:00 Mo-Fr", "Mo-Fr 10:00-12:00"},
    /* A state or a comment before the selectors. */
    {"open We 10:00-16:00", "We 10:00-16:00"},
    {"We \"sur rendez-vous\" 10:00-16:00", "We 10:00-16:00 \"sur rendez-vous\""},
    {"off Sa", "Sa off"},
    /* Years from one on, every N years; other languages' names; "&". */
    {"2060+", "2060+"},
    {"2055/2 Jan 01", "2055/2 Jan 01"},
    {"Mo&We 10:00-12:00", "Mo,We 10:00-12:00"},
    {"enero 10:00-18:00", "Jan 10:00-18:00"},
    {"giugno,Dezember", "Jun,Dec"},
    {"lunes,viernes 10:00-18:00", "Mo,Fr 10:00-18:00"},
    /* A day then the selectors' colon before a word, not a time. */
    {"Dec 20-24: Mo-Fr 10:00-12:00", "Dec 20-Dec 24 Mo-Fr 10:00-12:00"},
    {"Mo-Fr 10:00-12:00; Dec 24: off", "Mo-Fr 10:00-12:00; Dec 24 off"},
    /* Holidays as people write them. */
    {"PH-1day", "PH -1 day"},
    {"Mo-Fr 9h-12h; fermé les jours fériés", "Mo-Fr 09:00-12:00; PH off"},
    {"Mo-Fr 9h-12h; vacances scolaires fermé", "Mo-Fr 09:00-12:00; SH off"},
    {"public holidays 10:00-12:00", "PH 10:00-12:00"},
    {"school holidays Mo-Fr", "SH Mo-Fr"},
    {"Ferien Mo-Fr", "SH Mo-Fr"},
    /* A month range then an nth weekday is not a date range's end. */
    {"Apr-Oct: Su[2] 14:00-18:00", "Apr-Oct Su[2] 14:00-18:00"},
    /* Days of one month: lists and steps. */
    {"Dec 24,25 off", "Dec 24,Dec 25 off"},
    {"Jan 01,3,9", "Jan 01,Jan 03,Jan 09"},
    {"Jan 01-31/8", "Jan 01-31/8"},
    {"Dec 15-17,19-23/2", "Dec 15-Dec 17,Dec 19-23/2"},
    /* Every day, as people write it. */
    {"tous les jours 9h-12h", "Mo-Su 09:00-12:00"},
    {"7j/7 10:00-18:00", "Mo-Su 10:00-18:00"},
    {"7/7", "Mo-Su"},
    {"daily 10:00-12:00", "Mo-Su 10:00-12:00"},
    {"every day", "Mo-Su"},
    {"nonstop", "Mo-Su"},
    {"07:00+,12:00-16:00", "07:00+,12:00-16:00"},
    {"SH: Mo-Fr", "SH Mo-Fr"},
    {"PH,SH We,Fr 10:00-12:00", "PH,SH We,Fr 10:00-12:00"},
    /* Hand-typed forms (hours_tolerated): French, English, German. */
    {"Mo-Fr 9-12", "Mo-Fr 09:00-12:00"},
    {"Mo-Fr 9.00-12.00", "Mo-Fr 09:00-12:00"},
    {"Mo-Fr 10:00am-12:30pm", "Mo-Fr 10:00-12:30"},
    {"Mo-Fr 10am-2pm", "Mo-Fr 10:00-14:00"},
    {"Mo-Fr 09:00-12:00,", "Mo-Fr 09:00-12:00"},
    {"Mo-Fr 9h-12h et 14h-17h", "Mo-Fr 09:00-12:00,14:00-17:00"},
    {"lundi au vendredi 9h-12h", "Mo-Fr 09:00-12:00"},
    {"du lundi au vendredi de 9h30 à 12h", "Mo-Fr 09:30-12:00"},
    {"lundi 14h à 17h", "Mo 14:00-17:00"},
    {"Lun-Ven 9h-12h / 14h-17h", "Mo-Fr 09:00-12:00,14:00-17:00"},
    {"lundi et jeudi 9h-12h; le samedi 10h-12h", "Mo,Th 09:00-12:00; Sa 10:00-12:00"},
    {"Montag-Freitag 09:00-18:00", "Mo-Fr 09:00-18:00"},
    {"Montags 07:00-18:00", "Mo 07:00-18:00"},
    /* More forms opening_hours.js tolerates (from its own test suite). */
    {"24/7: closed: \"always closed\"", "24/7 off \"always closed\""},
    {"12:00 a.m. - 12:01am", "00:00-00:01"},
    {"11:59a.m.-12:00 p.m.", "11:59-12:00"},
    {"Mo 12:00~14:00", "Mo 12:00-14:00"},
    {"Mo 12:00 until 14:00", "Mo 12:00-14:00"},
    {"17:00 bis Open End", "17:00+"},
    {"17:00 til late", "17:00+"},
    {"Tu 23:59-48:00", "Tu 23:59-48:00"},
    {"Mo-Fr 09:00-17:00; easter -2 days,easter + 1 days off",
     "Mo-Fr 09:00-17:00; easter -2 days,easter +1 day off"},
    {"Dec 25,easter off", "Dec 25,easter off"},
    {"Tu 23:59-40:00+", "Tu 23:59-16:00+"},
    {"Mo 22:00-02:00+", "Mo 22:00-02:00+"},
    {"We[1-3,-1] 10:00-12:00", "We[1,2,3,-1] 10:00-12:00"},
    {"Mo,We[2],Fr 10:00-12:00", "Mo,Fr,We[2] 10:00-12:00"},
    {"Su[-1] -1 day 10:00-12:00", "Su[-1] -1 day 10:00-12:00"},
    {"Mo[1] +2 days 10:00-12:00", "Mo[1] +2 days 10:00-12:00"},
    {"We[1],We 10:00-12:00", "We 10:00-12:00"},
    /* "Dec 24:" is a day then a colon, not the time 24:10. */
    {"Dec 24: 10:00-12:00", "Dec 24 10:00-12:00"},
    {"Dec 24:10:00-12:00", "Dec 24 10:00-12:00"},
    {"2026 Dec 24: 10:00-12:00", "2026 Dec 24 10:00-12:00"},
    {"Dec 24-26: 10:00-12:00", "Dec 24-Dec 26 10:00-12:00"},
    {"2026 Dec 24-2026 Dec 24 off", "2026 Dec 24 off"},
    {"sunrise-sunset", "sunrise-sunset"},
    {"Jan Su[2]-Jan 15", "Jan Su[2]-Jan 15"},
    {"week 01,03: 00:00-24:00", "week 01,03 00:00-24:00"},
    /* Empty rules are dropped, as opening_hours.js drops them. */
    {"Mo-Fr 09:00-12:00; ; Sa 10:00-12:00", "Mo-Fr 09:00-12:00; Sa 10:00-12:00"},
    {";; Sa 10:00-12:00", "Sa 10:00-12:00"},
    {"Sa 10:00-12:00 ||", "Sa 10:00-12:00"},
    {"Sa 10:00-12:00 || ; Su 10:00-11:00", "Sa 10:00-12:00; Su 10:00-11:00"},
    {"Mar Su[-1]-Oct Su[-1] -1 day open", "Mar Su[-1]-Oct Su[-1] -1 day"},
    {"Apr-Oct Su[2] 14:00-18:00", "Apr-Oct Su[2] 14:00-18:00"},
    {"Mo-Fr (sunrise+01:02)-(sunset-00:30)", "Mo-Fr (sunrise+01:02)-(sunset-00:30)"},
    {"(dawn+00:00)-(dusk-00:00)", "dawn-dusk"},
    {"10:00-sunset; Su sunrise-12:00", "10:00-sunset; Su sunrise-12:00"},
    {"sunrise-14:00 open, 14:00+", "sunrise-14:00 open, 14:00+"},
    {"(sunrise-01:00)+", "(sunrise-01:00)+"},
};

TEST(normalise)
{
    for (size_t i = 0; i < ARRAY_LEN(canonical); i++) {
        char *got = normalised(canonical[i].in);
        CHECK_STR(got, canonical[i].out);
        /* The canonical form is stable. */
        char *again = normalised(got);
        CHECK_STR(again, got);
        free(again);
        free(got);
    }
}

static const struct {
    const char *expr;
    const char *message;
} errors[] = {
    {"Mo-Fr 09:00-", "position 13 : heure attendue (HH:MM), trouvé la fin du texte"},
    {"Mo-Fr 25:00-26:00", "position 7 : heure invalide (25:00)"},
    {"Mo-Fr 09:60-12:00", "position 7 : heure invalide (09:60)"},
    {"Mo-Fr 00:00-48:30", "position 13 : heure invalide (48:30)"},
    {"Mo 24:00-02:00", "position 4 : heure de début invalide (24:00 ne peut être qu'une fin)"},
    {"Mo-Fr 9h5-12h", "position 9 : minutes sur deux chiffres attendues (14h30), trouvé « 5 »"},
    {"Mo-Fx 09:00-12:00", "position 4 : jour attendu (Mo, Tu, We, Th, Fr, Sa, Su), trouvé « Fx »"},
    {"Mardo 09:00-12:00", "position 1 : jour, date ou heure attendu, trouvé « Mardo »"},
    {"Mo-Fr 09:00-12:00 Sa 10:00-12:00",
     "position 19 : « ; » attendu avant une nouvelle règle, trouvé « Sa »"},
    /* Positions count characters: the en dash is one. */
    {"Mo–Fr 09:00-12:00 &", "position 19 : « ; » ou fin du texte attendu, trouvé « & »"},
    {"Mo-Fr 09:00-12:00 \"oops", "position 19 : guillemet fermant attendu pour ce commentaire"},
    {"", "position 1 : horaires vides"},
    {"   ", "position 1 : horaires vides"},
    /* Sun times: opening_hours.js reads these its own way (docs/hours.md). */
    {"Mo-Su sunset-sunrise", "position 7 : plage qui passe minuit avec une heure du soleil non "
                             "prise en charge : arrêtez-la à minuit (« sunset-24:00 »)"},
    {"sunrise-sunset+", "position 9 : plage qui passe minuit avec une heure du soleil non prise en "
                        "charge : arrêtez-la à minuit (« sunset-24:00 »)"},
    {"17:00-sunset", "position 7 : plage de moins de 4 heures jusqu'à une heure du soleil non "
                     "prise en charge (selon la saison, la fin peut venir avant le début)"},
    {"(sunrise+03:00)-sunset",
     "position 10 : décalage de plus de 2 heures par rapport au soleil non pris en charge"},
    {"(sunrise 01:00)-sunset",
     "position 10 : « + » ou « - » puis un décalage (HH:MM) attendus, trouvé « 01 »"},
    {"(sunrise+01:00-sunset", "position 15 : « ) » attendu après le décalage, trouvé « - »"},
    {"Tu 20:00-44:00+", "position 15 : fin ouverte au-delà du lendemain"},
    {"We[0] 10:00-12:00",
     "position 4 : rang dans le mois attendu (1 à 5, ou -1 à -5 depuis la fin), trouvé « 0 »"},
    {"Sa[2-1] 10:00-12:00", "position 4 : plage de rangs invalide (2-1) : écrivez par exemple « "
                            "Sa[1-3] »"},
    {"Mo-Fr[1] 10:00-12:00",
     "position 6 : rang dans le mois sur une plage de jours : écrivez « Fr[1] » pour un seul jour"},
    {"We[1 10:00-12:00", "position 6 : « ] » attendu, trouvé « 10 »"},
    {"Su[-1] -1 week",
     "position 11 : « day » ou « days » attendu après le décalage, trouvé « week »"},
    {"Su[-1] -1 day,Mo[1] 10:00-12:00",
     "position 17 : deux décalages de jours différents dans une même règle"},
    /* What opening_hours.js refuses, refused too (they used to mean something surprising). */
    {"Jun 30-24", "position 8 : plage de jours à l'envers (30 puis 24) : écrivez « Jun 24-30 »"},
    {"Mo-Fr 10:00-12:00; Dec 24-20 off",
     "position 27 : plage de jours à l'envers (24 puis 20) : écrivez « Dec 20-24 »"},
    {"week 40-30", "position 9 : plage de semaines à l'envers (40 puis 30) : écrivez « week "
                   "40-53,01-30 »"},
    {"week 01-53/1 Mo 10:00-12:00", "position 12 : pas de semaines de 2 au moins (omettez « /1 »)"},
    /* Forms opening_hours.js reads otherwise than one would guess (its test suite). */
    {"Mo-Fr 11:00-14:00 \"repas\" open",
     "position 27 : état après le commentaire : écrivez l'état d'abord (« open \"…\" »)"},
    {"17:00+,13:00-02:00", "position 1 : une plage chevauche la fin ouverte « 17:00+ » qui la "
                           "précède : écrivez les plages dans l'ordre de la journée"},
    {"SH Mo-Fr,PH", "position 10 : jours fériés ou vacances après les jours de semaine qu'ils "
                    "filtrent : écrivez-les d'abord (« PH,SH Mo-Fr »)"},
    {"Mo-Fr 10:00-19:00; Sa 16-16",
     "position 26 : plage de 16 h à 16 h ambiguë : écrivez « 16:00-16:00 » pour 24 heures"},
    {"easter 2026", "position 12 : année avec « easter » non prise en charge : écrivez « easter » "
                    "seul, chaque année"},
    {"PH +2 days", "position 5 : décalage des jours fériés d'un jour au plus (« PH +1 day »)"},
    {"2026 Dec 20-Dec Su[-1]", "position 13 : plage donnée par un jour de semaine du mois : "
                               "l'autre bout doit être un jour sans année (« Jan Su[2]-Jan 15 »)"},
    {"Jan Su[1] +7 days-Jan 20", "position 12 : décalage de 7 jours : 6 au plus"},
    {"Mo-Fr 09:00-12:00; || Sa 10:00-12:00",
     "position 20 : règle vide avant « || » : écrivez la règle qui précède le repli"},
    {"Mo-Fr 09:00-12:00, &", "position 20 : jour ou date attendu après « , », trouvé « & »"},
    {"Mo 13pm-14:00", "position 4 : heure invalide avec pm (13)"},
    {"Mo 10-12 et", "position 10 : « ; » ou fin du texte attendu, trouvé « et »"},
    {"Feb 30 off", "position 5 : jour du mois invalide (30)"},
    {"week 54 off", "position 6 : numéro de semaine attendu (01 à 53), trouvé « 54 »"},
    {"2026-2024 off", "position 6 : plage d'années à l'envers"},
    {"2026 Mar 01-easter off", "position 12 : plage de dates avec Pâques et une année non prise "
                               "en charge : écrivez-la sans l'année"},
    {"2026 easter off", "position 6 : année devant « easter » non prise en charge : écrivez « "
                        "easter » seul, chaque année"},
    {"easter +300 days off", "position 9 : décalage depuis Pâques de -80 à +200 jours"},
    {"Mo-Fr 10:00-12:00/60", "position 18 : plage horaire avec « / » non prise en charge"},
    {"\xff", "position 1 : texte illisible (UTF-8 invalide)"},
};

/* Hand-typed forms are read and flagged; OpenStreetMap syntax is not flagged. */
TEST(tolerated)
{
    static const struct {
        const char *expr;
        bool tolerated;
    } cases[] = {
        {"Mo-Fr 09:00-12:00,14:00-17:00; PH off", false},
        {"Mo-Fr 09:00-12:00 \"fermé à 12 h\"", false},
        {"We[1] 10:00-12:00; easter off; Mo 17:00+", false},
        {"Feb week 06 Mo-Su 10:00-12:00", false},
        {"Mo-Su week 06 Feb 10:00-12:00", true}, /* selectors out of order */
        {"10:00-12:00 Mo-Fr", true},
        {"tous les jours 10:00-12:00", true},
        {"open We 10:00-16:00", true},
        {"janvier Mo 10:00-12:00", true},
        {"Mo-Fr 10:00-12:00; jours fériés off", true},
        {"Jan Mo 10:00-12:00", false},
        {"Mo-Fr 9h-12h", true},
        {"Mo-Fr 10-12", true},
        {"Mo-Fr 10.00-12.00", true},
        {"Mo-Fr 2pm-4pm", true},
        {"Mo-Fr 09:00-12:00,", true},
        {"Mo–Fr 09:00-12:00", true},
        {"lundi 09:00-12:00", true},
        {"Montag 09:00-12:00", true},
        {"Mo 10:00-12:00 et 14:00-16:00", true},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        hours_schedule *s = hours_parse(cases[i].expr, NULL);
        CHECK(s != NULL);
        if (!s) continue;
        if (hours_tolerated(s) != cases[i].tolerated) fprintf(stderr, "for %s\n", cases[i].expr);
        CHECK(hours_tolerated(s) == cases[i].tolerated);
        hours_free(s);
    }
}

/*
 * Words, phrases and signs opening_hours.js tolerates with a warning:
 * rewritten into OpenStreetMap syntax, flagged as tolerated, and their
 * canonical form reads back as itself without the flag.
 */
static const struct {
    const char *typed, *canonical;
} hand_typed[] = {
    /* English */
    {"Mo,Th,weekend 10:00-12:00", "Mo,Th,Sa,Su 10:00-12:00"},
    {"Mo & Th and weekends 10:00-12:00", "Mo,Th,Sa,Su 10:00-12:00"},
    {"weekdays 09:00-17:00", "Mo-Fr 09:00-17:00"},
    {"midnight-24:00", "00:00-24:00"},
    {"Mo-Fr 24 hours", "Mo-Fr 00:00-24:00"},
    {"24x7", "24/7"},
    {"24 hours 7 days a week", "24/7"},
    {"7 days a week", "Mo-Su"},
    {"always closed", "off"},
    {"SH on work days", "SH Mo-Fr"},
    {"day after public holiday", "PH +1 day"},
    {"one day before public holiday Mo-We", "PH -1 day Mo-We"},
    {"Mo-Fr 13:00-17:00 open on_appointment", "Mo-Fr 13:00-17:00 open \"on appointment\""},
    {"mon., Tuesday, wed., Thursday. 12:00-20:00", "Mo-Th 12:00-20:00"},
    {"jun. 10:00-18:00", "Jun 10:00-18:00"},
    {"Mo,We 24/7", "Mo,We 00:00-24:00"},
    {"Mo,We: open", "Mo,We"},
    /* French */
    {"lun. - ven. 9h-12h sur rendez-vous", "Mo-Fr 09:00-12:00 \"sur rendez-vous\""},
    {"Mo 14h-17h sur RDV", "Mo 14:00-17:00 \"sur rendez-vous\""},
    {"Mo 10:00-12:00 « sur rendez-vous »", "Mo 10:00-12:00 \"sur rendez-vous\""},
    {"Mo: 7-18", "Mo 07:00-18:00"},
    /* German */
    {"SH,Sonn- und Feiertags", "Su,PH,SH"},
    {"SH und an Sonn- und Feiertagen", "Su,PH,SH"},
    {"SH,Sonntag und an Feiertagen", "Su,PH,SH"},
    {"Mo geschl., Tu 14:00-18:00", "Mo off, Tu 14:00-18:00"},
    {"Mo: geschlossen, Di: 14-18Uhr, Mi-Sa: 10-18Uhr", "Mo off, Su 14:00-18:00, We-Sa 10:00-18:00"},
    {"Mo – Fr: 9 – 12 Uhr und Mo, Di, Do: 15 – 18 Uhr", "Mo-Fr 09:00-12:00, Mo,Th,Su 15:00-18:00"},
    {"Öffnungszeiten: nonstop geöffnet", "Mo-Su"},
    {"opening_hours = nonstop", "Mo-Su"},
    {"Mo-Fr 13:00-17:00 nach Vereinbarung", "Mo-Fr 13:00-17:00 \"Nach Vereinbarung\""},
    {"We,Fr: PH", "PH We,Fr"},
    {"Mo-We PH -1 day", "PH -1 day Mo-We"},
    {"SHWe", "SH We"},
    /* Other languages and scripts */
    {"Mo 12:00 às 14:00", "Mo 12:00-14:00"},
    {"Mo 12:00 до 14:00", "Mo 12:00-14:00"},
    {"понедельник-пятница 09:00-17:00", "Mo-Fr 09:00-17:00"},
    {"пн-пт 09:00-17:00", "Mo-Fr 09:00-17:00"},
    {"ორშაბათი-პარასკევი 09:00-17:00", "Mo-Fr 09:00-17:00"},
    {"วันจันทร์-วันศุกร์ 09:00-17:00", "Mo-Fr 09:00-17:00"},
    {"月曜日-金曜日 09:00-17:00", "Mo-Fr 09:00-17:00"},
    {"الاثنين-الجمعة 09:00-17:00", "Mo-Fr 09:00-17:00"},
    {"12:00-14:00 оff", "12:00-14:00 off"}, /* a Cyrillic о */
    /* Digits and signs */
    {"Mo 12°°-14:00", "Mo 12:00-14:00"},
    {"Mo ⁰⁰:³⁰-¹⁴:⁰⁹", "Mo 00:30-14:09"},
    {"Mo ₀₀₃₀-₁₄⁰⁹", "Mo 00:30-14:09"},
    {"Mo 0:30-14:9", "Mo 00:30-14:09"},
    {"Mo 12:00-14：00", "Mo 12:00-14:00"},
    {"Dec 24.,Jan 02: 18:00-22:00", "Dec 24,Jan 02 18:00-22:00"},
    /* Quotes other than '"' */
    {"Mo „geschlossen“", "Mo \"geschlossen\""},
    {"Mo “testing”", "Mo \"testing\""},
    {"Mo 'testing'", "Mo \"testing\""},
    {"Mo 「testing」", "Mo \"testing\""},
    {"Mo ‚testing‘", "Mo \"testing\""},
};

TEST(hand_typed_forms)
{
    for (size_t i = 0; i < ARRAY_LEN(hand_typed); i++) {
        hours_error err;
        hours_schedule *s = hours_parse(hand_typed[i].typed, &err);
        if (!s) fprintf(stderr, "for %s: %s\n", hand_typed[i].typed, err.message);
        CHECK(s != NULL);
        if (!s) continue;
        CHECK(hours_tolerated(s));
        char *got = hours_normalise(s);
        if (strcmp(got, hand_typed[i].canonical) != 0)
            fprintf(stderr, "for %s\n", hand_typed[i].typed);
        CHECK_STR(got, hand_typed[i].canonical);
        hours_free(s);
        /* The canonical form reads back as itself, and is plain OpenStreetMap syntax. */
        s = hours_parse(got, &err);
        CHECK(s != NULL);
        if (s) {
            char *again = hours_normalise(s);
            CHECK_STR(again, got);
            CHECK(!hours_tolerated(s));
            free(again);
            hours_free(s);
        }
        free(got);
    }
    /* The selectors' colon after a list of weeks, not the time 03:00 (OpenStreetMap syntax). */
    char *weeks_then_colon = normalised("week 01,03: 00:00-24:00");
    CHECK_STR(weeks_then_colon, "week 01,03 00:00-24:00");
    free(weeks_then_colon);
}

/* A rewritten form that cannot be read: the position and the quote name what was typed. */
TEST(hand_typed_errors)
{
    static const struct {
        const char *expr, *message;
    } cases[] = {
        {"Öffnungszeiten: weekend foo", "position 25 : heure attendue (HH:MM), trouvé « foo »"},
        {"Mo-Fr 10:00-12:00 weekend", "position 19 : « ; » attendu avant une nouvelle règle, "
                                      "trouvé « weekend »"},
        {"„testing“ 25:00-26:00", "position 11 : heure invalide (25:00)"},
        {"Mo 12°°-14:00 «oops", "position 15 : « ; » ou fin du texte attendu, trouvé « « »"},
        /* The nth-weekday message quotes the rank as typed. */
        {"Mo-Fr[2] 10:00-12:00", "position 6 : rang dans le mois sur une plage de jours : écrivez "
                                 "« Fr[2] » pour un seul jour"},
        {"Sa-Su[-1]", "position 6 : rang dans le mois sur une plage de jours : écrivez « Su[-1] » "
                      "pour un seul jour"},
        {"We,Fr PH, Sa 10:00-12:00",
         "position 7 : jours fériés ou vacances après les jours de semaine qu'ils filtrent, "
         "dans une liste : écrivez-les d'abord (« PH Mo-Fr »)"},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        hours_error err;
        hours_schedule *s = hours_parse(cases[i].expr, &err);
        CHECK(s == NULL);
        hours_free(s);
        if (!s) CHECK_STR(err.message, cases[i].message);
    }
}

/* School holidays: the département's calendar; beyond it, "à confirmer". */
TEST(school_holidays)
{
    bool known = false;
    CHECK_STR(hours_school_holiday("69", 2026, 12, 21, &known), "Vacances de Noël");
    CHECK(known);
    CHECK(hours_school_holiday("69", 2026, 12, 10, &known) == NULL && known);
    CHECK_STR(hours_school_holiday("75", 2026, 2, 23, &known), "Vacances d'hiver"); /* zone C */
    CHECK(hours_school_holiday("69", 2026, 2, 21, &known) != NULL);                 /* zone A */
    CHECK(hours_school_holiday("33", 2026, 2, 7, &known) == NULL && known);
    CHECK(hours_school_holiday("69", 2027, 3, 1, &known) == NULL && !known);
    CHECK(hours_school_holiday("2A", 2026, 3, 1, &known) == NULL && !known); /* Corse: to 2025 */
    CHECK(hours_school_holiday("2A", 2025, 7, 14, &known) != NULL && known);
    CHECK(hours_school_holiday("974", 2026, 1, 5, &known) != NULL && known);  /* austral summer */
    CHECK(hours_school_holiday("988", 2026, 1, 5, &known) == NULL && !known); /* no calendar */

    char *t = normalised("mo-fr 9h-12h; sh off; PH,SH 10:00-11:00");
    CHECK_STR(t, "Mo-Fr 09:00-12:00; SH off; PH,SH 10:00-11:00");
    free(t);

    hours_schedule *s = hours_parse("Mo-Fr 09:00-17:00; SH off", NULL);
    CHECK(s != NULL);
    if (!s) return;
    hours_context ctx;
    CHECK(hours_context_init(&ctx, "69", NULL) == 0);
    hours_day_info info;
    hours_day(s, &ctx, 2026, 12, 22, &info); /* Christmas holidays: closed */
    CHECK(info.closed);
    hours_day(s, &ctx, 2026, 12, 15, &info); /* a school week: open */
    CHECK(info.range_count == 1 && !info.ranges[0].unknown);
    hours_day(s, &ctx, 2027, 1, 12, &info); /* beyond the calendar: to be confirmed */
    CHECK(info.range_count == 1 && info.ranges[0].unknown);
    CHECK(!hours_is_open(s, &ctx, utc(2027, 1, 12, 10, 0)));
    ctx.literal = true; /* the literal reading (repere hours) does not guess either way */
    hours_day(s, &ctx, 2027, 1, 12, &info);
    CHECK(info.range_count == 1 && !info.ranges[0].unknown);
    hours_free(s);
}

TEST(errors)
{
    for (size_t i = 0; i < ARRAY_LEN(errors); i++) {
        hours_error err;
        hours_schedule *s = hours_parse(errors[i].expr, &err);
        CHECK(s == NULL);
        hours_free(s);
        if (strcmp(err.message, errors[i].message) != 0)
            fprintf(stderr, "for %s\n", errors[i].expr);
        CHECK_STR(err.message, errors[i].message);
        int position = 0;
        sscanf(errors[i].message, "position %d", &position);
        CHECK(err.position == position);
        CHECK(strstr(err.message, err.reason) != NULL);
    }
    /* A NULL error pointer is allowed. */
    CHECK(hours_parse("Mo-Fx", NULL) == NULL);
    /* Too long. */
    char *long_expr = xmalloc(HOURS_MAX_EXPR + 2);
    memset(long_expr, ' ', HOURS_MAX_EXPR + 1);
    long_expr[HOURS_MAX_EXPR + 1] = '\0';
    CHECK(hours_parse(long_expr, NULL) == NULL);
    free(long_expr);
}

/* Every horaires value of the shared data parses, and its canonical form is stable. */
TEST(shared_data)
{
    static const char *const files[] = {"../shared/data/lieux-aura-2022.json",
                                        "../shared/data/lieux-exemples-schema.json"};
    size_t values = 0;
    for (size_t f = 0; f < ARRAY_LEN(files); f++) {
        json_error_t jerr;
        json_t *root = json_load_file(files[f], 0, &jerr);
        CHECK(json_is_array(root));
        if (!root) {
            fprintf(stderr, "cannot read %s: %s (run from the repository root)\n", files[f],
                    jerr.text);
            continue;
        }
        size_t i;
        json_t *place;
        json_array_foreach(root, i, place)
        {
            const char *h = json_string_value(json_object_get(place, "horaires"));
            if (!h) continue;
            values++;
            hours_error err;
            hours_schedule *s = hours_parse(h, &err);
            if (!s) fprintf(stderr, "%s: %s\n", h, err.message);
            CHECK(s != NULL);
            if (!s) continue;
            char *canon = hours_normalise(s);
            char *again = normalised(canon);
            CHECK_STR(again, canon);
            free(again);
            free(canon);
            hours_free(s);
        }
        json_decref(root);
    }
    CHECK(values >= 386); /* the files were really read: 386 places give their hours */
}

/* ---- evaluation helpers and French texts ---- */

TEST(next_change_and_is_open)
{
    hours_context ctx = context("73", NULL);
    hours_schedule *s = hours_parse("Mo-Fr 09:00-12:00,14:00-17:00; PH off", NULL);
    CHECK(hours_uses_public_holidays(s));
    CHECK(hours_is_open(s, &ctx, utc(2026, 12, 21, 9, 0)));   /* 10:00 Paris */
    CHECK(!hours_is_open(s, &ctx, utc(2026, 12, 21, 11, 0))); /* 12:00: closed (end excluded) */
    CHECK(!hours_is_open(s, &ctx, utc(2026, 12, 25, 9, 0)));  /* Noël */
    bool opens = true;
    CHECK(hours_next_change(s, &ctx, utc(2026, 12, 21, 9, 0), &opens) == utc(2026, 12, 21, 11, 0));
    CHECK(!opens);
    CHECK(hours_next_change(s, &ctx, utc(2026, 12, 24, 16, 0), &opens) == utc(2026, 12, 28, 8, 0));
    CHECK(opens);
    hours_free(s);
    s = hours_parse("24/7", NULL);
    CHECK(!hours_uses_public_holidays(s));
    CHECK(hours_next_change(s, &ctx, utc(2026, 12, 21, 9, 0), &opens) == -1);
    hours_free(s);
    s = hours_parse("off", NULL);
    CHECK(hours_next_change(s, &ctx, utc(2026, 12, 21, 9, 0), &opens) == -1);
    CHECK(!hours_is_open(s, &ctx, utc(2026, 12, 21, 9, 0)));
    hours_free(s);
    /* Found far ahead: a yearly opening. */
    s = hours_parse("Aug 15 10:00-12:00", NULL);
    CHECK(hours_next_change(s, &ctx, utc(2026, 9, 1, 0, 0), &opens) == utc(2027, 8, 15, 8, 0));
    hours_free(s);
}

static char *status(const char *expr, int64_t now)
{
    hours_context ctx = context("73", NULL);
    hours_schedule *s = hours_parse(expr, NULL);
    buf b = {0};
    hours_status_fr(&b, s, &ctx, now);
    hours_free(s);
    return buf_steal(&b);
}

TEST(status_fr)
{
    const struct {
        const char *expr;
        int64_t now;
        const char *want;
    } cases[] = {
        /* Monday 21 December 2026, Paris is UTC+1. */
        {"Mo-Fr 09:00-12:00,14:00-17:00", utc(2026, 12, 21, 9, 0), "Ouvert · ferme à 12\u00a0h"},
        {"Mo-Fr 09:00-12:00,14:30-17:00", utc(2026, 12, 21, 11, 30),
         "Fermé · ouvre à 14\u00a0h\u00a030"},
        {"Mo-Fr 09:00-12:00,14:00-17:00", utc(2026, 12, 21, 17, 0),
         "Fermé · ouvre demain à 9\u00a0h"},
        {"Mo-Fr 09:00-12:00; PH off", utc(2026, 12, 24, 12, 0), "Fermé · ouvre lundi à 9\u00a0h"},
        {"Tu 09:30-12:00", utc(2026, 12, 22, 12, 0),
         "Fermé · ouvre le mardi 29 décembre à 9\u00a0h\u00a030"},
        {"Mo-Fr 20:00-24:00", utc(2026, 12, 21, 20, 0), "Ouvert · ferme à minuit"},
        {"Fr 19:00-11:00", utc(2026, 12, 18, 19, 0), "Ouvert · ferme demain à 11\u00a0h"},
        {"24/7", utc(2026, 12, 21, 9, 0), "Ouvert 24 h/24"},
        {"off", utc(2026, 12, 21, 9, 0), "Fermé"},
        {"Mo-Fr \"sur rendez-vous\"", utc(2026, 12, 21, 9, 0),
         "Ouverture à confirmer · sur rendez-vous"},
        {"Mo 09:00-12:00 open; Mo 12:00-14:00 unknown, Mo 09:00-12:00", utc(2026, 12, 21, 9, 0),
         "Ouvert · à confirmer à partir de 12\u00a0h"},
        /* Open ends: never "open", never the guessed end. */
        {"Mo 17:00+", utc(2026, 12, 21, 9, 0),
         "Fermé · ouverture à confirmer à partir de 17\u00a0h"},
        {"Mo 17:00+", utc(2026, 12, 21, 17, 30),
         "Ouverture à confirmer · à partir de\u00a017\u00a0h, fin non précisée"},
        {"Tu 17:00+", utc(2026, 12, 21, 9, 0),
         "Fermé · ouverture à confirmer demain à partir de 17\u00a0h"},
        {"Mo 17:00+", utc(2026, 12, 21, 23, 30), "Ouverture à confirmer, fin non précisée"},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        char *got = status(cases[i].expr, cases[i].now);
        CHECK_STR(got, cases[i].want);
        free(got);
    }
}

static char *day_text(const char *expr, const char *dep, int y, int m, int d, hours_day_info *info)
{
    hours_context ctx = context(dep, NULL);
    hours_schedule *s = hours_parse(expr, NULL);
    hours_day(s, &ctx, y, m, d, info);
    buf b = {0};
    hours_format_day_fr(&b, info);
    /* The comment points into the schedule: copy before freeing it. */
    if (info->comment) buf_printf(&b, " [%s]", info->comment);
    info->comment = NULL;
    hours_free(s);
    return buf_steal(&b);
}

TEST(day_fr)
{
    hours_day_info info;
    char *t = day_text("Mo-Fr 09:00-12:00,14:30-17:00; PH off", "73", 2026, 12, 21, &info);
    CHECK_STR(t, "9\u00a0h\u00a0– 12\u00a0h, 14\u00a0h\u00a030\u00a0– 17\u00a0h");
    CHECK(info.weekday == 0 && !info.closed && info.range_count == 2 && !info.is_public_holiday);
    free(t);
    t = day_text("Mo-Fr 09:00-12:00,14:30-17:00; PH off", "73", 2026, 12, 25, &info);
    CHECK_STR(t, "fermé (jour férié)");
    CHECK(info.closed && info.is_public_holiday);
    CHECK_STR(info.holiday_name, "Noël");
    free(t);
    t = day_text("Mo-Fr 09:00-12:00", "73", 2026, 12, 26, &info);
    CHECK_STR(t, "fermé");
    free(t);
    /* Past midnight: shown on the evening's day, ending after 24:00; not repeated the next day. */
    t = day_text("Fr 19:00-11:00", "", 2026, 12, 18, &info);
    CHECK_STR(t, "19\u00a0h\u00a0– 11\u00a0h");
    CHECK(info.range_count == 1 && info.ranges[0].start == 19 * 60 &&
          info.ranges[0].end == 35 * 60);
    free(t);
    t = day_text("Fr 19:00-11:00", "", 2026, 12, 19, &info);
    CHECK_STR(t, "fermé");
    free(t);
    t = day_text("24/7", "", 2026, 12, 26, &info);
    CHECK_STR(t, "0\u00a0h\u00a0– 24\u00a0h");
    free(t);
    /* An open end says when it starts, never the guessed end. */
    t = day_text("Mo 17:00+", "", 2026, 12, 21, &info);
    CHECK_STR(t, "à partir de\u00a017\u00a0h");
    CHECK(info.range_count == 1 && info.ranges[0].unknown && info.ranges[0].open_end);
    free(t);
    t = day_text("Mo 10:00-12:00+", "", 2026, 12, 21, &info);
    CHECK_STR(t, "10\u00a0h\u00a0– 12\u00a0h, à partir de\u00a012\u00a0h");
    free(t);
    t = day_text("Tu 09:00-12:00 \"sur rendez-vous\"", "", 2026, 12, 22, &info);
    CHECK_STR(t, "9\u00a0h\u00a0– 12\u00a0h (à confirmer) [sur rendez-vous]");
    free(t);
    t = day_text("Mo-Fr 09:00-17:00; Dec 24 off \"fermeture exceptionnelle\"", "", 2026, 12, 24,
                 &info);
    CHECK_STR(t, "fermé [fermeture exceptionnelle]");
    free(t);
    buf b = {0};
    hours_format_date_fr(&b, 2026, 12, 21);
    CHECK_STR(b.data, "lundi 21 décembre");
    buf_reset(&b);
    hours_format_date_fr(&b, 2026, 5, 1);
    CHECK_STR(b.data, "vendredi 1er mai");
    buf_free(&b);
    CHECK_STR(hours_weekday_fr(6), "dimanche");
    CHECK_STR(hours_month_fr(8), "août");
}

/* Sunrise, sunset, dawn and dusk: the minutes opening_hours.js (with suncalc)
 * gives at these positions and dates (tests/oracle compares whole weeks). */
/* One rule for "the same context": every field counts. */
TEST(context_same)
{
    hours_context a, b;
    CHECK(hours_context_init(&a, "75", NULL) == 0);
    CHECK(hours_context_init(&b, "75", NULL) == 0);
    CHECK(hours_context_same(&a, &b));
    hours_context_set_position(&a, 48.8566, 2.3522);
    CHECK(!hours_context_same(&a, &b));
    hours_context_set_position(&b, 48.8566, 2.3522);
    CHECK(hours_context_same(&a, &b));
    hours_context_set_position(&b, 45.75, 4.85);
    CHECK(!hours_context_same(&a, &b));
    CHECK(hours_context_init(&b, "974", NULL) == 0);
    hours_context_set_position(&b, 48.8566, 2.3522);
    CHECK(!hours_context_same(&a, &b));
    b = a;
    b.literal = true;
    CHECK(!hours_context_same(&a, &b));
}

TEST(sun_times)
{
    static const struct {
        double lat, lon;
        const char *zone;
        int y, m, d;
        int dawn, sunrise, sunset, dusk; /* local minutes */
    } cases[] = {
        {48.8566, 2.3522, "Europe/Paris", 2026, 6, 21, 5 * 60 + 4, 5 * 60 + 46, 21 * 60 + 57,
         22 * 60 + 40},
        {50.6292, 3.0573, "Europe/Paris", 2026, 12, 21, 8 * 60 + 7, 8 * 60 + 46, 16 * 60 + 45,
         17 * 60 + 24},
        /* the day clocks go forward */
        {48.8566, 2.3522, "Europe/Paris", 2026, 3, 29, 7 * 60 + 3, 7 * 60 + 34, 20 * 60 + 16,
         20 * 60 + 48},
        {-20.8789, 55.4481, "Indian/Reunion", 2026, 12, 21, 5 * 60 + 9, 5 * 60 + 34, 18 * 60 + 58,
         19 * 60 + 23},
        {4.9372, -52.326, "America/Cayenne", 2026, 3, 20, 6 * 60 + 12, 6 * 60 + 33, 18 * 60 + 40,
         19 * 60},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        const tz_zone *zone = tz_zone_get(cases[i].zone);
        int64_t day = tz_days_from_civil(cases[i].y, cases[i].m, cases[i].d);
        int want[4] = {cases[i].dawn, cases[i].sunrise, cases[i].sunset, cases[i].dusk};
        for (int e = 0; e < SUN_EVENT_COUNT; e++)
            CHECK(sun_event_minute(zone, cases[i].lat, cases[i].lon, day, (sun_event)e) == want[e]);
    }
    /* Polar night at Tromsø: no sunrise. */
    CHECK(sun_event_minute(tz_zone_get("Europe/Oslo"), 69.65, 18.96,
                           tz_days_from_civil(2026, 12, 21), SUN_SUNRISE) == -1);

    /* Evaluated at the place's position, day by day. */
    hours_context ctx = context("75", NULL);
    ctx.literal = true;
    hours_context_set_position(&ctx, 48.8566, 2.3522);
    hours_schedule *s = hours_parse("sunrise-sunset", NULL);
    CHECK(hours_is_open(
        s, &ctx,
        tz_local_to_utc(ctx.zone, tz_days_from_civil(2026, 6, 21) * 86400 + (5 * 60 + 46) * 60)));
    CHECK(!hours_is_open(
        s, &ctx,
        tz_local_to_utc(ctx.zone, tz_days_from_civil(2026, 6, 21) * 86400 + (5 * 60 + 45) * 60)));
    hours_day_info info;
    hours_day(s, &ctx, 2026, 6, 21, &info);
    buf b = {0};
    hours_format_day_fr(&b, &info);
    CHECK_STR(b.data,
              "du lever du soleil (5\u00a0h\u00a046) au coucher du soleil (21\u00a0h\u00a057)");
    hours_free(s);
    /* A fixed time, an offset. */
    s = hours_parse("10:00-(sunset-00:30)", NULL);
    hours_day(s, &ctx, 2026, 6, 21, &info);
    buf_reset(&b);
    hours_format_day_fr(&b, &info);
    CHECK_STR(b.data, "de 10\u00a0h à 21\u00a0h\u00a027 (coucher du soleil\u00a0− 30 min)");
    hours_free(s);
    /* Without a position the time is unknown, never open, and says no time. */
    hours_context nowhere = context("75", NULL);
    hours_context_set_position(&nowhere, 0, 0);
    CHECK(!nowhere.has_position);
    s = hours_parse("Mo-Su sunrise-sunset", NULL);
    hours_day(s, &nowhere, 2026, 6, 21, &info);
    CHECK(info.range_count == 1 && info.ranges[0].unknown && info.ranges[0].sun_unplaced);
    buf_reset(&b);
    hours_format_day_fr(&b, &info);
    CHECK_STR(b.data, "du lever du soleil au coucher du soleil (à confirmer)");
    CHECK(!hours_is_open(s, &nowhere, utc(2026, 6, 21, 12, 0)));
    CHECK(hours_state_at(s, &nowhere, utc(2026, 6, 21, 12, 0), NULL) == HOURS_UNKNOWN);
    hours_free(s);
    buf_free(&b);
}

TEST(search_predicates)
{
    hours_context ctx = context("73", NULL);
    int64_t monday = utc(2026, 12, 21, 8, 0);
    hours_schedule *s = hours_parse("Tu-Sa 10:00-12:00; Tu 16:00-19:00; PH off", NULL);
    CHECK(hours_open_on_weekday(s, &ctx, 5, monday));  /* Saturday */
    CHECK(!hours_open_on_weekday(s, &ctx, 6, monday)); /* Sunday */
    CHECK(!hours_open_on_weekday(s, &ctx, 0, monday)); /* Monday */
    CHECK(!hours_open_on_weekday(s, &ctx, 4, monday)); /* Friday 25 is Christmas */
    CHECK(hours_open_on_weekday(s, &ctx, 4, utc(2027, 1, 4, 8, 0)));
    CHECK(hours_open_after(s, &ctx, 18 * 60, monday));
    CHECK(!hours_open_after(s, &ctx, 19 * 60, monday));
    hours_free(s);
    s = hours_parse("Mo-Fr 09:00-12:00 \"sur rendez-vous\"", NULL);
    CHECK(!hours_open_on_weekday(s, &ctx, 0, monday)); /* unknown is not open */
    hours_free(s);
}

/* ---- public holidays the hours do not mention (issue 21) ---- */

/* The state at t for people, with the holiday's name when that is the reason. */
static hours_state state_for(const char *expr, const char *dep, int64_t t, const char **holiday)
{
    hours_context ctx = context(dep, NULL);
    hours_schedule *s = hours_parse(expr, NULL);
    hours_state st = hours_state_at(s, &ctx, t, holiday);
    hours_free(s);
    return st;
}

TEST(holidays_for_people)
{
    /* Friday 25 December 2026, 10:30 in Paris; Monday 21 at 10:30. */
    int64_t christmas = utc(2026, 12, 25, 9, 30), monday = utc(2026, 12, 21, 9, 30);
    const char *holiday = "?";
    hours_day_info info;

    /* No PH in the hours: Christmas is unknown, with its name, never open. */
    CHECK(state_for("Mo-Fr 09:00-12:00", "73", christmas, &holiday) == HOURS_UNKNOWN);
    CHECK_STR(holiday, "Noël");
    char *t = status("Mo-Fr 09:00-12:00", christmas);
    CHECK_STR(t, "Noël — jour férié : ouverture à confirmer");
    free(t);
    t = day_text("Mo-Fr 09:00-12:00", "73", 2026, 12, 25, &info);
    CHECK_STR(t, "Noël — jour férié : ouverture à confirmer (horaires habituels : 9\u00a0h\u00a0– "
                 "12\u00a0h)");
    CHECK(info.holiday_unconfirmed && !info.closed && info.ranges[0].unknown &&
          info.ranges[0].holiday);
    free(t);
    buf usual = {0};
    hours_format_usual_fr(&usual, &info);
    CHECK_STR(usual.data, "9\u00a0h\u00a0– 12\u00a0h");
    buf_free(&usual);
    /* Before it, the status says the holiday comes rather than "ouvre lundi". */
    t = status("Mo-Fr 09:00-12:00", utc(2026, 12, 24, 17, 0));
    CHECK_STR(t, "Fermé · demain, Noël — jour férié : ouverture à confirmer");
    free(t);
    t = status("Mo-Fr 09:00-12:00,14:00-17:00", utc(2026, 12, 25, 12, 0));
    CHECK_STR(t, "Fermé · aujourd'hui, Noël — jour férié : ouverture à confirmer");
    free(t);
    /* After the usual hours it is simply closed. */
    t = status("Mo-Fr 09:00-12:00", utc(2026, 12, 25, 17, 0));
    CHECK_STR(t, "Fermé · ouvre lundi à 9\u00a0h");
    free(t);

    /* Hours that mention PH are trusted as written. */
    CHECK(state_for("Mo-Fr 09:00-12:00; PH off", "73", christmas, &holiday) == HOURS_CLOSED);
    CHECK(holiday == NULL);
    t = day_text("Mo-Fr 09:00-12:00; PH off", "73", 2026, 12, 25, &info);
    CHECK_STR(t, "fermé (jour férié)");
    CHECK(!info.holiday_unconfirmed);
    free(t);
    CHECK(state_for("Mo-Fr 09:00-12:00; PH 10:00-12:00", "73", christmas, &holiday) == HOURS_OPEN);
    t = day_text("Mo-Fr 09:00-12:00; PH 10:00-12:00", "73", 2026, 12, 25, &info);
    CHECK_STR(t, "10\u00a0h\u00a0– 12\u00a0h");
    CHECK(!info.holiday_unconfirmed);
    free(t);
    t = status("Mo-Fr 09:00-12:00; PH 10:00-12:00", christmas);
    CHECK_STR(t, "Ouvert · ferme à 12\u00a0h");
    free(t);
    /* So are "24/7" and rules written for that very date (exceptional hours). */
    CHECK(state_for("24/7", "73", christmas, NULL) == HOURS_OPEN);
    CHECK(state_for("Mo-Fr 09:00-12:00; 2026 Dec 25-2026 Dec 25 10:00-11:00", "73", christmas,
                    NULL) == HOURS_OPEN);
    /* A month range does not name the day: still unknown. */
    CHECK(state_for("Dec Mo-Fr 09:00-12:00", "73", christmas, NULL) == HOURS_UNKNOWN);
    /* A closed day stays closed: a holiday never opens a place. */
    CHECK(state_for("Mo-Th 09:00-12:00", "73", christmas, &holiday) == HOURS_CLOSED);
    t = day_text("Mo-Th 09:00-12:00", "73", 2026, 12, 25, &info);
    CHECK_STR(t, "fermé (jour férié)");
    free(t);

    /* An ordinary day is unaffected. */
    CHECK(state_for("Mo-Fr 09:00-12:00", "73", monday, &holiday) == HOURS_OPEN);
    CHECK(holiday == NULL);
    t = status("Mo-Fr 09:00-12:00", monday);
    CHECK_STR(t, "Ouvert · ferme à 12\u00a0h");
    free(t);
    t = day_text("Mo-Fr 09:00-12:00", "73", 2026, 12, 21, &info);
    CHECK_STR(t, "9\u00a0h\u00a0– 12\u00a0h");
    CHECK(!info.holiday_unconfirmed && !info.ranges[0].unknown);
    free(t);

    /* One evaluation for every consumer: intervals, "open now", the filters. */
    hours_context ctx = context("73", NULL);
    hours_schedule *s = hours_parse("Mo-Fr 09:00-12:00", NULL);
    hours_interval iv[4];
    CHECK(hours_intervals(s, &ctx, utc(2026, 12, 25, 0, 0), utc(2026, 12, 26, 0, 0), iv, 4) == 1);
    CHECK(iv[0].unknown && iv[0].holiday && strcmp(iv[0].holiday, "Noël") == 0);
    CHECK(!hours_is_open(s, &ctx, christmas));
    CHECK(!hours_open_on_weekday(s, &ctx, 4, monday)); /* this Friday is Christmas */
    CHECK(hours_open_on_weekday(s, &ctx, 4, utc(2027, 1, 4, 8, 0)));
    /* The literal reading (the oracle's) is kept. */
    hours_context literal = ctx;
    literal.literal = true;
    CHECK(hours_is_open(s, &literal, christmas));
    CHECK(hours_intervals(s, &literal, utc(2026, 12, 25, 0, 0), utc(2026, 12, 26, 0, 0), iv, 4) ==
              1 &&
          !iv[0].unknown && iv[0].holiday == NULL);
    hours_free(s);
    s = hours_parse("Fr 17:00-19:00", NULL);
    CHECK(!hours_open_after(s, &ctx, 17 * 60, christmas)); /* only Friday 25 in the coming week */
    CHECK(hours_open_after(s, &literal, 17 * 60, christmas));
    hours_free(s);
    /* Alsace-Moselle: Saturday 26 December is Saint-Étienne there, not in Savoie. */
    s = hours_parse("Sa 10:00-12:00", NULL);
    hours_context alsace = context("67", NULL);
    CHECK(!hours_open_on_weekday(s, &alsace, 5, monday));
    CHECK(hours_open_on_weekday(s, &ctx, 5, monday));
    hours_free(s);
    /* A range past midnight belongs to the day it starts. */
    CHECK(state_for("Fr 19:00-11:00", "73", utc(2026, 12, 26, 8, 0), &holiday) == HOURS_UNKNOWN);
    CHECK_STR(holiday, "Noël");
    t = day_text("Fr 19:00-11:00", "73", 2026, 12, 25, &info);
    CHECK_STR(t, "Noël — jour férié : ouverture à confirmer (horaires habituels : 19\u00a0h\u00a0– "
                 "11\u00a0h)");
    CHECK(info.range_count == 1 && info.ranges[0].end == 35 * 60);
    free(t);
    CHECK(state_for("Th 19:00-11:00", "73", christmas, NULL) == HOURS_OPEN);
}

/* ---- thread safety: concurrent evaluation in different zones ---- */

typedef struct job {
    const char *dep;
    int64_t first_start;
    bool ok;
} job;

static void *evaluate_many(void *arg)
{
    job *j = arg;
    hours_context ctx;
    j->ok = hours_context_init(&ctx, j->dep, NULL) == 0;
    hours_schedule *s = hours_parse("Mo-Fr 08:00-12:00; PH off", NULL);
    hours_interval iv[8];
    for (int i = 0; i < 200 && j->ok; i++) {
        int n = hours_intervals(s, &ctx, utc(2026, 12, 21, 0, 0) - 86400, utc(2026, 12, 22, 0, 0),
                                iv, 8);
        j->ok = n >= 1 && iv[0].start == j->first_start;
    }
    hours_free(s);
    return NULL;
}

TEST(threads)
{
    job jobs[4] = {{"73", utc(2026, 12, 21, 7, 0), false},
                   {"974", utc(2026, 12, 21, 4, 0), false},
                   {"972", utc(2026, 12, 21, 12, 0), false},
                   {"988", utc(2026, 12, 20, 21, 0), false}};
    pthread_t threads[4];
    for (int i = 0; i < 4; i++)
        pthread_create(&threads[i], NULL, evaluate_many, &jobs[i]);
    for (int i = 0; i < 4; i++)
        pthread_join(threads[i], NULL);
    for (int i = 0; i < 4; i++)
        CHECK(jobs[i].ok);
}

/*
 * hours_week_facts (search.c's facts of a place, in one pass) against the
 * predicates it replaces: hours_is_open at base, the open/closed changes
 * found by hours_next_change, hours_open_on_weekday for each day and
 * hours_open_after. Every expression of the oracle's set (opening_hours.js's
 * own tests) and a few of the field's, in Paris and La Réunion, read for
 * people and literally, at instants around the year: daylight saving
 * weekends, Easter, Christmas, midnights, a Sunday night.
 */
static void facts_by_predicates(const hours_schedule *s, const hours_context *ctx, int64_t base,
                                int64_t horizon, uint32_t *changes, size_t max, size_t *n,
                                bool *open_at_base, uint8_t *days, bool *after)
{
    *n = 0;
    bool state = *open_at_base = hours_is_open(s, ctx, base);
    for (int64_t t = base; *n < max;) {
        int64_t next = hours_next_change(s, ctx, t, NULL);
        if (next <= t || next >= base + horizon) break;
        bool now_open = hours_is_open(s, ctx, next);
        if (now_open != state) changes[(*n)++] = (uint32_t)(next - base);
        state = now_open;
        t = next;
    }
    *days = 0;
    for (int wd = 0; wd < 7; wd++)
        if (hours_open_on_weekday(s, ctx, wd, base)) *days |= (uint8_t)(1u << wd);
    *after = hours_open_after(s, ctx, 17 * 60, base);
}

TEST(week_facts_agree)
{
    static const char *const field[] = {
        "Mo-Fr 09:00-12:00,14:00-17:30; Sa 09:00-12:00",
        "Mo-Fr 09:00-17:00; PH off",
        "Tu-Sa 10:00-12:00; Tu 16:00-19:00; PH off",
        "Fr 19:00-02:00",
        "Mo-Su 00:00-24:00",
        "24/7",
        "Mo-Fr 17:00+",
        "Mo-Fr 09:00-12:00 \"sur rendez-vous\"; We off",
        "Su 01:00-04:00",
        "Su 02:00-03:30",
        "Mo-Fr 08:00-18:00; SH off",
        "We[1] 14:00-17:00",
        "easter -2 days-easter +1 day 10:00-12:00",
        "Dec 24-Dec 31 off; Mo-Sa 09:00-19:00",
        "off",
    };
    const char *path = "tests/oracle/data/opening-hours-test-suite.txt";
    FILE *f = fopen(path, "r");
    CHECK(f != NULL);
    char *exprs[512];
    size_t count = 0;
    for (size_t i = 0; i < ARRAY_LEN(field); i++)
        exprs[count++] = xstrdup(field[i]);
    char line[4096];
    while (f && count < ARRAY_LEN(exprs) && fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        if (line[0] && line[0] != '#') exprs[count++] = xstrdup(line);
    }
    if (f) fclose(f);
    const int64_t bases[] = {
        utc(2026, 3, 27, 22, 30), utc(2026, 3, 28, 23, 0),  utc(2026, 3, 29, 0, 59),
        utc(2026, 3, 29, 1, 0),   utc(2026, 10, 24, 23, 0), utc(2026, 10, 25, 0, 30),
        utc(2026, 10, 25, 1, 0),  utc(2026, 4, 3, 12, 0),   utc(2026, 4, 5, 8, 0),
        utc(2026, 12, 24, 16, 0), utc(2026, 12, 25, 9, 30), utc(2026, 12, 31, 23, 0),
        utc(2027, 1, 1, 0, 0),    utc(2026, 6, 14, 21, 59), utc(2026, 7, 4, 7, 0),
        utc(2026, 8, 15, 10, 0),  utc(2026, 11, 29, 22, 0), utc(2026, 2, 16, 8, 0),
    };
    const char *const deps[] = {"75", "974"};
    size_t compared = 0, differ = 0;
    for (size_t e = 0; e < count; e++) {
        hours_schedule *s = hours_parse(exprs[e], NULL);
        if (!s) continue;
        for (size_t d = 0; d < ARRAY_LEN(deps); d++)
            for (int literal = 0; literal < 2; literal++) {
                hours_context ctx = context(deps[d], NULL);
                ctx.literal = literal;
                for (size_t b = 0; b < ARRAY_LEN(bases); b++) {
                    uint32_t want[96], got[96];
                    size_t nw, ng;
                    bool ow, og, aw, ag;
                    uint8_t dw, dg;
                    facts_by_predicates(s, &ctx, bases[b], 2 * 86400, want, 96, &nw, &ow, &dw, &aw);
                    hours_week_facts(s, &ctx, bases[b], 2 * 86400, got, 96, &ng, &og, &dg, 17 * 60,
                                     &ag);
                    bool same = nw == ng && ow == og && dw == dg && aw == ag &&
                                memcmp(want, got, nw * sizeof want[0]) == 0;
                    compared++;
                    if (!same && differ++ < 5)
                        fprintf(stderr, "  week facts differ: «%s» %s%s at %lld\n", exprs[e],
                                deps[d], literal ? " (literal)" : "", (long long)bases[b]);
                }
            }
        hours_free(s);
    }
    for (size_t e = 0; e < count; e++)
        free(exprs[e]);
    CHECK(compared > 5000);
    CHECK(differ == 0);
}

int main(void)
{
    RUN(weeks);
    RUN(daylight_saving);
    RUN(overseas_zones);
    RUN(tz);
    RUN(easter_and_holidays);
    RUN(normalise);
    RUN(tolerated);
    RUN(hand_typed_forms);
    RUN(hand_typed_errors);
    RUN(school_holidays);
    RUN(errors);
    RUN(shared_data);
    RUN(next_change_and_is_open);
    RUN(status_fr);
    RUN(day_fr);
    RUN(context_same);
    RUN(sun_times);
    RUN(search_predicates);
    RUN(week_facts_agree);
    RUN(holidays_for_people);
    RUN(threads);
    tz_cache_free();
    return unit_report();
}
