/*
 * ical.h — an iCalendar (RFC 5545) writer: content lines folded at 75
 * octets (never inside a UTF-8 sequence), TEXT values escaped, times in UTC.
 *
 * Repère writes every event with UTC DTSTART/DTEND ("…Z"), one VEVENT per
 * session (recurrences are always sent expanded), so no VTIMEZONE is needed
 * and calendar applications show each session at the right local time.
 *
 * Pure functions appending to a buf; thread-safe.
 */
#ifndef REPERE_ICAL_H
#define REPERE_ICAL_H

#include <stddef.h>
#include <stdint.h>

#include "core/util.h"

enum {
    ICAL_LINE_OCTETS = 75, /* RFC 5545 §3.1: lines SHOULD NOT be longer, CRLF excluded */
};

/* BEGIN:VCALENDAR with VERSION, PRODID, CALSCALE, METHOD and the calendar's name. */
void ical_begin(buf *out, const char *calendar_name);
/* END:VCALENDAR. */
void ical_end(buf *out);

/* One content line "NAME:value" with the value written as is, folded, CRLF-terminated. */
void ical_line(buf *out, const char *name, const char *value);
/* One content line whose value is TEXT, escaped (\\ \; \, \n); nothing when text is NULL/"". */
void ical_text(buf *out, const char *name, const char *text);
/* One content line with a UTC DATE-TIME: "DTSTART:20261005T120000Z". */
void ical_utc(buf *out, const char *name, int64_t utc);

/* The escaping of a TEXT value alone (control characters other than line breaks are dropped). */
void ical_escape_text(buf *out, const char *text);
/* Append `len` bytes as one folded content line plus CRLF. */
void ical_fold(buf *out, const char *line, size_t len);

#endif
