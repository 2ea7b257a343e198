/*
 * test_duplicate.c — when two places are one entry on a results page
 * (places/duplicate.h): the same name, folded as the search folds it,
 * within 30 m; and the collapse of result rows, without a database
 * decision (a NULL connection is never reached when nothing is alike).
 */
#include "places/duplicate.h"
#include "unit.h"

/* Seyssinet-Pariset, « L' Arche » (Hinaura 999 and 1011). */
static const double LAT = 45.17916435, LON = 5.697449893563624;

TEST(same_name_same_point)
{
    CHECK(place_duplicate_alike("L' Arche", LAT, LON, "L' Arche", LAT, LON));
}

TEST(name_folded_as_the_search_does)
{
    CHECK(place_duplicate_alike("L' Arche", LAT, LON, "l'ARCHE", LAT, LON));
    CHECK(place_duplicate_alike("Médiathèque", LAT, LON, "mediatheque", LAT, LON));
}

TEST(other_name_is_not_alike)
{
    CHECK(!place_duplicate_alike("L' Arche", LAT, LON, "Mairie", LAT, LON));
}

TEST(thirty_metres_is_the_limit)
{
    /* 0.0002° of latitude is about 22 m; 0.0004° about 44 m. */
    CHECK(place_duplicate_alike("L' Arche", LAT, LON, "L' Arche", LAT + 0.0002, LON));
    CHECK(!place_duplicate_alike("L' Arche", LAT, LON, "L' Arche", LAT + 0.0004, LON));
}

TEST(no_name_is_never_alike)
{
    CHECK(!place_duplicate_alike(NULL, LAT, LON, "L' Arche", LAT, LON));
}

TEST(collapse_leaves_distinct_rows)
{
    json_t *rows = json_pack("[{s:{s:i, s:s, s:f, s:f}}, {s:{s:i, s:s, s:f, s:f}}]", "place", "id",
                             1, "name", "L' Arche", "latitude", LAT, "longitude", LON, "place",
                             "id", 2, "name", "Mairie", "latitude", LAT, "longitude", LON);
    CHECK(place_duplicate_collapse(NULL, rows) == 0);
    CHECK(json_array_size(rows) == 2);
    json_decref(rows);
}

int main(void)
{
    RUN(same_name_same_point);
    RUN(name_folded_as_the_search_does);
    RUN(other_name_is_not_alike);
    RUN(thirty_metres_is_the_limit);
    RUN(no_name_is_never_alike);
    RUN(collapse_leaves_distinct_rows);
    return unit_report();
}
