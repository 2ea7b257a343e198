/*
 * school-cli.c — prints Repère's school holidays of a département for the
 * school-holidays oracle: "school-cli DEP FIRST_YEAR LAST_YEAR" prints, for
 * each year, "YEAR unknown" when it lies outside the calendar, otherwise one
 * line "YYYY-MM-DD NAME" per school-holiday day.
 */
#include "hours/hours.h"

#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    if (argc != 4) return 64;
    int first = atoi(argv[2]), last = atoi(argv[3]);
    for (int y = first; y <= last; y++) {
        for (int64_t d = tz_days_from_civil(y, 1, 1); d < tz_days_from_civil(y + 1, 1, 1); d++) {
            int yy, m, dd;
            tz_civil_from_days(d, &yy, &m, &dd);
            bool known;
            const char *name = hours_school_holiday(argv[1], yy, m, dd, &known);
            if (!known) {
                printf("%d unknown\n", y);
                break;
            }
            if (name) printf("%04d-%02d-%02d %s\n", yy, m, dd, name);
        }
    }
    return 0;
}
