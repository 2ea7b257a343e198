/*
 * search_request.c — the search parameters of a request (/lieux, the home
 * page, the API, the embed widget): reading and checking them is the page
 * layer's work; search/search.c runs the search on the result and never sees
 * a request.
 */
#include "pages/pages.h"
#include "search/search.h"
#include "search/where.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static bool parse_double(const char *s, double min, double max, double *out)
{
    if (!s || !*s) return false;
    char *end;
    double v = strtod(s, &end);
    if (*end || !isfinite(v) || v < min || v > max) return false;
    *out = v;
    return true;
}

bool search_parse(req *r, search_params *p, const char **error)
{
    memset(p, 0, sizeof *p);
    p->q = req_query(r, "q");
    p->where = req_query(r, "ou");
    p->chosen_insee = req_query(r, "commune");
    const char *literal = req_query(r, "litteral");
    p->literal = literal && *literal && strcmp(literal, "0") != 0;
    if (p->q && strlen(p->q) > SEARCH_MAX_QUERY) {
        *error = N_("Le champ « Que voulez-vous faire ? » est trop long (200 caractères au plus).");
        return false;
    }
    if (p->where && strlen(p->where) > WHERE_MAX_TEXT) {
        *error = N_("Le champ « Où ? » est trop long (100 caractères au plus).");
        return false;
    }
    const char *lat = req_query(r, "lat"), *lon = req_query(r, "lon");
    if (lat || lon) {
        if (!where_parse_position(lat, lon, &p->lat, &p->lon)) {
            *error = N_("La position donnée (lat, lon) n'est pas valide.");
            return false;
        }
        p->has_position = true;
    }
    const char *radius = req_query(r, "rayon");
    if (radius && *radius && !parse_double(radius, 1, SEARCH_MAX_RADIUS_KM, &p->radius_km)) {
        *error = N_("Le rayon doit être un nombre de kilomètres entre 1 et 200.");
        return false;
    }
    const char *page = req_query(r, "page");
    p->page = 1;
    if (page && *page) {
        char *end;
        long v = strtol(page, &end, 10);
        if (*end || v < 1 || v > 100000) {
            *error = N_("Le numéro de page demandé n'est pas valide.");
            return false;
        }
        p->page = v;
    }
    search_index *si = r->app->search;
    for (int g = 0; g < SG_COUNT; g++) {
        const char *values[SEARCH_MAX_SELECTED + 1];
        size_t n =
            req_query_all(r, search_group_param((search_group)g), values, SEARCH_MAX_SELECTED + 1);
        if (n > SEARCH_MAX_SELECTED) {
            *error = N_("Trop de filtres choisis à la fois.");
            return false;
        }
        for (size_t i = 0; i < n; i++) {
            if (!*values[i]) continue;
            if (!search_value_known(si, (search_group)g, values[i])) {
                *error = arena_printf(r->arena, _("Le filtre « %s » n'existe pas (paramètre %s)."),
                                      values[i], search_group_param((search_group)g));
                return false;
            }
            p->selected[g][p->selected_count[g]++] = values[i];
        }
    }
    return true;
}
