/*
 * search.h — finding the right place: by need (full text + residents' words
 * mapped to services), by location ("Où ?", resolved by where.c: a commune,
 * a département or a position), with filters and their counts.
 *
 * How it works, and why:
 *  - The words typed go through the synonym table (data/synonyms.tsv): words
 *    that name a need become an interpretation ("CAF" → démarches
 *    administratives, shown to the person with a link to drop it) that finds
 *    and ranks places but never hides one whose name or text matches
 *    (rank.h); the words become an FTS5 query (each word quoted, prefix on
 *    the last one), run alone — never joined with geography — and capped.
 *  - Filtering, facet counts, distances and ranking run in memory over a
 *    compact index of every open place (search_index), rebuilt when the
 *    catalogue changes (db_version) or the day changes, with the day's
 *    hours facts (open now / on Saturday / after 17 h) computed then. Around
 *    a point only the places under a grid of 0.25° cells are looked at (and
 *    the commune's and EPCI's own); a département reads its own places.
 *  - The radius grows 5 → 10 → 20 → 50 km until enough places are found; the
 *    places of the chosen commune and of its EPCI are always included.
 */
#ifndef REPERE_SEARCH_H
#define REPERE_SEARCH_H

#include <jansson.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/db.h"
#include "search/where.h"

enum {
    SEARCH_PER_PAGE = 20,
    SEARCH_MAX_QUERY = 200,        /* bytes of q= */
    SEARCH_MAX_TERMS = 8,          /* words passed to FTS5 */
    SEARCH_MIN_RESULTS = 5,        /* the radius grows until this many are found */
    SEARCH_MAX_RADIUS_KM = 200,    /* rayon= beyond this is refused */
    SEARCH_MAX_SELECTED = 16,      /* values selected in one filter group */
    SEARCH_MAX_DEPARTEMENTS = 128, /* 101 départements, with room */
};

/* The filter groups, in the order they are shown. */
typedef enum search_group {
    SG_SERVICE,     /* service=   national services */
    SG_TYPE,        /* type=      typologie */
    SG_PUBLIC,      /* public=    publics spécifiquement adressés */
    SG_SUPPORT,     /* accueil=   prise en charge spécifique */
    SG_FEES,        /* tarif=     gratuit, gratuit-sous-condition, payant, pass-numerique */
    SG_MODE,        /* accompagnement= modes + a-votre-place */
    SG_PROGRAMME,   /* label=     programmes and labels */
    SG_ACCESS,      /* acces=     fauteuil */
    SG_HOURS,       /* horaires=  maintenant, apres-17h, lundi … dimanche */
    SG_APPOINTMENT, /* rendez-vous= sans-rendez-vous, sur-rendez-vous */
    SG_COUNT
} search_group;

/* Parsed parameters (same names in /lieux, /lieux.geojson and the API). */
typedef struct search_params {
    const char *q;            /* as typed */
    bool literal;             /* litteral=1: the words only, no interpretation */
    const char *where;        /* ou= as typed */
    const char *chosen_insee; /* commune=: the commune picked on the choice page */
    bool has_position;        /* lat= & lon= */
    double lat, lon;
    double radius_km;                                    /* rayon=; 0: grow automatically */
    const char *selected[SG_COUNT][SEARCH_MAX_SELECTED]; /* slugs, validated */
    size_t selected_count[SG_COUNT];
    long page;
    /* Only the first `ranked` hits need to be in rank order, the others
     * follow in no particular order (a results page needs its own; the
     * ranking of thousands of places around a city is then not sorted
     * whole). 0: every hit ranked. Never set from the request. */
    size_t ranked;
    /* The hits only, in no particular order and without the facet counts:
     * the API orders them itself, by (updated_at, id), and counts no
     * values. Never set from the request. */
    bool hits_only;
} search_params;

