/*
 * test_people.c — the intervenants' pure rules (src/people/): the one rule
 * of an area (intervenant_serves), the controlled lists and their codes.
 */
#include "unit.h"
#include "people/intervenant.h"

#include <string.h>

TEST(area_rule)
{
    /* Home at 45.0 N 2.0 E; the point 45.0 N 2.1 E is about 7.9 km east. */
    CHECK(intervenant_serves("15014", 45.0, 2.0, 0, false, "15014", 45.0, 2.0));
    CHECK(!intervenant_serves("15014", 45.0, 2.0, 0, false, "15012", 45.0, 2.1));
    CHECK(intervenant_serves("15014", 45.0, 2.0, 10, false, "15012", 45.0, 2.1));
    CHECK(!intervenant_serves("15014", 45.0, 2.0, 5, false, "15012", 45.0, 2.1));
    CHECK(intervenant_serves(NULL, 0, 0, 0, true, "75056", 48.86, 2.35));
    CHECK(intervenant_serves("15014", 45.0, 2.0, 0, true, "75056", 48.86, 2.35));
    CHECK(!intervenant_serves(NULL, 0, 0, 50, false, "15014", 45.0, 2.0));
    CHECK(!intervenant_serves("", 45.0, 2.0, 50, false, "15014", 45.0, 2.0));
}

/* Codes are unique within a list, and never hold the list separator. */
static void check_list(const people_term *list)
{
    for (const people_term *a = list; a->code; a++) {
        CHECK(!strchr(a->code, '|') && *a->label);
        for (const people_term *b = a + 1; b->code; b++)
            CHECK(strcmp(a->code, b->code) != 0);
    }
}

TEST(lists)
{
    const people_term *lists[] = {PEOPLE_KINDS,   PEOPLE_DOMAINS,   PEOPLE_FORMATS,  PEOPLE_FEES,
                                  PEOPLE_PUBLICS, PEOPLE_LANGUAGES, PEOPLE_APPROVALS};
    for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++)
        check_list(lists[i]);
    CHECK_STR(people_label(PEOPLE_LANGUAGES, "lsf"), "Langue des signes française");
    CHECK_STR(people_label(PEOPLE_APPROVALS, "education-nationale"),
              "Agrément Éducation nationale");
    CHECK(people_label(PEOPLE_PUBLICS, "inconnu") == NULL);
    CHECK(people_has_code("fr|lsf|ar", "ar"));
    CHECK(!people_has_code("fr|lsf|ar", "a"));
    CHECK(!people_has_code("", "fr"));
}

int main(void)
{
    RUN(area_rule);
    RUN(lists);
    return unit_report();
}
