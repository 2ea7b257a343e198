/*
 * duplicate.h — possible duplicates (issue 20; migrations/0032): the pairs
 * the importer flags, the coordinators' decisions (merge, or "not a
 * duplicate") and, until a decision, one entry for two places with the
 * same name within PLACE_DUPLICATE_RADIUS_M on result pages. The queue and
 * the decisions, which need the territory rule of accounts/, are
 * src/pages/admin/duplicates.c.
 */
#ifndef REPERE_PLACES_DUPLICATE_H
#define REPERE_PLACES_DUPLICATE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/db.h"

enum {
    PLACE_DUPLICATE_RADIUS_M = 30, /* two places closer than this may be one */
};

/*
 * Whether two places are shown as one until a coordinator decides: the
 * same name (text_fold) within PLACE_DUPLICATE_RADIUS_M. Pure.
 */
bool place_duplicate_alike(const char *name_a, double lat_a, double lon_a, const char *name_b,
                           double lat_b, double lon_b);

/*
 * Keep the pair (a, b) for the coordinators' queue, once, with the reason
 * in French. Inside the caller's write transaction. Returns 0, or -1 on a
 * database error.
 */
int place_duplicate_flag(db_conn *w, int64_t a, int64_t b, const char *reason);

/*
 * Result rows ({"place": item, …}, items with id, name, latitude,
 * longitude, path, commune) in order: a row whose place is alike an earlier
 * row's (place_duplicate_alike) and not marked "not a duplicate" is removed,
 * and the earlier row gets "also": [{"name", "path", "commune"}]. Returns
 * how many rows were removed.
 */
size_t place_duplicate_collapse(db_conn *c, json_t *rows);

/* The place a merged duplicate was merged into, or 0. */
int64_t place_duplicate_merged_into(db_conn *c, int64_t place_id);

#endif
