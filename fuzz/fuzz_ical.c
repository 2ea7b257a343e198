/*
 * fuzz_ical.c — libFuzzer target for the iCalendar writer (src/ical.c).
 *
 * Invariants (RFC 5545 §3.1, §3.3.11): every physical line ends with CRLF and
 * holds at most ICAL_LINE_OCTETS octets; continuation lines start with one
 * space; a fold never splits a UTF-8 sequence; no bare CR or LF inside a
 * line; an escaped TEXT value has no unescaped , ; or newline.
 */
#include "workshops/ical.h"
#include "core/util.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_lines(const buf *out)
{
    const char *p = out->data, *end = out->data + out->len;
    bool first = true;
    while (p < end) {
        const char *crlf = strstr(p, "\r\n");
        if (!crlf) abort(); /* every line is CRLF-terminated */
        size_t len = (size_t)(crlf - p);
        if (len > ICAL_LINE_OCTETS) {
            fprintf(stderr, "line of %zu octets\n", len);
            abort();
        }
        for (const char *q = p; q < crlf; q++)
            if (*q == '\r' || *q == '\n') abort();
        if (!first && *p == ' ' && len > 1 && ((unsigned char)p[1] & 0xC0) == 0x80) {
            fprintf(stderr, "fold inside a UTF-8 sequence\n");
            abort();
        }
        first = false;
        p = crlf + 2;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = xstrndup((const char *)data, size);
    size_t n = strlen(text);
    /* The writer gets valid UTF-8 from the catalogue: keep the valid prefix. */
    while (n > 0 && !utf8_valid(text, n))
        n--;
    text[n] = '\0';

    buf esc = {0};
    ical_escape_text(&esc, text);
    for (size_t i = 0; i < esc.len; i++) {
        char c = esc.data[i];
        if (c == '\\') {
            char e = esc.data[i + 1];
            if (e != '\\' && e != ';' && e != ',' && e != 'n') abort();
            i++;
        } else if (c == ';' || c == ',' || c == '\n' || c == '\r') {
            abort();
        }
    }
    buf_free(&esc);

    buf out = {0};
    ical_begin(&out, text);
    ical_text(&out, "SUMMARY", text);
    ical_text(&out, "DESCRIPTION", text);
    ical_utc(&out, "DTSTART", (int64_t)size * 86400);
    ical_end(&out);
    check_lines(&out);
    buf_free(&out);
    free(text);
    return 0;
}
