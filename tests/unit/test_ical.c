/*
 * Unit tests for ical.c (folding at 75 octets without splitting UTF-8,
 * TEXT escaping, UTC times) and for the date forms of the workshops file
 * (workshop_parse_when, workshop_parse_time).
 */
#include "unit.h"
#include "workshops/ical.h"
#include "hours/tz.h"
#include "core/util.h"
#include "workshops/workshop_import.h"

#include <string.h>

/* Every physical line of a folded text is at most 75 octets, continuation
 * lines start with one space, and unfolding gives back `want`. */
static void check_folded(const char *folded, const char *want)
{
    buf unfolded = {0};
    const char *p = folded;
    bool ok = true;
    while (*p) {
        const char *eol = strstr(p, "\r\n");
        if (!eol) {
            ok = false;
            break;
        }
        if (eol - p > ICAL_LINE_OCTETS) ok = false;
        const char *start = p == folded ? p : p + 1;
        if (p != folded && *p != ' ') ok = false;
        /* no line may start in the middle of a UTF-8 sequence */
        if (((unsigned char)*start & 0xC0) == 0x80) ok = false;
        buf_append(&unfolded, start, (size_t)(eol - start));
        p = eol + 2;
        if (*p && *p != ' ') break; /* next content line */
    }
    CHECK(ok);
    CHECK_STR(unfolded.data ? unfolded.data : "", want);
    buf_free(&unfolded);
}

TEST(folding)
{
    buf out = {0}, line = {0};
    /* 200 two-byte characters: a fold every 37 characters, never inside one. */
    for (int i = 0; i < 200; i++)
        buf_puts(&line, "é");
    ical_fold(&out, line.data, line.len);
    check_folded(out.data, line.data);
    /* Mixed widths: 1, 2, 3 and 4 bytes. */
    buf_reset(&out);
    buf_reset(&line);
    buf_puts(&line, "SUMMARY:");
    for (int i = 0; i < 40; i++)
        buf_puts(&line, "a€😀é");
    ical_fold(&out, line.data, line.len);
    check_folded(out.data, line.data);
    /* Exactly 75 octets: not folded. */
    buf_reset(&out);
    buf_reset(&line);
    for (int i = 0; i < 75; i++)
        buf_putc(&line, 'x');
    ical_fold(&out, line.data, line.len);
    CHECK(out.len == 77 && strstr(out.data, "\r\n ") == NULL);
    buf_free(&out);
    buf_free(&line);
}

TEST(text_escaping)
{
    buf out = {0};
    ical_escape_text(&out, "a;b,c\\d\ne\r\nf\x01g\th");
    CHECK_STR(out.data, "a\\;b\\,c\\\\d\\ne\\nfg h");
    buf_reset(&out);
    ical_text(&out, "LOCATION", "Salle 1, 2 rue X; bât. A");
    CHECK_STR(out.data, "LOCATION:Salle 1\\, 2 rue X\\; bât. A\r\n");
    buf_reset(&out);
    ical_text(&out, "DESCRIPTION", NULL);
    CHECK(out.len == 0);
    ical_utc(&out, "DTSTART", 1790000000); /* 2026-09-21 14:13:20 UTC */
    CHECK_STR(out.data, "DTSTART:20260921T141320Z\r\n");
    buf_reset(&out);
    ical_begin(&out, "Ateliers, Valence");
    ical_end(&out);
    CHECK(strstr(out.data, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n") == out.data);
    CHECK(strstr(out.data, "X-WR-CALNAME:Ateliers\\, Valence\r\n") != NULL);
    CHECK(str_ends_with(out.data, "END:VCALENDAR\r\n"));
    buf_free(&out);
}

TEST(workshop_dates)
{
    int64_t today = tz_days_from_civil(2026, 11, 23), day;
    int minutes;
    CHECK(workshop_parse_when("2026-10-05T14:00", today, &day, &minutes));
    CHECK(day == tz_days_from_civil(2026, 10, 5) && minutes == 840);
    CHECK(workshop_parse_when("2026-10-05 09h30", today, &day, &minutes) && minutes == 570);
    CHECK(workshop_parse_when("2026-10-05 14:00:00", today, &day, &minutes) && minutes == 840);
    CHECK(workshop_parse_when("2026-11-11", today, &day, &minutes) && minutes == -1);
    CHECK(workshop_parse_when("J+3 14:00", today, &day, &minutes));
    CHECK(day == today + 3 && minutes == 840);
    CHECK(workshop_parse_when("J-1", today, &day, &minutes) && day == today - 1 && minutes == -1);
    CHECK(workshop_parse_when("J 9h", today, &day, &minutes) && day == today && minutes == 540);
    CHECK(!workshop_parse_when("demain", today, &day, &minutes));
    CHECK(!workshop_parse_when("2026-02-30T10:00", today, &day, &minutes));
    CHECK(!workshop_parse_when("2026-10-05T14:00Z", today, &day, &minutes));
    CHECK(!workshop_parse_when("J+ 14:00", today, &day, &minutes));
    CHECK(!workshop_parse_when("2026-10-05T25:00", today, &day, &minutes));
    CHECK(workshop_parse_time("16:00") == 960);
    CHECK(workshop_parse_time("16h") == 960);
    CHECK(workshop_parse_time("16h30") == 990);
    CHECK(workshop_parse_time("16:0") == -1);
    CHECK(workshop_parse_time("24:00") == -1);
}

int main(void)
{
    RUN(folding);
    RUN(text_escaping);
    RUN(workshop_dates);
    return unit_report();
}
