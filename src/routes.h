/*
 * routes.h — THE route table of Repère (src/routes.c): one row per URL, with
 * its handler (pages/), access level and CSRF requirement. main.c hands it to
 * the server through app->routes; `repere routes` prints it.
 */
#ifndef REPERE_ROUTES_H
#define REPERE_ROUTES_H

#include "http/router.h"

extern const route ROUTES[];

#endif
