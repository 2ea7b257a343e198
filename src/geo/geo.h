/*
 * geo.h — distances, the name keys people's input is matched on, the
 * classification of the "Où ?" field, and the gazetteer (communes, postal
 * codes, départements; see docs/gazetteer.md): its loader and the queries
 * that resolve an input to places on the map.
 *
 * The pure functions need nothing. The gazetteer functions receive the
 * sqlite3 connection to use (from db_handle()); they prepare their
 * statements with bound parameters and finalize them before returning, so
 * they hold no state between calls and are safe on any thread's own
 * connection.
 */
#ifndef REPERE_GEO_H
#define REPERE_GEO_H

#include <sqlite3.h>

#include "core/db.h"
#include <stdbool.h>
#include <stddef.h>

/* ---- distances ---- */

/* Great-circle distance in kilometres between two WGS 84 points (haversine,
 * mean Earth radius 6371.0088 km). */
double geo_distance_km(double lat1, double lon1, double lat2, double lon2);

/* A latitude/longitude rectangle, for the (latitude, longitude) indexes. */
typedef struct geo_bbox {
    double min_lat, max_lat;
    double min_lon, max_lon;
} geo_bbox;

/*
 * The smallest rectangle containing every point within radius_km of
 * (lat, lon): lat ± radius/111.2, lon ± radius/(111.2·cos lat). Use it to
 * narrow candidates with an index, then keep those with
 * geo_distance_km() <= radius_km. Near the poles the longitude span is the
 * whole circle; the box is not split at the antimeridian (France is far
 * from it).
 */
geo_bbox geo_bbox_around(double lat, double lon, double radius_km);

/* ---- names ---- */

/*
 * The search key of a place name or of what someone typed: text_fold()
 * (lowercase, no diacritics, non-alphanumerics → one space), then whole
 * words "st", "ste", "sts", "stes" become "saint", "sainte", "saints",
 * "saintes", and ordinals lose their suffix and leading zeros ("3e",
 * "3ème", "03" → "3"; "1er" → "1"). "ST ETIENNE", "Saint-Étienne" and
 * "saint etienne" all give "saint etienne". Leading articles are kept: see
 * geo_key_without_article(). Returns a malloc'd string (caller frees).
 */
char *geo_name_key(const char *s);

/*
 * The key without its leading article ("le", "la", "les", "l"): "le puy en
 * velay" → "puy en velay". Returns a malloc'd string, or NULL when the key
 * has no leading article or nothing after it. The gazetteer stores both
 * forms of each commune name, so "Puy-en-Velay" and "Le Puy-en-Velay" find
 * the same commune while the typed key itself is never altered.
 */
char *geo_key_without_article(const char *key);

/* ---- the "Où ?" field ---- */

typedef enum geo_query_kind {
    GEO_QUERY_EMPTY,       /* nothing but blanks */
    GEO_QUERY_POSTAL_CODE, /* 5 digits, known prefix: 01–95 or 971–978 ("73200", "20000") */
    GEO_QUERY_INSEE,       /* a Corsican INSEE code ("2A004", "2b033"); an all-digit
                              INSEE code cannot be told from a postal code and is
                              classified as one */
    GEO_QUERY_DEPARTEMENT, /* a département code: "1"–"95" except "20", "2A"/"2B", "971"–"976" */
    GEO_QUERY_BAD_CODE,    /* digits that are none of the above ("00100", "123456", "20") */
    GEO_QUERY_TEXT,        /* anything else: a commune or département name */
} geo_query_kind;

/*
 * Classify an input of the "Où ?" field. Leading and trailing blanks are
 * ignored, and so are blanks between digits ("73 200"). Pure.
 */
geo_query_kind geo_classify(const char *input);

/*
 * Canonical form of a code typed in the "Où ?" field, for the lookups
 * below: blanks removed, letters upper-cased, a one-digit département
 * padded ("7" → "07"). Writes at most `size` bytes (NUL included) into out;
 * returns false (out = "") when the result does not fit.
 */
bool geo_code_normalise(const char *input, char *out, size_t size);

/* The département of a five-digit postal code: its first two digits, the
 * first three overseas (97xxx, 98xxx), 2A or 2B in Corsica (20000–20199 is
 * Corse-du-Sud). `out` gets at most 3 characters. */
void geo_departement_of_postal(const char *postal, char out[4]);

/* ---- the gazetteer ---- */

/* The millésime of the INSEE populations légales in data/gazetteer/
 * (@etalab/decoupage-administratif 6.0.0: populations 2023, in force on
 * 1 January 2026; Mayotte: 2017). Change it with the data: docs/gazetteer.md. */
enum { GEO_POPULATION_YEAR = 2023 };

