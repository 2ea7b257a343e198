/*
 * embed.c — /embed/lieux?…: a compact list of places for a commune's or a
 * hub's website, in an iframe. The only pages that may be framed by other
 * sites: they set allow_framing (no X-Frame-Options) and their own
 * Content-Security-Policy with `frame-ancestors *` (http.c, csp_override);
 * everything else keeps frame-ancestors 'none'.
 *
 * Same selection parameters as /lieux and the downloads (src/api.c); links
 * open the full place page in a new tab. An ambiguous "Où ?" is asked inside
 * the frame, as on /lieux (where.h): each commune links back here with
 * commune= added; an unknown one is said there too.
 */
#include "pages/pages.h"
#include "pages/api_request.h"
#include "places/export.h"
#include "core/fr.h"
#include "places/place_view.h"
#include "search/where.h"

#include <stdlib.h>
#include <string.h>

enum {
    EMBED_MAX_PLACES = 200, /* a longer list belongs on Repère itself: "voir tous les lieux" */
};

/* The embed's policy: the site's, with framing allowed from anywhere. */
static const char EMBED_CSP[] = "default-src 'self'; img-src 'self' data:; object-src 'none'; "
                                "base-uri 'none'; frame-ancestors *; form-action 'self'";

typedef struct embed_item {
    char *sort_key;
    json_t *item;
} embed_item;

static int by_commune_then_name(const void *a, const void *b)
{
    return strcmp(((const embed_item *)a)->sort_key, ((const embed_item *)b)->sort_key);
}

/* Render the embed's own document (no site header and footer). */
static int reply_embed(req *r, json_t *d)
{
    json_object_set_new(d, "home_url", json_string(api_absolute_url(r, "/")));
    r->status = 200;
    if (reply_document(r, "embed_lieux", d) != 0) return -1;
    r->cache_control = "public, max-age=300";
    return 0;
}

/* The request's query string without its commune= pairs, then commune=insee. */
static const char *with_commune(req *r, const char *insee)
{
    buf b = {0};
    const char *qs = req_query_string(r);
    while (*qs) {
        size_t n = strcspn(qs, "&");
        size_t key = strcspn(qs, "=&");
        if (n && !(key == 7 && strncmp(qs, "commune", 7) == 0)) {
            buf_putc(&b, b.len ? '&' : '?');
            buf_append(&b, qs, n);
        }
        qs += n;
        if (*qs) qs++;
    }
    buf_puts(&b, b.len ? "&commune=" : "?commune=");
    url_encode(&b, insee);
    const char *url = arena_printf(r->arena, "/embed/lieux%s", b.data);
    buf_free(&b);
    return url;
}

/* "Où ?" is ambiguous or unknown: say so in the frame. */
static int where_page(req *r, const where_result *w)
{
    json_t *d = page_model(_("Lieux d'aide au numérique"));
    const char *ou = req_query(r, "ou");
    if (!ou || !*ou) ou = req_query(r, "departement");
    json_object_set_new(d, "ou", json_string(ou ? ou : ""));
    if (w->kind == WHERE_UNKNOWN) json_object_set_new(d, "where_error", json_string(w->message));
    json_t *choices = json_array();
    for (size_t i = 0; i < w->choice_count; i++)
        json_array_append_new(choices,
                              json_pack("{s:s, s:s, s:s, s:s, s:s}", "name", w->choices[i].name,
                                        "departement", w->choices[i].departement,
                                        "departement_name", w->choices[i].departement_name,
                                        "postal_codes", w->choices[i].postal_codes, "url",
                                        with_commune(r, w->choices[i].insee)));
    json_object_set_new(d, "choices", choices);
    if (w->suggested) json_object_set_new(d, "suggested", json_true());
    json_object_set_new(d, "asking", json_true());
    return reply_embed(r, d);
}

int page_embed_places(req *r)
{
    r->allow_framing = true;
    r->csp_override = EMBED_CSP;
    export_filter f;
    const char *error, *detail;
    where_result where;
    if (!api_selection_where(r, API_PARAMS_PAGE, &f, &where, &error, &detail)) {
        if (where.kind == WHERE_CHOICE || where.kind == WHERE_UNKNOWN) {
            int rc = where_page(r, &where);
            where_result_free(&where);
            return rc;
        }
        where_result_free(&where);
        const char *message =
            detail && *detail ? arena_printf(r->arena, "%s (%s)", error, detail) : error;
        return reply_error(r, 400, message);
    }
    where_result_free(&where);
    db_conn *c = db_reader(r->app->db);
    long total = export_count(c, &f);
    embed_item *items = xcalloc(EMBED_MAX_PLACES, sizeof *items);
    size_t n = 0;
    export_query *q = export_query_open(c, &f);
    export_record rec;
    while (n < EMBED_MAX_PLACES && export_query_next(q, &rec)) {
        char *path = place_path(rec.place_id, rec.slug);
        json_t *o =
            json_pack("{s:s, s:s}", "name", rec.fields[EXPORT_NOM] ? rec.fields[EXPORT_NOM] : "",
                      "url", api_absolute_url(r, path));
        free(path);
        const char *fields[][2] = {{"address", rec.fields[EXPORT_ADRESSE]},
                                   {"postal_code", rec.fields[EXPORT_CODE_POSTAL]},
                                   {"commune", rec.fields[EXPORT_COMMUNE]},
                                   {"hours", rec.fields[EXPORT_HORAIRES]}};
        for (size_t i = 0; i < ARRAY_LEN(fields); i++)
            if (fields[i][1]) json_object_set_new(o, fields[i][0], json_string(fields[i][1]));
        if (rec.fields[EXPORT_TELEPHONE]) {
            buf phone = {0};
            fr_phone(&phone, rec.fields[EXPORT_TELEPHONE]);
            json_object_set_new(o, "phone", json_string(rec.fields[EXPORT_TELEPHONE]));
            json_object_set_new(o, "phone_display", json_string(phone.data));
            buf_free(&phone);
        }
        char *commune_key = text_fold(rec.fields[EXPORT_COMMUNE] ? rec.fields[EXPORT_COMMUNE] : "");
        char *name_key = text_fold(rec.fields[EXPORT_NOM] ? rec.fields[EXPORT_NOM] : "");
        items[n].sort_key =
            xasprintf("%s\x01%s\x01%020lld", commune_key, name_key, (long long)rec.place_id);
        free(commune_key);
        free(name_key);
        items[n].item = o;
        n++;
    }
    export_query_close(q);
    qsort(items, n, sizeof *items, by_commune_then_name);
    json_t *places = json_array();
    for (size_t i = 0; i < n; i++) {
        json_array_append_new(places, items[i].item);
        free(items[i].sort_key);
    }
    free(items);

    json_t *d = page_model(_("Lieux d'aide au numérique"));
    json_object_set_new(d, "places", places);
    buf count = {0};
    fr_count(&count, total, "lieu", "lieux");
    json_object_set_new(d, "count", json_string(count.data));
    buf_free(&count);
    if (total > (long)n) json_object_set_new(d, "truncated", json_true());
    const char *qs = req_query_string(r);
    json_object_set_new(d, "more_url",
                        json_string(api_absolute_url(
                            r, f.search ? arena_printf(r->arena, "/lieux?%s", qs) : "/lieux")));
    return reply_embed(r, d);
}
