/*
 * history.h — the history of every change of a place (migration 0005).
 *
 * A trigger on `place` writes one place_history row per changed field,
 * whatever the writer. Who wrote is read from the one-row history_actor
 * table: the editor fills it at the start of its write transaction and
 * empties it before commit; when it is empty, the change came from an import.
 */
#ifndef REPERE_HISTORY_H
#define REPERE_HISTORY_H

#include <jansson.h>
#include <stdint.h>

#include "core/db.h"

/* Inside a write transaction: the next changes are `source` ("editor",
 * "restore", "api") by `account`. Always pair with history_clear_actor. */
void history_set_actor(db_conn *w, int64_t account, const char *source);
void history_clear_actor(db_conn *w);

/* Inside a write transaction: record an event of a place that no column
 * trigger sees (a « Rien n'a changé » confirmation: field "verified_at").
 * `account` 0: no account (a signed link). */
void history_add_event(db_conn *w, int64_t place_id, int64_t account, const char *source,
                       const char *field, const char *old_value, const char *new_value);

/* The French label of a recorded field ("hours" → "Horaires"), or NULL
 * when the field is not recorded. */
const char *history_field_label(const char *field);

/* The most recent `limit` changes of a place, newest first:
 * [{id, at, who, source, field, label, old, new}]. */
json_t *history_for_place(db_conn *c, int64_t place_id, int limit);

#endif
