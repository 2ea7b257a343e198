/*
 * workshop_import.h — load workshops (ateliers) from the JSON format of
 * docs/workshops-format.md into `workshop` and `workshop_session`.
 *
 * A file is an object {"source": …, "ateliers": [ … ]}. Each workshop is
 * attached to a place already in the catalogue (by its source and id),
 * validated field by field (French messages naming the field), and upserted
 * keyed on (source, id): a re-import updates it in place and replaces its
 * sessions. Sessions (one-off dates, a series, or a recurrence) are read on
 * the place's wall clock and stored expanded, in UTC, from
 * WORKSHOP_PAST_DAYS before to WORKSHOP_HORIZON_DAYS after the import.
 * Dates may be relative to the day of the import ("J+3 14:00") so that a
 * demonstration file never goes stale.
 *
 * The report is the place importer's (importer.h), so `repere import`
 * prints and writes it the same way.
 */
#ifndef REPERE_WORKSHOP_IMPORT_H
#define REPERE_WORKSHOP_IMPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "core/db.h"
#include "places/importer.h"

enum {
    WORKSHOP_IMPORT_MAX_RECORDS = 5000,
    WORKSHOP_IMPORT_MAX_SESSIONS = 200, /* entries of "seances" in one workshop */
    WORKSHOP_MAX_SESSION_MINUTES = 720, /* one session lasts at most 12 h */
};

/* True when `data` is a workshops file (a JSON object with an "ateliers" array). */
bool workshop_import_detect(const char *data, size_t len);

/*
 * Import a workshops file into `d` at instant `now` (UTC seconds; relative
 * dates count from the local day of `now`). `source_name` is the producer
 * for records without "source" when the file names none either. With
 * dry_run everything is checked and reported, then rolled back. Returns 0
 * when the file was read (records may have been rejected), -1 when it
 * could not be read or the database failed (out->error says why).
 */
int workshop_import_run(db *d, const char *data, size_t len, const char *source_name, bool dry_run,
                        int64_t now, importer_report *out);
/* workshop_import_run, every workshop checked by `may_write` (with `ctx`)
 * against its place and, when the file moves it, the place it leaves: the
 * admin upload's territory rule (importer_run_as for places). */
int workshop_import_run_as(db *d, const char *data, size_t len, const char *source_name,
                           bool dry_run, int64_t now, importer_may_write may_write, void *ctx,
                           importer_report *out);

/*
 * The admin editor (src/pages/admin_workshop.c): validate `record`, one
 * workshop in the file format (its "lieu" is ignored: the place is
 * `place_id`), with exactly the rules of a file, and write it in the
 * caller's write transaction `c` as a new workshop (workshop_id 0) or over
 * workshop `workshop_id` of that place, sessions replaced. The INSERT or
 * UPDATE itself requires that `account` may edit the place
 * (ADMIN_CAN_EDIT). Returns the workshop's id; 0 when the record is
 * rejected (reasons in out->entries, nothing written); -2 when the account
 * may not edit that place or the workshop is not of that place (nothing
 * written); -1 on a database error (out->error).
 */
int64_t workshop_import_record(db_conn *c, json_t *record, int64_t place_id, int64_t workshop_id,
                               int64_t account, int64_t now, importer_report *out);

/*
 * Accept a source's proposal (places/provenance.h) for `field` of workshop
 * `workshop_id`: the field takes `value` (NULL empties it), its origin
 * becomes the source, accepted by `account`, and the place's history says
 * so. Inside the caller's write transaction, which has checked that the
 * account may edit the workshop's place. Returns 1, 0 when there is no
 * such workshop or field, -1 on a database error.
 */
int workshop_accept_proposal(db_conn *c, int64_t workshop_id, const char *field, const char *value,
                             int64_t account);

/*
 * A stored workshop as the record workshop_import_record reads (id, source,
 * every field, "recurrence" as published, one-off "seances" — the stored
 * sessions the recurrence does not produce — and "annulations"), so that
 * the editor changes a workshop through the importer's rules. New
 * reference, or NULL when there is no such workshop; *place_id receives
 * its place.
 */
json_t *workshop_import_record_of(db_conn *c, int64_t workshop_id, int64_t *place_id);

/*
 * A workshop's dates — its one-off sessions, its recurrence and its
 * cancellations — are one fact for the provenance rule (the field
 * "schedule"): its stored text is those parts of workshop_import_record_of
 * as compact JSON with sorted keys, and a proposal of dates is such a text.
 * workshop_schedule_text: the text of workshop `id`'s dates, or NULL when
 * there is no such workshop. Caller frees.
 */
char *workshop_schedule_text(db_conn *c, int64_t id);

/*
 * Such a text in French sentences for people, one per line: "Le mardi
 * 3 février 2026, de 14 h à 16 h", "Chaque premier mercredi du mois, de
 * 14 h à 16 h, à partir du mercredi 4 février 2026, 3 séances", "Annulée le
 * mardi 10 février 2026 : grève". NULL when `text` is not such a value.
 * Caller frees.
 */
char *workshop_schedule_words(const char *text);

/*
 * Read and import the file at `path` (for `repere demo`), printing the
 * report on stderr. Returns 0, or 1 on failure.
 */
int workshop_import_file(db *d, const char *path, const char *source_name);

/*
 * Parse a date or date-time of the format, on a local wall clock:
 * "2026-10-05", "2026-10-05T14:00", "2026-10-05 14:00:00", "J+3 14:00",
 * "J-1", "J 9h30". `today` is the local day number (tz_days_from_civil) the
 * relative forms count from. On success sets *day (local day number) and
 * *minutes (minutes after midnight, -1 when no time was given) and returns
 * true.
 */
bool workshop_parse_when(const char *text, int64_t today, int64_t *day, int *minutes);

/* Parse a time alone: "16:00", "16h", "16h30". Returns minutes, or -1. */
int workshop_parse_time(const char *text);

#endif
