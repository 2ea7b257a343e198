/*
 * carnet.c — /territoire/{commune}/imprimer: the commune "carnet", every
 * place within a chosen distance of a commune (?rayon=, 10 km by default),
 * closest first, with its hours, phone, QR code and next workshops — one or
 * two A4 pages for a small commune, for the town hall's notice board or the
 * letter boxes. ?gros=1: large print.
 *
 * {commune} is an INSEE code ("73065", "2A004") or a name slug
 * ("chambery", "saint-etienne"); a slug may end with the département
 * ("saint-julien-07") when several communes share the name, otherwise the
 * page offers the homonyms. {commune} is resolved by where_resolve(), as
 * "Où ?" everywhere (the slug read as "saint julien (07)"); the places are
 * search_run()'s, with the radius fixed (never grown) and places beyond it
 * left out.
 */
#include "pages/pages.h"
#include "core/fr.h"
#include "search/search.h"
#include "kit/selection.h"
#include "pages/selection_page.h"
#include "search/where.h"
#include "workshops/workshop.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    CARNET_DEFAULT_KM = 10,
    CARNET_MAX_KM = 50,       /* rayon= beyond this is refused: a carnet, not a directory */
    CARNET_MAX_PLACES = 40,   /* entries printed at most (closest first) */
    CARNET_SESSIONS = 3,      /* next workshop sessions per place */
    CARNET_MAX_SEGMENT = 120, /* bytes of {commune} */
};

static bool looks_like_insee(const char *s)
{
    if (strlen(s) != 5) return false;
    bool corsica = (s[0] == '2') && (s[1] == 'A' || s[1] == 'B' || s[1] == 'a' || s[1] == 'b');
    for (int i = 0; i < 5; i++)
        if (!isdigit((unsigned char)s[i]) && !(corsica && i == 1)) return false;
    return true;
}

/* A trailing "-07", "-2a", "-974" département, removed from the slug. */
static bool split_departement(char *slug, char dep[4])
{
    char *dash = strrchr(slug, '-');
    if (!dash || dash == slug) return false;
    size_t n = strlen(dash + 1);
    if (n < 2 || n > 3) return false;
    for (size_t i = 0; i < n; i++) {
        char c = dash[1 + i];
        if (!isdigit((unsigned char)c) &&
            !(i == 1 && n == 2 && dash[1] == '2' && strchr("abAB", c)))
            return false;
    }
    for (size_t i = 0; i <= n; i++)
        dep[i] = (char)toupper((unsigned char)dash[1 + i]);
    *dash = '\0';
    return true;
}

/* The slug as "Où ?" text: "saint-julien-07" → "saint julien (07)". Arena. */
static const char *slug_where_text(req *r, const char *segment)
{
    char *slug = arena_strdup(r->arena, segment);
    char dep[4] = "";
    bool has_dep = split_departement(slug, dep);
    for (char *p = slug; *p; p++)
        if (*p == '-' || *p == '_') *p = ' ';
    return has_dep ? arena_printf(r->arena, "%s (%s)", slug, dep) : slug;
}

/* Homonyms: a page of links, one per commune, by INSEE code. */
static int homonyms_page(req *r, const where_result *w, long km, bool large)
{
    json_t *d = page_model(_("Quelle commune ?"));
    json_t *choices = json_array();
    for (size_t i = 0; i < w->choice_count; i++) {
        const where_choice *c = &w->choices[i];
        char *url = arena_printf(r->arena, "/territoire/%s/imprimer?rayon=%ld%s", c->insee, km,
                                 large ? "&gros=1" : "");
        json_array_append_new(choices, json_pack("{s:s, s:s, s:s, s:s}", "name", c->name,
                                                 "departement", c->departement, "departement_name",
                                                 c->departement_name, "url", url));
    }
    json_object_set_new(d, "choices", choices);
    selection_nav(r, d);
    return reply_page(r, "carnet_choice", d);
}

