/*
 * selection.c — the selection's encoding and list operations; see
 * selection.h. Pure: no I/O, no allocation.
 */
#include "kit/selection.h"

#include <stdio.h>
#include <string.h>

static const char DIGITS[] = "0123456789abcdefghijklmnopqrstuvwxyz";

static int digit_value(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'z') return c - 'a' + 10;
    return -1;
}

/* Parse kind + base-36 id from [s, s + len). */
static bool parse_item(const char *s, size_t len, selection_item *out)
{
    if (len < 2 || len > 1 + SELECTION_MAX_ID_DIGITS) return false;
    if (s[0] != 'p' && s[0] != 'w') return false;
    if (s[1] == '0') return false; /* no leading zero: one spelling per id */
    int64_t id = 0;
    for (size_t i = 1; i < len; i++) {
        int d = digit_value(s[i]);
        if (d < 0) return false;
        id = id * 36 + d; /* 36^12 < 2^63: cannot overflow */
    }
    out->kind = s[0];
    out->id = id;
    return true;
}

bool selection_item_parse(const char *text, selection_item *out)
{
    return text && parse_item(text, strlen(text), out);
}

void selection_item_format(selection_item item, char *out, size_t size)
{
    char digits[SELECTION_MAX_ID_DIGITS + 1];
    size_t n = 0;
    uint64_t v = item.id > 0 ? (uint64_t)item.id : 0;
    do {
        digits[n++] = DIGITS[v % 36];
        v /= 36;
    } while (v && n < SELECTION_MAX_ID_DIGITS);
    if (size < n + 2) {
        if (size) out[0] = '\0';
        return;
    }
    out[0] = item.kind;
    for (size_t i = 0; i < n; i++)
        out[1 + i] = digits[n - 1 - i];
    out[n + 1] = '\0';
}

selection_status selection_decode(const char *text, selection *out)
{
    out->count = 0;
    if (!text || !*text) return SELECTION_OK;
    size_t len = strlen(text);
    if (len > SELECTION_MAX_TEXT) return SELECTION_TOO_MANY;
    if (text[0] != '1' || (text[1] != '\0' && text[1] != '-')) return SELECTION_MALFORMED;
    const char *p = text + 1;
    while (*p) {
        /* *p == '-' here */
        const char *start = p + 1;
        const char *end = strchr(start, '-');
        size_t n = end ? (size_t)(end - start) : strlen(start);
        selection_item item;
        if (!parse_item(start, n, &item)) {
            out->count = 0;
            return SELECTION_MALFORMED;
        }
        if (selection_find(out, item) < 0) {
            if (out->count == SELECTION_MAX_ITEMS) {
                out->count = 0;
                return SELECTION_TOO_MANY;
            }
            out->items[out->count++] = item;
        }
        p = start + n;
    }
    return SELECTION_OK;
}

void selection_encode(const selection *s, char *out, size_t size)
{
    if (!size) return;
    out[0] = '\0';
    if (!s->count) return;
    size_t len = 0;
    if (size < 2) return;
    out[len++] = '1';
    out[len] = '\0';
    for (size_t i = 0; i < s->count; i++) {
        char item[SELECTION_MAX_ID_DIGITS + 2];
        selection_item_format(s->items[i], item, sizeof item);
        size_t n = strlen(item);
        if (len + 1 + n + 1 > size) {
            out[0] = '\0'; /* never a truncated selection */
            return;
        }
        out[len++] = '-';
        memcpy(out + len, item, n + 1);
        len += n;
    }
}

int selection_find(const selection *s, selection_item item)
{
    for (size_t i = 0; i < s->count; i++)
        if (s->items[i].kind == item.kind && s->items[i].id == item.id) return (int)i;
    return -1;
}

bool selection_add(selection *s, selection_item item)
{
    if (selection_find(s, item) >= 0) return true;
    if (s->count == SELECTION_MAX_ITEMS) return false;
    s->items[s->count++] = item;
    return true;
}

void selection_remove(selection *s, selection_item item)
{
    int i = selection_find(s, item);
    if (i < 0) return;
    memmove(&s->items[i], &s->items[i + 1], (s->count - (size_t)i - 1) * sizeof s->items[0]);
    s->count--;
}

void selection_move(selection *s, selection_item item, size_t to)
{
    int from = selection_find(s, item);
    if (from < 0) return;
    if (to >= s->count) to = s->count - 1;
    size_t f = (size_t)from;
    if (f == to) return;
    selection_item moving = s->items[f];
    if (f < to)
        memmove(&s->items[f], &s->items[f + 1], (to - f) * sizeof moving);
    else
        memmove(&s->items[to + 1], &s->items[to], (f - to) * sizeof moving);
    s->items[to] = moving;
}

size_t selection_count_kind(const selection *s, char kind)
{
    size_t n = 0;
    for (size_t i = 0; i < s->count; i++)
        n += s->items[i].kind == kind;
    return n;
}

json_t *selection_nav_model(const char *cookie_text)
{
    selection s;
    if (!cookie_text || selection_decode(cookie_text, &s) != SELECTION_OK || !s.count) return NULL;
    char text[SELECTION_MAX_TEXT + 1];
    selection_encode(&s, text, sizeof text);
    char url[sizeof "/selection?s=" + SELECTION_MAX_TEXT];
    snprintf(url, sizeof url, "/selection?s=%s", text);
    return json_pack("{s:I, s:s}", "count", (json_int_t)s.count, "url", url);
}
