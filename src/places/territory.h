/*
 * territory.h — where help is missing: for every commune of the gazetteer,
 * the straight-line distance from its position to the nearest open place
 * (any, and offering each national service), and the figures of a
 * territory (département, EPCI, région, the whole country) built on them:
 * population living beyond 5 / 10 / 20 km, "zones blanches" (communes
 * beyond TERRITORY_WHITE_ZONE_KM of any place), places open on Saturday or
 * after 17 h, listings not updated for more than a year.
 *
 * Nearest places are found through a 3-D k-d tree of the places' unit
 * vectors (one tree per need): the chord between two points of the sphere
 * grows with their great-circle distance, so the nearest by chord is the
 * nearest on the ground, across borders and seas, in O(log n) per query —
 * never all pairs. No Debian C library offers this (libspatialindex works on
 * planar degrees; nanoflann and libkdtree++ are C++).
 *
 * The computation (territory_compute) is pure and takes arrays; the loader
 * (territory_load) reads the catalogue and the gazetteer; the cache
 * (territory_cache) keeps one result per data version, shared read-only by
 * every thread.
 */
#ifndef REPERE_TERRITORY_H
#define REPERE_TERRITORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/db.h"

enum {
    TERRITORY_SERVICES = 9,                   /* the national services, vocab order */
    TERRITORY_NEEDS = 1 + TERRITORY_SERVICES, /* 0: any place; 1 + s: offering service s */
    TERRITORY_BANDS = 3,                      /* 5, 10, 20 km */
    TERRITORY_WHITE_ZONE_KM = 10,             /* a commune beyond this of any place */
};

/* The distance bands of the headline figures, in km. */
extern const int TERRITORY_BAND_KM[TERRITORY_BANDS];

/* One commune (arrondissements municipaux are folded into their city). */
typedef struct territory_commune {
    char insee[6];
    char name[128];
    char departement[4];
    char region[4];
    char epci[10]; /* "" when in no EPCI */
    long population;
    double lat, lon;
    /* Filled by territory_compute: */
    long places;                         /* open places linked to the commune */
    double nearest_km[TERRITORY_NEEDS];  /* < 0: no place at all for that need */
    int64_t nearest_id[TERRITORY_NEEDS]; /* the place, 0 when none */
} territory_commune;

/* One open place, as the computation needs it. */
typedef struct territory_place {
    int64_t id;
    bool has_position;
    double lat, lon;
    unsigned services;   /* bit s: offers national service s (vocab order) */
    int commune;         /* index in the communes array, -1 when not linked */
    char departement[4]; /* its département ("" when unknown), for places without a commune */
    bool saturday;       /* open on Saturdays */
    bool after_17;       /* open after 17 h on some day */
    bool stale;          /* not updated nor confirmed for more than PLACE_STALE_DAYS */
    char updated[11];    /* "YYYY-MM-DD": the later of date_maj and verified_at ("" unknown) */
} territory_place;

/* The result: communes sorted by INSEE code, places as given. */
typedef struct territory {
    territory_commune *communes;
    size_t commune_count;
    territory_place *places;
    size_t place_count;
    size_t placed_count; /* places with a position */
    int64_t version;     /* db_version it was computed for */
    int64_t computed_at; /* UTC seconds */
    double compute_ms;   /* time spent in territory_compute */
    int refs;            /* owned by the cache: see territory_cache_get */
} territory;

/*
 * Fill each commune's places, nearest_km and nearest_id from `places`.
 * Pure; communes and places are the caller's (places[i].commune indexes
 * communes). O((n + m) log m).
 */
void territory_compute(territory_commune *communes, size_t commune_count,
                       const territory_place *places, size_t place_count);

/* Kinds of territory a summary is made for. */
typedef enum territory_area {
    TERRITORY_NATIONAL,
    TERRITORY_REGION,
    TERRITORY_DEPARTEMENT,
    TERRITORY_EPCI,
} territory_area;

typedef struct territory_summary {
    size_t communes;
    long population;
    long places; /* open places of the territory (by their commune, else their département) */
    long placed; /* of which with a position */
    long population_beyond[TERRITORY_NEEDS][TERRITORY_BANDS]; /* beyond 5, 10, 20 km */
    size_t white_zones; /* communes beyond TERRITORY_WHITE_ZONE_KM of any place */
    long white_zone_population;
    long saturday, after_17, stale;
} territory_summary;

/* Does commune c belong to the territory (kind, code)? code is ignored for NATIONAL. */
bool territory_commune_in(const territory_commune *c, territory_area kind, const char *code);

/* The figures of a territory. Pure. */
void territory_summarise(const territory *t, territory_area kind, const char *code,
                         territory_summary *out);

/* The commune with this INSEE code, or NULL. */
const territory_commune *territory_commune_find(const territory *t, const char *insee);

/* Is this commune a "zone blanche" (beyond TERRITORY_WHITE_ZONE_KM of any place)? */
bool territory_is_white_zone(const territory_commune *c);

/*
 * Read the gazetteer's communes and the catalogue's open places through c
 * and compute. Returns a new territory (free with territory_free), or NULL
 * on an SQLite error (logged). now: for hours and freshness.
 */
territory *territory_load(db_conn *c, int64_t now);
void territory_free(territory *t);

/* One territory per data version, shared read-only by every thread. */
typedef struct territory_cache territory_cache;
territory_cache *territory_cache_new(void);
void territory_cache_free(territory_cache *tc);

/*
 * The territory for the current data version of d and the current UTC day:
 * computed on the first call after a change (one thread computes, the
 * others wait), then shared.
 * The caller gets a reference and gives it back with territory_cache_put.
 * Returns NULL on an SQLite error.
 */
const territory *territory_cache_get(territory_cache *tc, db *d);
void territory_cache_put(territory_cache *tc, const territory *t);

#endif
