/*
 * test_territory.c — distances from communes to the nearest place and the
 * figures of a territory, on a synthetic territory with known positions,
 * and the k-d tree against a brute-force oracle.
 */
#include "unit.h"

#include <math.h>
#include <stdlib.h>

#include "geo/geo.h"
#include "places/territory.h"

/* One degree of latitude along a meridian, in km (mean Earth radius). */
#define KM_PER_DEGREE (6371.0088 * M_PI / 180.0)

static bool near(double a, double b)
{
    return fabs(a - b) < 1e-9;
}

static territory_commune commune(const char *insee, const char *dep, const char *region,
                                 const char *epci, long population, double lat, double lon)
{
    territory_commune c = {0};
    snprintf(c.insee, sizeof c.insee, "%s", insee);
    snprintf(c.name, sizeof c.name, "Commune %s", insee);
    snprintf(c.departement, sizeof c.departement, "%s", dep);
    snprintf(c.region, sizeof c.region, "%s", region);
    snprintf(c.epci, sizeof c.epci, "%s", epci);
    c.population = population;
    c.lat = lat;
    c.lon = lon;
    return c;
}

/*
 * Four communes on the meridian 5° E, a place at 45° N offering service 0
 * (démarches), one at 45.3° N offering service 7 (matériel), one without a
 * position. Commune D is in another département, 0.5° south: the nearest
 * place is across the border.
 */
TEST(synthetic_territory)
{
    territory_commune communes[] = {
        commune("01001", "01", "84", "200000001", 1000, 45.0, 5.0),  /* at the place */
        commune("01002", "01", "84", "200000001", 2000, 45.07, 5.0), /* 0.07° = 7.78 km */
        commune("01003", "01", "84", "200000002", 3000, 45.5, 5.0),  /* 0.2° from the 2nd */
        commune("38001", "38", "84", "200000002", 4000, 44.5, 5.0),  /* 0.5° = 55.6 km */
    };
    territory_place places[] = {
        {.id = 11,
         .has_position = true,
         .lat = 45.0,
         .lon = 5.0,
         .services = 1u << 0,
         .commune = 0,
         .saturday = true},
        {.id = 12,
         .has_position = true,
         .lat = 45.3,
         .lon = 5.0,
         .services = 1u << 7,
         .commune = 2,
         .after_17 = true,
         .stale = true},
        {.id = 13, .has_position = false, .commune = 1, .services = 1u << 7},
    };
    territory t = {.communes = communes, .commune_count = 4, .places = places, .place_count = 3};
    territory_compute(communes, 4, places, 3);

    CHECK(communes[0].places == 1 && communes[1].places == 1 && communes[2].places == 1);
    CHECK(communes[3].places == 0);
    CHECK(near(communes[0].nearest_km[0], 0));
    CHECK(communes[0].nearest_id[0] == 11);
    CHECK(near(communes[1].nearest_km[0], 0.07 * KM_PER_DEGREE));
    CHECK(near(communes[2].nearest_km[0], 0.2 * KM_PER_DEGREE));
    CHECK(communes[2].nearest_id[0] == 12);
    CHECK(near(communes[3].nearest_km[0], 0.5 * KM_PER_DEGREE));
    /* per service: démarches only at 45.0, matériel only at 45.3; the place
     * without a position is counted but never nearest */
    CHECK(communes[2].nearest_id[1] == 11);
    CHECK(near(communes[2].nearest_km[1], 0.5 * KM_PER_DEGREE));
    CHECK(communes[1].nearest_id[8] == 12);
    CHECK(near(communes[1].nearest_km[8], 0.23 * KM_PER_DEGREE));
    CHECK(communes[0].nearest_km[2] < 0 && communes[0].nearest_id[2] == 0);

    CHECK(!territory_is_white_zone(&communes[1]));
    CHECK(territory_is_white_zone(&communes[2])); /* 22.2 km */
    CHECK(territory_is_white_zone(&communes[3]));

    territory_summary s;
    territory_summarise(&t, TERRITORY_DEPARTEMENT, "01", &s);
    CHECK(s.communes == 3 && s.population == 6000);
    CHECK(s.places == 3 && s.placed == 2);
    CHECK(s.saturday == 1 && s.after_17 == 1 && s.stale == 1);
    CHECK(s.white_zones == 1 && s.white_zone_population == 3000);
    CHECK(s.population_beyond[0][0] == 5000); /* > 5 km: 7.8 and 22.2 km */
    CHECK(s.population_beyond[0][1] == 3000); /* > 10 km */
    CHECK(s.population_beyond[0][2] == 3000); /* > 20 km */
    CHECK(s.population_beyond[3][2] == 6000); /* no place offers service 2 */
    /* démarches: 0, 7.8 and 55.6 km */
    CHECK(s.population_beyond[1][2] == 3000);

    territory_summarise(&t, TERRITORY_EPCI, "200000002", &s);
    CHECK(s.communes == 2 && s.population == 7000 && s.places == 1);
    CHECK(s.white_zones == 2);
    territory_summarise(&t, TERRITORY_NATIONAL, NULL, &s);
    CHECK(s.communes == 4 && s.places == 3 && s.white_zones == 2);
    territory_summarise(&t, TERRITORY_REGION, "84", &s);
    CHECK(s.communes == 4);

    CHECK(territory_commune_find(&t, "01003") == &communes[2]);
    CHECK(territory_commune_find(&t, "99999") == NULL);
}

/* Places on both sides of the antimeridian and at high latitude: the tree
 * must find what a scan of every pair finds. */
TEST(kd_tree_matches_brute_force)
{
    enum { N_COMMUNES = 400, N_PLACES = 3000 };
    territory_commune *communes = calloc(N_COMMUNES, sizeof *communes);
    territory_place *places = calloc(N_PLACES, sizeof *places);
    srand(42);
    for (size_t i = 0; i < N_COMMUNES; i++) {
        char code[8];
        snprintf(code, sizeof code, "%05zu", i);
        communes[i] = commune(code, "01", "84", "", 10, -60 + 120.0 * rand() / RAND_MAX,
                              -180 + 360.0 * rand() / RAND_MAX);
    }
    for (size_t i = 0; i < N_PLACES; i++) {
        places[i] = (territory_place){.id = (int64_t)i + 1,
                                      .has_position = true,
                                      .lat = -60 + 120.0 * rand() / RAND_MAX,
                                      .lon = -180 + 360.0 * rand() / RAND_MAX,
                                      .services = (unsigned)rand() & 0x1ff,
                                      .commune = -1};
    }
    territory_compute(communes, N_COMMUNES, places, N_PLACES);
    int wrong = 0;
    for (size_t i = 0; i < N_COMMUNES; i++) {
        for (int need = 0; need < TERRITORY_NEEDS; need++) {
            double best = -1;
            for (size_t j = 0; j < N_PLACES; j++) {
                if (need > 0 && !(places[j].services & (1u << (need - 1)))) continue;
                double d =
                    geo_distance_km(communes[i].lat, communes[i].lon, places[j].lat, places[j].lon);
                if (best < 0 || d < best) best = d;
            }
            if (fabs(best - communes[i].nearest_km[need]) > 1e-6) wrong++;
        }
    }
    CHECK(wrong == 0);
    free(communes);
    free(places);
}

int main(void)
{
    RUN(synthetic_territory);
    RUN(kd_tree_matches_brute_force);
    return unit_report();
}
