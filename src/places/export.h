/*
 * export.h — the catalogue in the national schema of digital-mediation
 * places (v1.0.2), for re-users: CSV, the same records as JSON, and GeoJSON.
 *
 * One reading of the catalogue (export_query) serves every output: the CLI
 * (`repere export`), the downloads of the "données ouvertes" page, the public
 * API (src/pages/api.c) and the embeddable list. It applies the same rules
 * everywhere:
 *   - closed places are left out (the API's delta sync asks for them
 *     explicitly, to tell re-users to delete them);
 *   - private fields (private_contact, internal notes) are never read;
 *   - every value is emitted as the schema wants it: exact vocabulary
 *     strings, '|' between values, YYYY-MM-DD dates, E.164 telephone
 *     numbers, and text the reference library accepts (see docs/export.md
 *     for the few values that have to be cleaned on the way out).
 * Records are produced one at a time (the query is stepped as the writer
 * goes), so memory does not grow with the catalogue.
 */
#ifndef REPERE_EXPORT_H
#define REPERE_EXPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/db.h"
#include "places/vocab.h"
#include "core/util.h"

/*
 * SQL conditions restricting places `p` to a territory: bind :t_commune,
 * :t_epci, :t_dep and :t_region (NULL for those not used). An
 * arrondissement counts in its city and its city's EPCI. Shared by the
 * exports and the workshop API so a territory means the same everywhere.
 */
#define EXPORT_TERRITORY_SQL                                                                       \
    " AND (:t_commune IS NULL OR p.commune_insee = :t_commune"                                     \
    "      OR p.commune_insee IN (SELECT insee FROM commune WHERE parent = :t_commune))"           \
    " AND (:t_epci IS NULL OR p.commune_insee IN (SELECT insee FROM commune WHERE epci = :t_epci"  \
    "      UNION SELECT a.insee FROM commune a JOIN commune c ON c.insee = a.parent"               \
    "      WHERE c.epci = :t_epci))"                                                               \
    " AND (:t_dep IS NULL OR p.departement = :t_dep)"                                              \
    " AND (:t_region IS NULL OR p.departement IN (SELECT code FROM departement"                    \
    "      WHERE region = :t_region))"

/* The columns of the schema, in the order of its CSV. */
enum export_column {
    EXPORT_ID,
    EXPORT_PIVOT,
    EXPORT_NOM,
    EXPORT_COMMUNE,
    EXPORT_CODE_POSTAL,
    EXPORT_CODE_INSEE,
    EXPORT_ADRESSE,
    EXPORT_COMPLEMENT_ADRESSE,
    EXPORT_LATITUDE,
    EXPORT_LONGITUDE,
    EXPORT_TYPOLOGIE,
    EXPORT_TELEPHONE,
    EXPORT_COURRIELS,
    EXPORT_SITE_WEB,
    EXPORT_HORAIRES,
    EXPORT_PRESENTATION_RESUME,
    EXPORT_PRESENTATION_DETAIL,
    EXPORT_SOURCE,
    EXPORT_ITINERANCE,
    EXPORT_STRUCTURE_PARENTE,
    EXPORT_DATE_MAJ,
    EXPORT_SERVICES,
    EXPORT_PUBLICS,
    EXPORT_PRISE_EN_CHARGE,
    EXPORT_FRAIS,
    EXPORT_DISPOSITIFS,
    EXPORT_FORMATIONS_LABELS,
    EXPORT_AUTRES_LABELS,
    EXPORT_MODALITES_ACCES,
    EXPORT_MODALITES_ACCOMPAGNEMENT,
    EXPORT_FICHE_ACCES_LIBRE,
    EXPORT_PRISE_RDV,
    EXPORT_COLUMN_COUNT
};

/* "id", "pivot", … "prise_rdv": the schema's field names, by column. */
#define EXPORT_COLUMNS VOCAB_COLUMNS /* the schema's column list, src/vocab.c */

typedef enum export_format {
    EXPORT_FORMAT_CSV,
    EXPORT_FORMAT_JSON,
    EXPORT_FORMAT_GEOJSON
} export_format;

