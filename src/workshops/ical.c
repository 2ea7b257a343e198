/*
 * ical.c — iCalendar writer. See ical.h.
 */
#include "workshops/ical.h"
#include "hours/tz.h"

#include <string.h>

void ical_fold(buf *out, const char *line, size_t len)
{
    size_t pos = 0;
    size_t room =
        ICAL_LINE_OCTETS; /* the first line has 75 octets; the next ones 74 after the space */
    while (len - pos > room) {
        size_t cut = pos + room;
        /* Never split a UTF-8 sequence: back up to the start of the character. */
        while (cut > pos && ((unsigned char)line[cut] & 0xC0) == 0x80)
            cut--;
        buf_append(out, line + pos, cut - pos);
        buf_puts(out, "\r\n ");
        pos = cut;
        room = ICAL_LINE_OCTETS - 1;
    }
    buf_append(out, line + pos, len - pos);
    buf_puts(out, "\r\n");
}

void ical_escape_text(buf *out, const char *text)
{
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        switch (*p) {
        case '\\':
            buf_puts(out, "\\\\");
            break;
        case ';':
            buf_puts(out, "\\;");
            break;
        case ',':
            buf_puts(out, "\\,");
            break;
        case '\n':
            buf_puts(out, "\\n");
            break;
        case '\r':
            if (p[1] != '\n') buf_puts(out, "\\n");
            break;
        case '\t':
            buf_putc(out, ' ');
            break;
        default:
            if (*p < 0x20 || *p == 0x7f) break; /* CONTROL is not allowed in TEXT */
            buf_putc(out, (char)*p);
        }
    }
}

void ical_line(buf *out, const char *name, const char *value)
{
    buf line = {0};
    buf_puts(&line, name);
    buf_putc(&line, ':');
    buf_puts(&line, value);
    ical_fold(out, line.data, line.len);
    buf_free(&line);
}

void ical_text(buf *out, const char *name, const char *text)
{
    if (!text || !*text) return;
    buf line = {0};
    buf_puts(&line, name);
    buf_putc(&line, ':');
    ical_escape_text(&line, text);
    ical_fold(out, line.data, line.len);
    buf_free(&line);
}

void ical_utc(buf *out, const char *name, int64_t utc)
{
    int64_t day = tz_floor_div(utc, 86400);
    int64_t s = utc - day * 86400;
    int y, m, d;
    tz_civil_from_days(day, &y, &m, &d);
    buf_printf(out, "%s:%04d%02d%02dT%02d%02d%02dZ\r\n", name, y, m, d, (int)(s / 3600),
               (int)(s % 3600 / 60), (int)(s % 60));
}

void ical_begin(buf *out, const char *calendar_name)
{
    buf_puts(out, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n");
    buf_puts(out, "PRODID:-//Repère//Ateliers numériques//FR\r\n");
    buf_puts(out, "CALSCALE:GREGORIAN\r\nMETHOD:PUBLISH\r\n");
    ical_text(out, "X-WR-CALNAME", calendar_name);
}

void ical_end(buf *out)
{
    buf_puts(out, "END:VCALENDAR\r\n");
}
