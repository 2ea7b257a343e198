/*
 * hours_grid.h — the weekly grid of the hours editor (per day up to three
 * time ranges, plus "fermé les jours fériés") and its OSM opening_hours
 * form. Pure: unit-tested in tests/unit/test_auth.c.
 */
#ifndef REPERE_ADMIN_HOURS_H
#define REPERE_ADMIN_HOURS_H

#include <stdbool.h>

enum {
    ADMIN_HOURS_RANGES = 3, /* ranges per day in the grid */
};

typedef struct admin_hours_range {
    char from[6], to[6]; /* "HH:MM", "" when unused */
} admin_hours_range;

typedef struct admin_hours_grid {
    admin_hours_range day[7][ADMIN_HOURS_RANGES]; /* 0 = Monday */
    bool ph_off;
} admin_hours_grid;

/* The two-letter OSM code of day d ("Mo"…"Su"). */
const char *admin_hours_day_code(int d);

/*
 * Fill the grid from an expression when it is simple enough (weekday rules
 * with at most three ranges a day, "off", "PH off"). Returns false when the
 * expression says more than the grid can show: the editor then offers the
 * advanced field only. An empty or NULL expression gives an empty grid.
 */
bool admin_hours_from_expr(const char *expr, admin_hours_grid *g);

/*
 * The expression of a grid: days with the same ranges grouped
 * ("Mo-Fr 09:00-12:00,14:00-17:00; Sa 09:00-12:00; PH off"). Returns a
 * malloc'd string, or NULL when no day has a range. The grid must be valid
 * (admin_hours_check_range on each range).
 */
char *admin_hours_to_expr(const admin_hours_grid *g);

/* Check one range (both fields empty is fine). NULL when valid, else a
 * French message. `previous_to` is the end of the day's previous range ("" if none). */
const char *admin_hours_check_range(const admin_hours_range *r, const char *previous_to);

#endif
