/*
 * fuzz_tpl.c — libFuzzer target for the template engine (src/tpl.c) with
 * hostile data, and for its compiler with hostile templates.
 *
 * Input: the first byte chooses the mode.
 *   even: the rest is split on NUL bytes into strings used as data (a
 *     string, a nested value, list items) for a fixed template whose literal
 *     text holds none of < > " ' &. Invariant: the output holds none of
 *     < > " ' either (everything from data is escaped), and the {{url}}
 *     part holds only unreserved characters and %XX.
 *     Second invariant, on a list template: no item shows a value the item
 *     lacks — the page's "x" (a marker absent from the data) never appears
 *     inside {{#l}}…{{/l}}, where only one item holds an "x".
 *   odd: the rest is a template; if it compiles, render it with hostile data.
 *     Invariant: no crash, no sanitizer report. Templates with partials are
 *     skipped here (the fixed template covers them): a template including
 *     itself renders up to k^MAX_DEPTH times (templates are ours, not
 *     outside input; noted in docs/quality.md).
 */
#include "core/tpl.h"
#include "core/util.h"

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char FIXED[] = "A{{a}}B{{b.c}}C{{#l}}[{{.}}|{{x}}]{{/l}}D{{^missing}}{{a}}{{/missing}}"
                            "E{{> part}}F|{{url a}}|";
static const char PART[] = "P{{b.c}}{{#b}}{{c}}{{/b}}";
static const char LIST[] = "{{#l}}[{{x}}|{{#x}}{{x}}{{/x}}|{{#b}}{{x}}{{/b}}]{{/l}}";
static const char ROOT_MARKER[] = "ROOTX";
static tpl_set *fixed;

static json_t *hostile(const char *s, size_t len)
{
    json_t *d = json_object();
    json_object_set_new(d, "a", json_stringn(s, len));
    json_t *b = json_object();
    json_object_set_new(b, "c", json_stringn(s, len));
    json_object_set_new(d, "b", b);
    json_t *l = json_array();
    json_array_append_new(l, json_stringn(s, len));
    json_t *item = json_object();
    json_object_set_new(item, "x", json_stringn(s, len));
    json_array_append_new(l, item);
    json_array_append_new(l, json_integer((json_int_t)len));
    json_object_set_new(d, "l", l);
    json_object_set_new(d, "x", json_real(1.5));
    return d;
}

static void check_fixed(const char *s, size_t len)
{
    json_t *d = hostile(s, len);
    buf out = {0};
    if (!tpl_render(fixed, "page", d, &out)) abort();
    for (size_t i = 0; i < out.len; i++) {
        char c = out.data[i];
        if (c == '<' || c == '>' || c == '"' || c == '\'') {
            fprintf(stderr, "unescaped %c at %zu in: %s\n", c, i, out.data);
            abort();
        }
    }
    /* The url-encoded part sits between the last two '|'. */
    char *end = strrchr(out.data, '|');
    if (!end) abort();
    char *start = end - 1;
    while (start > out.data && *start != '|')
        start--;
    for (char *p = start + 1; p < end; p++) {
        unsigned char c = (unsigned char)*p;
        if (!(c == '%' || c == '-' || c == '_' || c == '.' || c == '~' || (c >= '0' && c <= '9') ||
              (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '+')) {
            fprintf(stderr, "url part holds 0x%02x: %s\n", c, out.data);
            abort();
        }
    }
    buf_free(&out);
    /* The page's x is a marker; the list's items (a string, an object with
     * its own x, a number) must never show it. */
    if (!memmem(s, len, "ROOT", 4)) {
        json_object_set_new(d, "x", json_string(ROOT_MARKER));
        buf list = {0};
        if (!tpl_render(fixed, "list", d, &list)) abort();
        if (list.data && strstr(list.data, ROOT_MARKER)) {
            fprintf(stderr, "a list item borrowed the page's value: %s\n", list.data);
            abort();
        }
        buf_free(&list);
    }
    json_decref(d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!fixed) {
        const char *names[] = {"page", "part", "list"};
        const char *texts[] = {FIXED, PART, LIST};
        char *error = NULL;
        fixed = tpl_compile_set(names, texts, 3, &error);
        if (!fixed) {
            fprintf(stderr, "fixed templates: %s\n", error);
            abort();
        }
    }
    if (size == 0) return 0;
    const char *s = (const char *)data + 1;
    size_t len = size - 1;
    if ((data[0] & 1) == 0) {
        /* jansson refuses invalid UTF-8 strings: keep the valid prefix. */
        size_t n = len;
        while (n > 0 && !utf8_valid(s, n))
            n--;
        check_fixed(s, n);
        return 0;
    }
    char *text = xstrndup(s, len);
    if (strstr(text, "{{>")) {
        free(text);
        return 0;
    }
    const char *names[] = {"t", "part"};
    const char *texts[] = {text, PART};
    char *error = NULL;
    tpl_set *set = tpl_compile_set(names, texts, 2, &error);
    if (set) {
        json_t *d = hostile("<script>\"'&", 11);
        buf out = {0};
        tpl_render(set, "t", d, &out);
        buf_free(&out);
        json_decref(d);
        tpl_free(set);
    }
    free(error);
    free(text);
    return 0;
}