/* "csv", "json", "geojson" → format; false when unknown. */
bool export_format_parse(const char *name, export_format *out);
/* File extension and Content-Type of a format. */
const char *export_format_extension(export_format f);
const char *export_format_content_type(export_format f);

/* ---- scope ---- */

typedef enum export_territory_kind {
    EXPORT_TERRITORY_NONE,
    EXPORT_TERRITORY_COMMUNE,     /* INSEE code: the commune and its arrondissements */
    EXPORT_TERRITORY_EPCI,        /* SIREN of the EPCI */
    EXPORT_TERRITORY_DEPARTEMENT, /* "73", "2A", "974" */
    EXPORT_TERRITORY_REGION,      /* INSEE région code "84" */
} export_territory_kind;

typedef struct export_territory {
    export_territory_kind kind;
    char code[12];
} export_territory;

/*
 * Parse "commune:73065", "epci:200066793", "departement:73", "region:84"
 * (the kind is case-insensitive, a Corsican letter is upper-cased). Checks
 * the shape only; export_territory_exists() checks the gazetteer. Returns
 * false with a French message in *error (static string) when malformed.
 */
bool export_territory_parse(const char *text, export_territory *out, const char **error);
/* True when the gazetteer knows the territory. */
bool export_territory_exists(db_conn *c, const export_territory *t);
/* Name of a territory for file names: "france", "commune-73065", "departement-2A". */
void export_territory_slug(const export_territory *t, buf *out);

/*
 * What to export. Zero-initialise, then set what applies. A search (the
 * parameters of /lieux, run by src/search.c) is passed as the ids of the
 * places it found, so exports and the API select exactly what the list
 * shows.
 */
typedef struct export_filter {
    const char *ids;            /* JSON array of place ids ("[3,17]"), NULL: no restriction */
    bool search;                /* narrowed by a search (names the file "recherche") */
    const char *departement;    /* département code, NULL: none */
    export_territory territory; /* kind NONE: the whole catalogue */
    const char *modified_after; /* 'YYYY-MM-DDTHH:MM:SSZ' UTC: only places changed after */
    bool include_closed;        /* also places that closed (delta sync) */
    /* Cursor: only places after (after_updated_at, after_id) in the
     * (updated_at, id) order; after_updated_at NULL: from the start. */
    const char *after_updated_at;
    int64_t after_id;
    long limit; /* at most this many records; 0: all */
} export_filter;

/*
 * Normalise a date or timestamp given by a client to 'YYYY-MM-DDTHH:MM:SSZ'
 * (UTC): accepts YYYY-MM-DD (midnight UTC), YYYY-MM-DDTHH:MM[:SS] followed
 * by Z or ±HH:MM. out needs 21 bytes. Returns false when it is not a real
 * date (2026-02-30) or not in this shape.
 */
bool export_parse_timestamp(const char *text, char out[21]);
/*
 * The seconds since 1970 (UTC) of a timestamp stored in the canonical form
 * 'YYYY-MM-DDTHH:MM:SSZ' (what the catalogue writes and
 * export_parse_timestamp returns), or false for any other text or an
 * impossible date. Over canonical texts the order of the seconds is the
 * order SQLite compares the texts in (updated_at, the API's cursor), so
 * code may order by one what SQL orders by the other.
 */
bool export_timestamp_seconds(const char *stamp, int64_t *seconds);

/* ---- records ---- */

/*
 * One place as the schema sees it. fields[] are the exact texts of the CSV
 * cells (NULL when empty), valid until the next export_query_next().
 */
typedef struct export_record {
    const char *fields[EXPORT_COLUMN_COUNT];
    bool has_position;
    double latitude, longitude;
    /* Repère's own facts about the row (not part of the schema). */
    int64_t place_id;
    const char *slug;
    const char *updated_at; /* 'YYYY-MM-DDTHH:MM:SSZ' */
    const char *closed_at;  /* NULL unless the place closed (only with include_closed) */
} export_record;

typedef struct export_query export_query;

/*
 * Start reading the places selected by `f` on connection `c`, in the
 * (updated_at, id) order — the order of the API's cursor. The filter's
 * strings must stay valid until export_query_close(). Never fails (an
 * impossible filter gives no record).
 */
