/*
 * place.c — /lieux/{id}-{slug}: everything a person needs to go there.
 */
#include "pages/pages.h"
#include "people/intervenant.h"
#include "places/duplicate.h"
#include "places/place_view.h"
#include "places/jsonld.h"
#include "workshops/workshop.h"

#include <stdlib.h>
#include <string.h>

int page_place(req *r)
{
    if (reply_cached(r)) return 0;
    const char *slug = NULL;
    int64_t id = place_parse_segment(r->params[0], &slug);
    if (!id) return reply_error(r, 404, "Ce lieu n'existe pas ou n'existe plus.");
    /* A duplicate merged into another place leads to it (places/duplicate.h). */
    int64_t kept = place_duplicate_merged_into(db_reader(r->app->db), id);
    if (kept) return reply_redirect(r, 301, arena_printf(r->arena, "/lieux/%lld", (long long)kept));
    int64_t updated_at = 0;
    json_t *p = place_view(db_reader(r->app->db), id, &updated_at);
    if (!p) return reply_error(r, 404, "Ce lieu n'existe pas ou n'existe plus.");
    json_t *workshops = workshop_place_upcoming(db_reader(r->app->db), id, now_utc());
    if (workshops) json_object_set_new(p, "workshops", workshops); /* place_workshops.html */
    json_object_set_new(p, "intervenants",                         /* place_intervenants.html */
                        intervenant_of_place(db_reader(r->app->db), id));
    const char *canonical = json_string_value(json_object_get(p, "slug"));
    if (canonical && strcmp(slug, canonical) != 0) {
        const char *path = json_string_value(json_object_get(p, "path"));
        reply_redirect(r, 301, path);
        json_decref(p);
        return 0;
    }
    json_t *d = page_model(json_string_value(json_object_get(p, "name")));
    json_object_set_new(d, "place", p);
    /* schema.org data for search engines and re-users (src/jsonld.c escapes
     * '<', '>' and '&', so no text can close the script element). */
    const char *origin = req_origin(r);
    char *ld = jsonld_place_script(db_reader(r->app->db), id, origin ? origin : "", now_utc());
    if (ld) {
        json_object_set_new(d, "jsonld", json_string(ld));
        free(ld);
    }
    /* The page also says whether the place is open now and lists coming
     * sessions, which change with time, not only with the record: it is
     * never older than the current minute. The ETag (a hash of the body)
     * gives the real savings. */
    int64_t now = now_utc(), minute = now - now % 60;
    r->last_modified = (time_t)(updated_at > minute ? updated_at : minute);
    return reply_page(r, "place", d);
}
