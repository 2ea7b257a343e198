/*
 * closure.h — temporary closures and exceptional hours (migration 0009).
 *
 * A closure covers local dates [starts_on, ends_on]; with `hours` NULL the
 * place is closed, otherwise open only at those times. They are folded into
 * the place's opening_hours expression as appended rules
 * ("…; 2026 Aug 12-2026 Aug 26 off \"Fermeture estivale\""), which the hours
 * engine evaluates and the exports carry as valid OSM syntax.
 */
#ifndef REPERE_CLOSURE_H
#define REPERE_CLOSURE_H

#include <jansson.h>
#include <stdbool.h>

#include "core/db.h"
#include "core/util.h"

enum {
    CLOSURE_BANNER_DAYS = 15, /* upcoming closures are announced this many days ahead */
    CLOSURE_MESSAGE_MAX = 200,
};

typedef struct closure {
    char starts_on[11], ends_on[11];
    char *hours;   /* NULL: closed */
    char *message; /* may be NULL */
} closure;

/*
 * The closures of a place that have not ended before `today` (local
 * 'YYYY-MM-DD'), by start date. Returns how many (at most max), filling
 * out[]; free each with closure_clear.
 */
size_t closures_load(db_conn *c, int64_t place_id, const char *today, closure *out, size_t max);
void closure_clear(closure *cl);

/*
 * Append the closures to a regular expression (which may be NULL or empty:
 * then the result holds only the closures). Returns a malloc'd expression,
 * or NULL when there is nothing at all. Pure.
 */
char *closures_fold(const char *regular, const closure *list, size_t count);

/*
 * One OSM rule for a closure: "2026 Aug 12-2026 Aug 26 off \"message\"".
 * Appends to out. Returns false when a date is not a valid YYYY-MM-DD.
 */
bool closure_rule(buf *out, const closure *cl);

/*
 * The banner of a place page: current closures and those starting within
 * CLOSURE_BANNER_DAYS of today, in French ("Fermé du 12 au 26 août 2026",
 * "Horaires exceptionnels le 24 décembre 2026 : 10:00-12:00"), with their
 * message. Returns a JSON array (possibly empty).
 */
json_t *closures_banner(const closure *list, size_t count, const char *today);

#endif
