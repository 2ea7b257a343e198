/*
 * fuzz_hours.c — libFuzzer target for the opening-hours engine (src/hours.c):
 * parse any text, and when it parses, evaluate it.
 *
 * Invariants: no crash, no sanitizer report; the canonical form of a parsed
 * schedule parses again to the same canonical form (idempotent); intervals
 * are ascending, inside the window asked for; next_change is after t; a day
 * has at most HOURS_DAY_MAX_RANGES ranges.
 */
#include "hours/hours.h"
#include "core/util.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static hours_context CTX[2];
static int ready;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!ready) {
        if (hours_context_init(&CTX[0], "73", NULL) != 0) abort();
        if (hours_context_init(&CTX[1], "974", NULL) != 0) abort();
        hours_context_set_position(&CTX[1], -20.8789, 55.4481); /* sun times: one with a position */
        ready = 1;
    }
    if (size > HOURS_MAX_EXPR + 16) return 0;
    char *expr = xstrndup((const char *)data, size);
    hours_error err;
    hours_schedule *s = hours_parse(expr, &err);
    if (!s) {
        if (err.position < 0) abort();
        free(expr);
        return 0;
    }
    char *canon = hours_normalise(s);
    hours_schedule *again = hours_parse(canon, &err);
    if (!again) {
        fprintf(stderr, "canonical form does not parse: \"%s\" → \"%s\": %s\n", expr, canon,
                err.message);
        abort();
    }
    char *canon2 = hours_normalise(again);
    if (strcmp(canon, canon2) != 0) {
        fprintf(stderr, "not idempotent: \"%s\" → \"%s\" → \"%s\"\n", expr, canon, canon2);
        abort();
    }
    (void)hours_uses_public_holidays(s);

    /* Evaluate around a few instants: a Saturday in December 2026 (holidays
     * near), and the night of a DST change (2026-03-29). */
    const int64_t instants[] = {1798196400, 1774746000};
    for (size_t c = 0; c < 2; c++) {
        for (size_t i = 0; i < ARRAY_LEN(instants); i++) {
            int64_t t = instants[i];
            hours_interval iv[32];
            int n = hours_intervals(s, &CTX[c], t, t + 7 * 86400, iv, ARRAY_LEN(iv));
            int count = n < 0 ? (int)ARRAY_LEN(iv) : n;
            for (int k = 0; k < count; k++) {
                if (iv[k].start >= iv[k].end || iv[k].start < t || iv[k].end > t + 7 * 86400)
                    abort();
                if (k > 0 && iv[k].start < iv[k - 1].end) abort();
            }
            (void)hours_is_open(s, &CTX[c], t);
            bool opens;
            int64_t next = hours_next_change(s, &CTX[c], t, &opens);
            if (next != -1 && next <= t) abort();
            hours_day_info day;
            hours_day(s, &CTX[c], 2026, 12, 24 + (int)i, &day);
            if (day.range_count > HOURS_DAY_MAX_RANGES) abort();
            buf out = {0};
            hours_format_day_fr(&out, &day);
            hours_status_fr(&out, s, &CTX[c], t);
            buf_free(&out);
            (void)hours_open_on_weekday(s, &CTX[c], 5, t);
            (void)hours_open_after(s, &CTX[c], 1080, t);
        }
    }
    hours_free(again);
    hours_free(s);
    free(canon2);
    free(canon);
    free(expr);
    return 0;
}
