/*
 * router.c — find the row of a route table for a method and a path, and
 * capture its '*' segments. The table itself is the program's (src/routes.c),
 * handed to the server through app->routes.
 */
#include "http/router.h"

#include <string.h>

/* Match one pattern; '*' captures a non-empty segment. */
static bool match(const char *pattern, const char *path, req *r)
{
    size_t n = 0;
    const char *p = pattern, *s = path;
    while (*p && *s) {
        if (*p == '*') {
            const char *end = strchr(s, '/');
            size_t len = end ? (size_t)(end - s) : strlen(s);
            if (len == 0 || n == HTTP_MAX_PATH_PARAMS) return false;
            if (r) r->params[n] = arena_strndup(r->arena, s, len);
            n++;
            s += len;
            p++;
        } else if (*p == *s) {
            p++, s++;
        } else {
            return false;
        }
    }
    if (*p || *s) return false;
    if (r) r->nparams = n;
    return true;
}

const route *routes_match(const route *table, const char *method, const char *path, req *r,
                          bool *wrong_method)
{
    *wrong_method = false;
    for (const route *rt = table; rt->method; rt++) {
        if (!match(rt->path, path, NULL)) continue;
        if (strcmp(rt->method, method) != 0) {
            *wrong_method = true;
            continue;
        }
        match(rt->path, path, r);
        return rt;
    }
    return NULL;
}