int page_carnet(req *r)
{
    const char *segment = r->params[0];
    bool large = req_query(r, "gros") && *req_query(r, "gros");
    long km = CARNET_DEFAULT_KM;
    const char *rayon = req_query(r, "rayon");
    if (rayon && *rayon) {
        char *end;
        km = strtol(rayon, &end, 10);
        if (*end || km < 1 || km > CARNET_MAX_KM) {
            char *msg = arena_printf(
                r->arena, _("La distance (rayon) doit être un nombre de kilomètres entre 1 et %d."),
                CARNET_MAX_KM);
            return reply_error(r, 400, msg);
        }
    }
    if (strlen(segment) > CARNET_MAX_SEGMENT)
        return reply_error(r, 404, "Nous ne connaissons pas cette commune.");

    where_input in = {0};
    bool by_code = looks_like_insee(segment);
    if (by_code)
        in.commune = segment;
    else
        in.text = slug_where_text(r, segment);
    where_result commune;
    if (where_resolve(r->app->db, &in, &commune) != 0) return -1;
    if (commune.kind == WHERE_CHOICE) {
        int rc = homonyms_page(r, &commune, km, large);
        where_result_free(&commune);
        return rc;
    }
    where_result_free(&commune);
    if (commune.kind != WHERE_COMMUNE) /* a carnet needs a commune, not a département */
        return reply_error(r, 404,
                           by_code ? N_("Aucune commune ne porte ce code INSEE.")
                                   : N_("Nous ne connaissons pas cette commune : essayez "
                                        "son code INSEE."));

    search_params p;
    memset(&p, 0, sizeof p);
    p.chosen_insee = commune.insee;
    p.radius_km = (double)km;
    p.page = 1;
    search_result res;
    if (search_run(r->app->search, r->app->db, &p, &res) != 0) return -1;

    const char *origin = selection_origin(r);
    db_conn *c = db_reader(r->app->db);
    json_t *items = json_array();
    size_t beyond_cap = 0;
    for (size_t i = 0; i < res.total; i++) {
        const search_hit *hit = &res.hits[i];
        if (hit->distance_km > (double)km) continue; /* the EPCI's farther places */
        if (json_array_size(items) == CARNET_MAX_PLACES) {
            beyond_cap++;
            continue;
        }
        json_t *o = print_place_view(r, hit->id, origin);
        if (!o) continue;
        buf dist = {0};
        if (hit->distance_km >= 0) fr_distance(&dist, hit->distance_km);
        if (dist.data) json_object_set_new(o, "distance", json_string(dist.data));
        buf_free(&dist);
        json_t *ws = workshop_place_upcoming(c, hit->id, now_utc());
        if (ws) {
            json_t *sessions = json_object_get(ws, "sessions");
            while (json_array_size(sessions) > CARNET_SESSIONS)
                json_array_remove(sessions, json_array_size(sessions) - 1);
            json_object_set_new(o, "workshops", json_incref(sessions));
            json_decref(ws);
        }
        json_object_set_new(o, "n", json_integer((json_int_t)json_array_size(items) + 1));
        json_array_append_new(items, o);
    }
    search_result_free(&res);

    char *title = arena_printf(r->arena, _("Lieux d'aide au numérique autour de %s"), commune.name);
    json_t *d = page_model(title);
    json_object_set_new(d, "commune",
                        json_pack("{s:s, s:s, s:s}", "name", commune.name, "insee", commune.insee,
                                  "departement", commune.departement));
    json_object_set_new(d, "rayon", json_integer(km));
    if (large) json_object_set_new(d, "large", json_true());
    buf b = {0};
    fr_count(&b, (long)json_array_size(items), "lieu", "lieux");
    json_object_set_new(d, "count", json_string(b.data));
    buf_free(&b);
    if (beyond_cap) {
        json_object_set_new(d, "capped", json_integer((json_int_t)beyond_cap));
        json_object_set_new(d, "max", json_integer(CARNET_MAX_PLACES));
    }
    json_object_set_new(d, "items", items);
    if (!origin) json_object_set_new(d, "no_origin", json_true());
    buf date = {0};
    print_date_now(&date);
    json_object_set_new(d, "printed_at", json_string(date.data));
    buf_free(&date);
    /* Links to change the distance or the print size. */
    json_t *radii = json_array();
    static const int CHOICES[] = {5, 10, 20, 30};
    for (size_t i = 0; i < ARRAY_LEN(CHOICES); i++)
        json_array_append_new(radii, json_pack("{s:i, s:s, s:b}", "km", CHOICES[i], "url",
                                               arena_printf(r->arena, "?rayon=%d%s", CHOICES[i],
                                                            large ? "&gros=1" : ""),
                                               "current", CHOICES[i] == km));
    json_object_set_new(d, "radii", radii);
    json_object_set_new(
        d, "toggle_large_url",
        json_string(arena_printf(r->arena, "?rayon=%ld%s", km, large ? "" : "&gros=1")));
    return print_reply_sheet(r, "carnet", d);
}