/*
 * Fill the gazetteer tables of migration 0002 from the files in `dir`
 * (normally "data/gazetteer"): communes.tsv, departements.tsv, regions.tsv,
 * epci.tsv. Does nothing when the tables already hold the data of these
 * exact files (checksum in gazetteer_meta); otherwise replaces every row,
 * in one transaction, with prepared statements. If the connection is
 * outside a transaction it runs BEGIN IMMEDIATE … COMMIT; inside one (for
 * instance the writer connection from db_begin()) it uses a savepoint and
 * the caller commits. Returns 0, or -1 with a message on stderr (nothing
 * is changed then).
 */
int geo_gazetteer_load(sqlite3 *handle, const char *dir);

/* One commune (or arrondissement municipal). Fixed-size strings, so a
 * result array is released with one free(). */
typedef struct geo_commune {
    char insee[6];             /* "73011", "2A004" */
    char parent[6];            /* arrondissement: the city's INSEE code; else "" */
    char departement[4];       /* "73", "2A", "974" */
    char name[128];            /* official name, UTF-8: "Albertville" */
    char departement_name[64]; /* "Savoie" */
    char postal_codes[192];    /* space-separated, ascending: "73200" */
    long population;
    double latitude, longitude; /* WGS 84 degrees */
    char coord_source;          /* 'G'/'H' GeoNames; 'P', 'E', 'D' estimated (see 0002) */
    bool exact;                 /* geo_communes_find: the whole key matched (not a prefix) */
} geo_commune;

/* One département with its population-weighted centroid. */
typedef struct geo_departement {
    char code[4];         /* "73" */
    char name[64];        /* "Savoie" */
    char region[4];       /* "84" */
    char region_name[64]; /* "Auvergne-Rhône-Alpes" */
    double latitude, longitude;
} geo_departement;

/*
 * Communes whose name matches a free-text input: first those whose key
 * (geo_name_key(input)) matches a commune key exactly, then those whose
 * key starts with it, each group by decreasing population; at most `max`.
 * A prefix search needs a key of at least 2 characters.
 * On success returns the number found and sets *out to a malloc'd array
 * (caller frees with free(); NULL when 0 found). Returns -1 on an SQLite
 * error (message on stderr, *out = NULL).
 */
int geo_communes_find(db_conn *c, const char *input, size_t max, geo_commune **out);

/*
 * Communes served by a postal code (as given by geo_code_normalise), at
 * most `max`: arrondissements first (69003 → Lyon 3e before Lyon), then by
 * decreasing population. Same return and ownership as geo_communes_find.
 */
int geo_communes_by_postal_code(db_conn *c, const char *postal_code, size_t max, geo_commune **out);

/*
 * The commune with this INSEE code (case-insensitive: "2a004"). Fills *out
 * and returns 1, returns 0 when unknown, -1 on an SQLite error.
 */
int geo_commune_by_insee(db_conn *c, const char *insee, geo_commune *out);

/*
 * The commune (arrondissements included) nearest to a position, looked for
 * within 5, then 20, then 80 km through commune_by_position: for "près de
 * chez moi" labels. Fills *out and returns 1, returns 0 when no commune is
 * within 80 km (at sea, abroad), -1 on an SQLite error.
 */
int geo_commune_nearest(db_conn *c, double lat, double lon, geo_commune *out);

/*
 * The département named by `input`: a code ("73", "7", "2a", "974") or a
 * name compared on its key without leading article ("Savoie", "haute
 * savoie", "Réunion", "La Réunion"). Fills *out and returns 1, returns 0
 * when nothing matches, -1 on an SQLite error.
 */
int geo_departement_find(db_conn *c, const char *input, geo_departement *out);

/* ---- former communes and close spellings ---- */

/* A former commune (commune déléguée or associée, or an old INSEE code) and
 * the commune it is part of today. */
typedef struct geo_former {
    char code[6];        /* its own old INSEE code: "74093" */
    char name[128];      /* "Cran-Gevrier"; "" when the source gives no name */
    geo_commune current; /* today's commune: Annecy */
} geo_former;

/*
 * Former communes whose name key (or key without article) is exactly the
 * input's, today's commune by decreasing population; at most `max`. Same
 * return and ownership as geo_communes_find.
 */
int geo_former_find(db_conn *c, const char *input, size_t max, geo_former **out);

/* The former commune with this old INSEE code: 1 (filled), 0 unknown, -1 error. */
int geo_former_by_code(db_conn *c, const char *code, geo_former *out);

/*
 * Communes (current or former names) whose key is a close spelling of the
 * input's key: edit distance (insertion, deletion, substitution, swap of
 * two neighbours) 1 for keys of 4 to 7 characters, 2 from 8 on, none below
 * 4; same first letter. Only the closest distance found is kept, most
 * populated first, at most `max`, each with exact = false: for "Vouliez-vous
 * dire … ?", never to pick one silently. Same return and ownership as
 * geo_communes_find.
 */
int geo_communes_close(db_conn *c, const char *input, size_t max, geo_commune **out);

/* Edit distance between two keys (as above), or limit + 1 when greater. Pure. */
int geo_edit_distance(const char *a, const char *b, int limit);

#endif
