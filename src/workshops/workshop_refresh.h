/*
 * workshop_refresh.h — re-expand stored recurrences up to the horizon.
 */
#ifndef REPERE_WORKSHOP_REFRESH_H
#define REPERE_WORKSHOP_REFRESH_H

#include <stdint.h>

#include "core/db.h"

/*
 * Add the sessions of every recurring workshop that are missing between
 * `now` and now + WORKSHOP_HORIZON_DAYS. Inside the caller's write
 * transaction. Returns the number of sessions added, or -1 on a database
 * error.
 */
int workshop_extend_recurrences(db_conn *w, int64_t now);

#endif