typedef struct search_hit {
    int64_t id;
    double distance_km; /* < 0 when no position */
    double relevance;   /* 0..1, 1 = best text match */
    int tier;           /* rank_tier (rank.h): name match, text match, need only */
    bool in_commune;    /* in the commune chosen in « Où ? » */
    /* The place's last change (updated_at as export_timestamp_seconds), 0
     * when not in the canonical form: the API orders a search's hits by
     * (updated_at, id) and reads only one page of them from the database. */
    uint32_t updated;
} search_hit;

typedef struct search_facet_value {
    const char *slug;
    const char *label;
    long count;
    bool selected;
} search_facet_value;

typedef struct search_result {
    where_result where; /* "Où ?", resolved by where_resolve() */
    search_hit *hits;   /* every match, ranked; malloc'd */
    size_t total;
    double radius_km; /* radius used (0: none) */
    bool radius_grown;
    bool beyond_radius;       /* some hits are farther, included as the commune's or EPCI's */
    char interpretation[256]; /* "aide aux démarches administratives" */
    search_facet_value *facets[SG_COUNT]; /* malloc'd arrays, one per group */
    size_t facet_count[SG_COUNT];
    /* What the hours made of the places (the "open now" filter and counts)
     * stays true until this instant (UTC seconds): the first place to open
     * or close among those looked at, or the day's end. */
    int64_t valid_until;
    /* The catalogue version (db_version) of the index that answered: the
     * hits' `updated` are those of that version. */
    int64_t version;
} search_result;

/* The in-memory index; one per app, shared by all threads. */
typedef struct search_index search_index;
search_index *search_index_new(const char *synonyms_path);
void search_index_free(search_index *si);
/* How many open places each département has (from the index, so the home
 * page costs no query over the catalogue); *total: all open places.
 * Returns how many entries were written (sorted by code). */
typedef struct search_dep_count {
    char code[4];
    long count;
} search_dep_count;
size_t search_departement_counts(search_index *si, db *d, search_dep_count *out, size_t max,
                                 size_t *total);

/*
 * Build the index now if the catalogue or the day changed, then work out
 * the hours facts ("open now", "open on Saturday", "after 17 h") of every
 * place that lacks them, so that searches find them ready rather than
 * computing them for thousands of places around a city. Stops early when
 * *stop (may be NULL) becomes true. The daemon runs it at start-up and
 * every few seconds in a thread of its own (main.c).
 */
void search_index_warm(search_index *si, db *d, const atomic_bool *stop);

/*
 * Run a search. Returns 0, or -1 on an internal error (logged). The result
 * owns its arrays: free with search_result_free.
 */
int search_run(search_index *si, db *d, const search_params *p, search_result *out);
void search_result_free(search_result *res);

/*
 * The result-list item of place `id` (place_list_item), or NULL when there
 * is no such place; `version` is db_version(d), read once by the caller for
 * the whole page. Built once per data version (and again when its hours change: place_list_item)
 * and shared between requests and threads (a place edited is shown changed in the very next
 * search): the caller gets a new reference and must never change the object — per-request facts
 * (the distance) go next to it, see templates/places.html.
 * *valid_until (may be NULL) is lowered to the instant the item stops being
 * true: its hours' next change, or midnight.
 */
json_t *search_list_item(search_index *si, db *d, int64_t version, int64_t id,
                         int64_t *valid_until);

/* Slug ↔ parameter name of a group ("service", "type", …). */
const char *search_group_param(search_group g);
const char *search_group_title(search_group g);
/* Is `slug` a value of group g in the index (a filter that exists)? */
bool search_value_known(const search_index *si, search_group g, const char *slug);

/*
 * Pure helpers (unit-tested and fuzzed).
 * search_fts_query: turn words into a safe FTS5 MATCH expression: each word
 * double-quoted (inner quotes doubled), at most SEARCH_MAX_TERMS, prefix '*'
 * on the last word of 2 characters or more. Returns a malloc'd string, or
 * NULL when there is nothing to search.
 */
char *search_fts_query(const char *const *words, size_t count);

#endif
