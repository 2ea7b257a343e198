/*
 * importer.h — one importer for the three formats of digital-mediation place
 * data in circulation: the national schema v1.0.2 as CSV or as JSON, and the
 * older flat v0.1 JSON export of the national map. The format is detected
 * from the content. Records are validated against the schema, mapped onto
 * the exact national vocabularies and upserted into `place` keyed on
 * (source, source_id), all in one write transaction. An update writes only
 * the fields the file carries: a column missing from a file, or a fact its
 * format has no field for, is kept as it was. What could not be taken is
 * told in a report, record by record, in French.
 *
 * See docs/import.md for the formats, mappings, rules and report format.
 */
#ifndef REPERE_IMPORTER_H
#define REPERE_IMPORTER_H

#include "core/db.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef enum importer_format {
    IMPORTER_FORMAT_UNKNOWN,
    IMPORTER_FORMAT_V1_CSV,  /* schema v1.0.2, CSV (',' or ';' between cells) */
    IMPORTER_FORMAT_V1_JSON, /* schema v1.0.2 field names, array of objects */
    IMPORTER_FORMAT_V01_JSON /* older flat export: courriel, publics_accueillis… */
} importer_format;

typedef enum importer_level {
    IMPORTER_REJECTED,  /* the record was not imported */
    IMPORTER_WARNING,   /* imported without a field or a value */
    IMPORTER_DUPLICATE, /* imported; looks like another place (not merged) */
} importer_level;

/* One line of the report. Strings are owned by the report. */
typedef struct importer_entry {
    size_t record;   /* 1-based position in the file (CSV: data row); 0 = the file */
    char *source_id; /* the record's id, NULL when it has none */
    char *name;      /* the record's nom, NULL when it has none */
    importer_level level;
    char *field;   /* schema field concerned, NULL for the whole record */
    char *value;   /* offending value (or, for a duplicate, "source/id" of the other place) */
    char *message; /* for people, in French */
} importer_entry;

typedef struct importer_report {
    importer_format format;
    bool dry_run;      /* the transaction was rolled back */
    size_t records;    /* records read */
    size_t imported;   /* new places */
    size_t updated;    /* existing places with something changed */
    size_t unchanged;  /* existing places, identical */
    size_t rejected;   /* records not imported */
    size_t warnings;   /* warning entries */
    size_t duplicates; /* suspected duplicate entries */
    /* Fields a person of the place edited since the source sent them
     * (places/provenance.h): kept as edited against an older source value,
     * or kept with the source's new value proposed for a decision. */
    size_t kept_by_place, proposed;
    /* Places written with horaires nobody can read, kept as published
     * (pages say « horaires à confirmer par téléphone »). */
    size_t unreadable_hours;
    /* Place fields the import left as they were because the file does not
     * carry them (a missing column is not an empty value): those its format
     * has no field for, and those its format has but this file leaves out.
     * Bit masks for importer_untouched_names; 0 when none. */
    uint64_t untouched_by_format, untouched_by_file;
    importer_entry *entries;
    size_t entry_count, entry_cap;
    char *error; /* set when the whole run failed (format, database): French */
} importer_report;

/* Zero the report. Every report must be freed with importer_report_free. */
void importer_report_init(importer_report *r);
void importer_report_free(importer_report *r);

/* "schema-1.0.2-csv", "schema-1.0.2-json", "v0.1-json" or "inconnu". */
const char *importer_format_name(importer_format f);

/* The format of `data`, from its content (not its name). */
importer_format importer_detect(const char *data, size_t len);

/*
 * Import `len` bytes of `data` into the catalogue `d`. `source_name` names
 * the producer for records that carry no `source` field (the CLI passes
 * --source or the file's base name). With `dry_run` everything is done and
 * reported, then rolled back: the admin area previews an upload this way.
 * Fills `out` (initialised by the caller). Returns 0 when the run worked —
 * even if records were rejected — and -1 when the file could not be read
 * as any format or the database failed (out->error says why).
 */
int importer_run(db *d, const char *data, size_t len, const char *source_name, bool dry_run,
                 importer_report *out);

/*
 * Whoever imports through the admin area may only write the places they may
 * edit (docs/security.md rule 3, without exception). The check is the
 * caller's (it knows the account and the rule, accounts/access.h): called in
 * the write transaction `c` with place `place_id` as stored before the write
 * (`before`, 0 for a new place) and after it; false rejects the record
 * (its write is undone) with the French reason in *why.
 */
typedef bool (*importer_may_write)(void *ctx, db_conn *c, int64_t place_id, bool before,
                                   const char **why);
/* importer_run, every write checked by `may_write` (with `ctx`). */
int importer_run_as(db *d, const char *data, size_t len, const char *source_name, bool dry_run,
                    importer_may_write may_write, void *ctx, importer_report *out);

/*
 * Print "imported N, updated N, unchanged N, rejected N, warnings N,
 * duplicates N", what was kept as the place edited it or proposed, the
 * fields left untouched, and then one line per report
 * entry, prefixed by `label`
 * (typically the file name; may be NULL).
 */
void importer_report_print(const importer_report *r, const char *label, FILE *out);

/*
 * The fields of `mask` (importer_report.untouched_*) joined by ", ": column
 * names of `place` ("fees_note, phone") or, `for_people`, French labels
 * ("note sur les tarifs, téléphone"). NULL when the mask is empty. Caller frees.
 */
char *importer_untouched_names(uint64_t mask, bool for_people);

/* The report as a JSON object (new reference; see docs/import.md). */
json_t *importer_report_json(const importer_report *r);

/* Write the report as indented JSON; returns 0, or -1 on a write error. */
int importer_report_write_json(const importer_report *r, FILE *out);

/*
 * `repere import [--report FILE.json] [--dry-run] [--source NAME] FILE...`
 * argv[0] is "import"; `d` is open and migrated. Returns the process exit
 * status: 0 when every file was read (records may have been rejected), 1 on
 * a usage, I/O or format failure.
 */

#endif
