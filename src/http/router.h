/*
 * router.h — what a route is, and the matcher. The table, one row per URL,
 * is src/routes.c. The dispatcher (server.c)
 * answers 404 for unknown paths and 405 when only the method is wrong,
 * treats HEAD as GET, and enforces the row's access level and CSRF check
 * before the handler runs.
 */
#ifndef REPERE_ROUTER_H
#define REPERE_ROUTER_H

#include <stdbool.h>
#include <stddef.h>

#include "http/request.h"

typedef enum access_level {
    ACCESS_PUBLIC = 0,
    ACCESS_SIGNED_IN,   /* any account */
    ACCESS_COORDINATOR, /* coordinator or administrator */
    ACCESS_ADMIN,
} access_level;

typedef struct route {
    const char *method; /* "GET" (also answers HEAD) or "POST" */
    const char *path;   /* segments; '*' captures one segment into r->params */
    handler_fn handler;
    access_level access;
    bool csrf;       /* POST forms: origin check + synchronizer token */
    size_t max_body; /* 0: HTTP_MAX_FORM_BODY; checked against Content-Length before reading */
    bool multipart; /* POST: multipart/form-data accepted (fields in r->form, one file in r->upload)
                     */
} route;

/*
 * Find the row of `table` (ended by a row without method) for method + path, filling r->params.
 * Returns NULL when none matches; *wrong_method is set when the path exists with another method.
 */
const route *routes_match(const route *table, const char *method, const char *path, req *r,
                          bool *wrong_method);

#endif
