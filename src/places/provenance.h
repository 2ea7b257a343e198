/*
 * provenance.h — who set each field of a place or a workshop, and what a
 * source proposes when a person changed it since (migration 0014).
 *
 * The rule, one owner: when a source re-imports a record,
 *   - a field last set by the source (or never changed since the record was
 *     created) takes the source's value;
 *   - a field a person edited in the admin area keeps the person's value
 *     when the source sends the value it sent before the edit (an older
 *     source value: « conservé (modifié par le lieu) »);
 *   - a field a person edited, for which the source sends a new value that
 *     differs from the person's, keeps the person's value and the source's
 *     becomes a pending proposal, which the place's manager or coordinator
 *     accepts or refuses in the admin area (« proposé »). The same value
 *     sent again does not propose it again.
 * Values are compared as stored text (provenance_json_text, provenance_col_text).
 *
 * Places: place_store applies the rule to every import and records the
 * origin of every write. Workshops: the workshops importer and editor.
 */
#ifndef REPERE_PROVENANCE_H
#define REPERE_PROVENANCE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/db.h"

typedef enum provenance_decision {
    PROVENANCE_WRITE,   /* the source's value is written */
    PROVENANCE_KEEP,    /* the person's value is kept (an older source value) */
    PROVENANCE_PROPOSE, /* the person's value is kept, the source's is proposed */
} provenance_decision;

/* What an import left to people, for its report. */
typedef struct provenance_counts {
    size_t kept;     /* fields kept as a person edited them */
    size_t proposed; /* fields whose new source value awaits a decision */
} provenance_counts;

/* History sources of the proposal steps (place_history.source). */
#define PROVENANCE_PROPOSED "import_proposal"
#define PROVENANCE_ACCEPTED "proposal_accepted"
#define PROVENANCE_REFUSED "proposal_refused"

/* A JSON value as stored text: NULL for null and "", "1"/"0" for booleans,
 * integers in decimal, reals with 17 significant digits. Caller frees. */
char *provenance_json_text(const json_t *v);
/* Column `col` of a row as stored text, by the same rule. Caller frees. */
char *provenance_col_text(sqlite3_stmt *s, int col);
/* Are two stored texts (NULL: empty) the same value? */
bool provenance_same(const char *a, const char *b);

/* The whole row of `entity` ("place" or "workshop") `id` as stored texts
 * (column → string or null), or NULL when there is no such row. */
json_t *provenance_row(db_conn *c, const char *entity, int64_t id);

/* The origins of the fields of one record: field → {by_person, has, value}.
 * New reference (empty object when none). */
json_t *provenance_load(db_conn *c, const char *entity, int64_t id);

/*
 * The rule above for one field of a re-imported record: `incoming` is the
 * source's value, `current` the stored one, `origins` what provenance_load
 * returned. Records what follows in the write transaction `w` (the source
 * value, a proposal and its line of history on place `place_id`, the one
 * it supersedes). Returns the decision, or -1 on a database error.
 */
int provenance_decide(db_conn *w, json_t *origins, const char *entity, int64_t id, int64_t place_id,
                      const char *field, const char *source, const char *current,
                      const char *incoming);

/*
 * After a write changed `field` from `before` to `after`: record who set
 * it. `by_person`: edited in the admin area by `account` (the value the
 * source had sent is remembered); else the source's value (an import, or
 * a proposal `account` accepted). Returns 0, or -1 on a database error.
 */
int provenance_set(db_conn *w, const char *entity, int64_t id, const char *field, bool by_person,
                   int64_t account, const char *source, const char *before, const char *after);

/* Is `field` of a place one whose origin is kept (the published fields a
 * person can edit)? */
bool provenance_place_field(const char *field);

/* The French label of a field of `entity` ("phone" → "Téléphone"); the
 * field itself when it has none. Static storage. */
const char *provenance_label(const char *entity, const char *field);

/* The history line of a proposal step on place `place_id`: `what` is one
 * of PROVENANCE_PROPOSED, _ACCEPTED (written by the change itself for a
 * place), _REFUSED. Workshop fields are written "workshop:ID:field". */
int provenance_note(db_conn *w, int64_t place_id, int64_t account, const char *what,
                    const char *entity, int64_t id, const char *field, const char *before,
                    const char *after);

/*
 * The origin of every field of a record that has one, and its pending
 * proposals, for the admin area: {"origins": [{field, label, by_person,
 * who, source, at}], "proposals": [{id, field, label, current, value,
 * source, at}]}. New reference.
 */
json_t *provenance_view(db_conn *c, const char *entity, int64_t id);

/* The pending proposal for `field` of a record: its id (0: none) and, in
 * *value, its value (malloc'd; NULL when it empties the field). */
int64_t provenance_pending(db_conn *c, const char *entity, int64_t id, const char *field,
                           char **value);

/* Mark proposal `id` decided (status "accepted" or "refused") by
 * `account`. Returns 1, 0 when it is no longer pending, -1 on error. */
int provenance_close(db_conn *w, int64_t id, const char *status, int64_t account);

#endif