export_query *export_query_open(db_conn *c, const export_filter *f);
/* The next record, or false at the end. */
bool export_query_next(export_query *q, export_record *out);
/* Number of records returned so far. */
size_t export_query_count(const export_query *q);
void export_query_close(export_query *q);

/* Number of places `f` selects (ignoring cursor and limit). */
long export_count(db_conn *c, const export_filter *f);

/* ---- writers ---- */

/* The CSV header line (CRLF-terminated). */
void export_csv_header(buf *out);
/* One CSV row (CRLF-terminated), every column, RFC 4180 quoting. */
void export_csv_row(buf *out, const export_record *r);
/* One cell: quoted when it holds a comma, a quote, CR or LF ("" doubled);
 * a text a spreadsheet would run as a formula (starting with = + - @ tab
 * or CR, other than a plain number or an E.164 telephone) gets a leading
 * apostrophe, quoted. */
void export_csv_cell(buf *out, const char *value);

/*
 * The record as a JSON object with the schema's field names, in the CSV's
 * order, every field present (null when empty); latitude and longitude are
 * numbers. Written straight into `out`, compact, the bytes jansson would
 * dump for the same object (an API page of 100 places built as a jansson
 * tree then dumped spent a third of its time there; tests/unit/test_export.c
 * compares). export_json_fields leaves the object open after its last
 * field, for the API to add its own.
 */
void export_json_record(buf *out, const export_record *r);
void export_json_fields(buf *out, const export_record *r);
/* The start of a GeoJSON Feature, up to "properties": (geometry null when
 * the place has no position): the caller writes the properties object,
 * then the closing '}'. */
void export_geojson_feature_open(buf *out, const export_record *r);

/* Where written bytes go. Returns 0, or -1 to stop (write error). */
typedef int (*export_sink)(void *ctx, const char *data, size_t len);
/* Sinks for a FILE * and for a buf. */
int export_sink_file(void *ctx, const char *data, size_t len);
int export_sink_buf(void *ctx, const char *data, size_t len);

/*
 * Write every place selected by `f` in `format` to the sink, record by
 * record. *count (may be NULL) receives the number of records. Returns 0,
 * or -1 when the sink failed.
 */
int export_write(db_conn *c, const export_filter *f, export_format format, export_sink sink,
                 void *ctx, size_t *count);

/*
 * The recommended file name: AAAAMMJJ_repere_lieux-de-mediation-numerique_<territoire>.<ext>
 * (territoire "france", "departement-73", … or "recherche" for a search),
 * for the date `now` (UTC seconds).
 */
char *export_file_name(const export_filter *f, export_format format, int64_t now);

/* ---- pure helpers (unit-tested) ---- */

/*
 * A telephone number as the schema accepts it: E.164 with a French country
 * code (+33, and +262 +269 +508 +590 +594 +596 +681 +687 +689 overseas),
 * from what we store (E.164) or what people type ("04 79 31 19 19").
 * Returns false when the number cannot be written so (a foreign number):
 * the column is then left empty.
 */
bool export_phone(const char *stored, char out[17]);

/*
 * The shortest decimal text that reads back as exactly `v` ("45.1234",
 * not "45.123400000000001"), so that an export imported and exported again
 * is the same file. out needs 32 bytes.
 */
void export_format_coordinate(double v, char out[32]);

/*
 * The commune name as the reference library accepts it (letters, digits,
 * spaces, hyphens, apostrophes): other characters become spaces, runs of
 * blanks one space, trimmed. Appends to out; returns false when nothing
 * is left.
 */
bool export_clean_commune(const char *commune, buf *out);
/* The address line (adresse, complement_adresse), same idea with the wider
 * set of characters the library allows in a street address. */
bool export_clean_address(const char *address, buf *out);
/*
 * A URL as the reference library's pattern accepts it: characters outside
 * its sets are percent-encoded (UTF-8 bytes included). Returns false when
 * the URL still does not fit (no scheme, a port…): the field is then left
 * empty.
 */
bool export_clean_url(const char *url, buf *out);

/* `repere export [--format csv|json|geojson] [--territoire T] [--output FILE]`;
 * argv[0] is "export". Returns the exit status (0, 1 on I/O failure, 2 on
 * usage). */

#endif
