/*
 * fuzz_form.c — libFuzzer target for the url-encoded form / query-string
 * parser (http_parse_form, http_percent_decode in src/http.c).
 *
 * Invariants: never crashes or reads out of bounds; at most `max` pairs; when
 * it succeeds every key and value is valid UTF-8 and NUL-terminated;
 * percent-decoding never grows a string.
 */
#include "http/request.h"
#include "core/util.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    arena *ar = arena_new();
    kv pairs[HTTP_MAX_ARGS];
    int n = http_parse_form(ar, (const char *)data, size, pairs, HTTP_MAX_ARGS);
    if (n > HTTP_MAX_ARGS) abort();
    for (int i = 0; i < n; i++) {
        if (!pairs[i].key || !pairs[i].value) abort();
        if (!utf8_valid(pairs[i].key, strlen(pairs[i].key))) abort();
        if (!utf8_valid(pairs[i].value, strlen(pairs[i].value))) abort();
    }
    arena_free(ar);

    for (int form = 0; form < 2; form++) {
        char *copy = xmalloc(size + 1);
        memcpy(copy, data, size);
        copy[size] = '\0';
        size_t len = http_percent_decode(copy, size, form);
        if (len > size) abort();
        free(copy);
    }
    return 0;
}
