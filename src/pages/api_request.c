/*
 * api_request.c — selection of places from a request, rate limit, JSON errors and
 * the API's view of a place. See api.h and docs/api.md.
 */
#include "pages/api_request.h"
#include "pages/pages.h"
#include "places/place_view.h"
#include "search/search.h"

#include <ctype.h>
#include <math.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ------------------------------------------------------------------------ */
/* Errors and CORS                                                           */

void api_cors(req *r)
{
    reply_header(r, "Access-Control-Allow-Origin", "*");
    reply_header(r, "Access-Control-Expose-Headers", "ETag, Last-Modified, Retry-After");
}

int api_error(req *r, int status, const char *error, const char *detail)
{
    api_cors(r);
    r->location = NULL;
    return reply_json(r, status,
                      json_pack("{s:s, s:s}", "erreur", error, "detail", detail ? detail : ""));
}

/* ------------------------------------------------------------------------ */
/* Rate limit                                                                */

enum {
    RATE_SLOTS =
        4096, /* clients remembered; the least recently seen of a probe window is evicted */
    RATE_PROBE = 8,
    RATE_DEFAULT_PER_MINUTE = 120,
    RATE_DEFAULT_BURST = 60,
};

typedef struct rate_slot {
    char client[48];
    double tokens;
    double last; /* seconds, monotonic */
} rate_slot;

/* The one piece of mutable process-wide state of this module: the buckets,
 * behind a mutex. Fixed size, nothing to free. The allowance itself comes
 * from the start-up configuration (r->app->cfg), read once by main.c. */
static struct {
    pthread_mutex_t lock;
    rate_slot slots[RATE_SLOTS];
} RATE = {.lock = PTHREAD_MUTEX_INITIALIZER};

/* Requests per second and burst of the configuration (0 or less: the defaults). */
static void rate_allowance(const config *cfg, double *per_second, double *burst)
{
    int per_minute = cfg->api_rate > 0 ? cfg->api_rate : RATE_DEFAULT_PER_MINUTE;
    *per_second = (double)per_minute / 60.0;
    *burst = (double)(cfg->api_burst > 0 ? cfg->api_burst : RATE_DEFAULT_BURST);
}

static double monotonic_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The client to count: the peer, or the proxy's last X-Forwarded-For entry. */
static const char *rate_client(req *r)
{
    return req_client_ip(r); /* the proxy's header when trusted: request.c */
}

bool api_rate_allow(req *r)
{
    double per_second, burst;
    rate_allowance(&r->app->cfg, &per_second, &burst);
    const char *client = rate_client(r);
    uint64_t h = 1469598103934665603ULL;
    for (const char *p = client; *p; p++)
        h = (h ^ (unsigned char)*p) * 1099511628211ULL;
    double now = monotonic_seconds();
    double retry_after = 0;
    pthread_mutex_lock(&RATE.lock);
    rate_slot *slot = NULL, *oldest = NULL;
    for (size_t i = 0; i < RATE_PROBE && !slot; i++) {
        rate_slot *s = &RATE.slots[(h + i) % RATE_SLOTS];
        if (strcmp(s->client, client) == 0 && s->client[0])
            slot = s;
        else if (!oldest || s->last < oldest->last)
            oldest = s;
    }
    if (!slot) {
        slot = oldest;
        snprintf(slot->client, sizeof slot->client, "%s", client);
        slot->tokens = burst;
        slot->last = now;
    }
    slot->tokens = fmin(burst, slot->tokens + (now - slot->last) * per_second);
    slot->last = now;
    bool allowed = slot->tokens >= 1.0;
    if (allowed)
        slot->tokens -= 1.0;
    else
        retry_after = (1.0 - slot->tokens) / per_second;
    pthread_mutex_unlock(&RATE.lock);
    if (allowed) return true;
    char seconds[24];
    snprintf(seconds, sizeof seconds, "%ld",
             (long)ceil(retry_after) > 0 ? (long)ceil(retry_after) : 1L);
    reply_header(r, "Retry-After", seconds);
    const char *message = "Trop de requêtes : réessayez dans quelques secondes.";
    if (str_starts_with(r->path, "/api/")) {
        api_error(r, 429, message,
                  arena_printf(r->arena,
                               "au plus %.0f requêtes par minute et par client ; "
                               "attendez %s s (en-tête Retry-After)",
                               per_second * 60, seconds));
    } else {
        reply_error(r, 429, message);
    }
    return false;
}

/* ------------------------------------------------------------------------ */
/* URLs, cursor, the API's view of a place                                   */

const char *api_absolute_url(req *r, const char *path)
{
    const char *origin = req_origin(r);
    return origin ? arena_printf(r->arena, "%s%s", origin, path) : arena_strdup(r->arena, path);
}

void api_cursor_encode(const char *updated_at, int64_t id, char out[API_CURSOR_MAX])
{
    char text[64];
    int n = snprintf(text, sizeof text, "%s|%lld", updated_at ? updated_at : "", (long long)id);
    sodium_bin2base64(out, API_CURSOR_MAX, (const unsigned char *)text, (size_t)n,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

bool api_cursor_decode(const char *text, char updated_at[21], int64_t *id)
{
    if (!text || !*text || strlen(text) >= API_CURSOR_MAX) return false;
    unsigned char bin[API_CURSOR_MAX];
    size_t len = 0;
    if (sodium_base642bin(bin, sizeof bin - 1, text, strlen(text), NULL, &len, NULL,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0)
        return false;
    bin[len] = '\0';
    const char *s = (const char *)bin;
    const char *bar = strchr(s, '|');
    if (!bar || bar - s != 20) return false;
    char stamp[21];
    memcpy(stamp, s, 20);
    stamp[20] = '\0';
    char normal[21];
    if (!export_parse_timestamp(stamp, normal) || strcmp(normal, stamp) != 0) return false;
    const char *digits = bar + 1;
    if (!*digits || strlen(digits) > 18) return false;
    for (const char *p = digits; *p; p++)
        if (!isdigit((unsigned char)*p)) return false;
    memcpy(updated_at, stamp, 21);
    *id = strtoll(digits, NULL, 10);
    return true;
}

void api_lieu_write(req *r, buf *out, const export_record *rec)
{
    export_json_fields(out, rec);
    char *path = place_path(rec->place_id, rec->slug);
    buf_printf(out, ",\"identifiant\":%lld,\"url\":", (long long)rec->place_id);
    buf_json_string(out, api_absolute_url(r, path));
    free(path);
    buf_puts(out, ",\"modifie_le\":");
    buf_json_string(out, rec->updated_at);
    buf_puts(out, ",\"ferme_le\":");
    buf_json_string(out, rec->closed_at);
    buf_putc(out, '}');
}

/* ------------------------------------------------------------------------ */
/* Selection                                                                 */

/* Parameters of /lieux that the search module reads (besides the filter groups). */
static const char *const SEARCH_PARAMS[] = {"q",   "ou",    "commune",    "lat",
                                            "lon", "rayon", "departement"};

static bool known_param(const char *key, unsigned accepted)
{
    for (size_t i = 0; i < ARRAY_LEN(SEARCH_PARAMS); i++)
        if (strcmp(key, SEARCH_PARAMS[i]) == 0) return true;
    for (int g = 0; g < SG_COUNT; g++)
        if (strcmp(key, search_group_param((search_group)g)) == 0) return true;
    if (strcmp(key, "territoire") == 0) return true;
    if ((accepted & API_PARAMS_LIST) && (strcmp(key, "modified_after") == 0 ||
                                         strcmp(key, "limit") == 0 || strcmp(key, "cursor") == 0))
        return true;
    if ((accepted & API_PARAMS_PAGE) && strcmp(key, "page") == 0) return true;
    if ((accepted & API_PARAMS_FORMAT) && strcmp(key, "format") == 0) return true;
    return false;
}

/* The accepted parameter names, for error details. */
static const char *accepted_list(req *r, unsigned accepted)
{
    buf b = {0};
    for (size_t i = 0; i < ARRAY_LEN(SEARCH_PARAMS); i++)
        buf_printf(&b, "%s%s", b.len ? ", " : "", SEARCH_PARAMS[i]);
    for (int g = 0; g < SG_COUNT; g++)
        buf_printf(&b, ", %s", search_group_param((search_group)g));
    buf_puts(&b, ", territoire");
    if (accepted & API_PARAMS_LIST) buf_puts(&b, ", modified_after, limit, cursor");
    if (accepted & API_PARAMS_FORMAT) buf_puts(&b, ", format");
    const char *s = arena_printf(r->arena, "paramètres acceptés : %s", b.data);
    buf_free(&b);
    return s;
}

/* The first parameter of the query string this endpoint does not know, or NULL. */
static const char *unknown_param(req *r, unsigned accepted)
{
    const char *qs = req_query_string(r);
    while (*qs) {
        size_t n = strcspn(qs, "&");
        size_t klen = strcspn(qs, "=&");
        char *key = arena_strndup(r->arena, qs, klen < n ? klen : n);
        http_percent_decode(key, strlen(key), true);
        if (*key && !known_param(key, accepted)) return key;
        qs += n;
        if (*qs) qs++;
    }
    return NULL;
}

static bool has_search(const search_params *p)
{
    if ((p->q && *p->q) || (p->where && *p->where) || (p->chosen_insee && *p->chosen_insee) ||
        p->has_position)
        return true;
    for (int g = 0; g < SG_COUNT; g++)
        if (p->selected_count[g]) return true;
    return false;
}

/* A search's hits, kept for api_selection_page (in the arena). */
typedef struct kept_hits {
    search_hit *hits;
    size_t count;
    int64_t version;     /* search_result.version */
    int64_t valid_until; /* search_result.valid_until */
} kept_hits;

/* The ids of `count` hits as a JSON array, for export_filter.ids. */
static const char *hit_ids(req *r, const search_hit *hits, size_t count)
{
    buf ids = {0};
    buf_putc(&ids, '[');
    for (size_t i = 0; i < count; i++)
        buf_printf(&ids, "%s%lld", i ? "," : "", (long long)hits[i].id);
    buf_putc(&ids, ']');
    const char *s = arena_strdup(r->arena, ids.data);
    buf_free(&ids);
    return s;
}

/* Run the search of the request and keep its hits as a JSON array of ids
 * in f->ids, or in *kept when given (api_selection_page writes f->ids of
 * the page's hits only). An ambiguous or unknown "Où ?" fails, and is
 * handed to *where when given. */
static bool run_search(req *r, search_params *p, export_filter *f, where_result *where,
                       kept_hits *kept, const char **error, const char **detail)
{
    search_result res;
    if (search_run(r->app->search, r->app->db, p, &res) != 0) {
        *error = "La recherche a échoué : réessayez dans un instant.";
        *detail = "erreur interne";
        return false;
    }
    bool ok = true;
    if (res.where.kind == WHERE_CHOICE) {
        buf b = {0};
        for (size_t i = 0; i < res.where.choice_count && i < 10; i++)
            buf_printf(&b, "%s%s (%s) : commune=%s", i ? " ; " : "", res.where.choices[i].name,
                       res.where.choices[i].departement, res.where.choices[i].insee);
        *error = arena_printf(
            r->arena, "Plusieurs communes correspondent à « %s » : précisez-la avec commune=.",
            p->where);
        *detail = arena_strdup(r->arena, b.data ? b.data : "");
        buf_free(&b);
        ok = false;
    } else if (res.where.kind == WHERE_UNKNOWN) {
        *error = arena_printf(r->arena, "Aucune commune ni département ne correspond à « %s ».",
                              p->where);
        *detail = "paramètre ou (ou departement)";
        ok = false;
    } else {
        f->search = true;
        if (kept) {
            kept->count = res.total;
            kept->hits = arena_alloc(r->arena, (res.total ? res.total : 1) * sizeof *kept->hits);
            if (res.total) memcpy(kept->hits, res.hits, res.total * sizeof *kept->hits);
            kept->version = res.version;
            kept->valid_until = res.valid_until;
        } else {
            f->ids = hit_ids(r, res.hits, res.total);
        }
    }
    if (!ok && where) {
        *where = res.where; /* the choices go with it */
        memset(&res.where, 0, sizeof res.where);
    }
    search_result_free(&res);
    return ok;
}

bool api_selection(req *r, unsigned accepted, export_filter *f, const char **error,
                   const char **detail)
{
    where_result where;
    bool ok = api_selection_where(r, accepted, f, &where, error, detail);
    where_result_free(&where);
    return ok;
}

static bool selection(req *r, unsigned accepted, export_filter *f, where_result *where,
                      kept_hits *kept, const char **error, const char **detail);

bool api_selection_where(req *r, unsigned accepted, export_filter *f, where_result *where,
                         const char **error, const char **detail)
{
    return selection(r, accepted, f, where, NULL, error, detail);
}

/* A hit's position in the API's order: (updated_at, id). */
typedef struct hit_position {
    int64_t updated; /* export_timestamp_seconds */
    int64_t id;
} hit_position;

/* The API's order over positions: that of SQL's "ORDER BY p.updated_at,
 * p.id" (EXPORT_CURSOR, src/places/export.c) over canonical updated_at texts
 * (export_timestamp_seconds); tests/e2e/api_page_order.test.js checks they agree. */
static int cmp_position(const void *a, const void *b)
{
    const hit_position *x = a, *y = b;
    if (x->updated != y->updated) return x->updated < y->updated ? -1 : 1;
    return (x->id > y->id) - (x->id < y->id);
}

/*
 * Set f->ids to the hits of the page asked (after the cursor, f->limit + 1
 * of them in the API's order, the one more telling whether another page
 * follows), so that the database reads the page's rows only instead of
 * every hit's twice (count, then order). Returns the number of places of
 * the whole selection, or -1 when only SQL can tell (a condition on the
 * rows: territory, modified_after; the index that answered is not of the
 * current catalogue; a hit without a canonical updated_at): f->ids then
 * holds every hit.
 */
static long page_of_hits(req *r, const kept_hits *kept, export_filter *f)
{
    int64_t after_updated = 0;
    bool usable =
        f->territory.kind == EXPORT_TERRITORY_NONE && !f->modified_after && !f->departement &&
        kept->version == db_version(r->app->db) &&
        (!f->after_updated_at || export_timestamp_seconds(f->after_updated_at, &after_updated));
    for (size_t i = 0; usable && i < kept->count; i++)
        usable = kept->hits[i].updated != 0;
    if (!usable) {
        f->ids = hit_ids(r, kept->hits, kept->count);
        return -1;
    }
    hit_position *after = arena_alloc(r->arena, (kept->count ? kept->count : 1) * sizeof *after);
    size_t n = 0;
    hit_position cursor = {after_updated, f->after_id};
    for (size_t i = 0; i < kept->count; i++) {
        hit_position h = {kept->hits[i].updated, kept->hits[i].id};
        if (!f->after_updated_at || cmp_position(&h, &cursor) > 0) after[n++] = h;
    }
    qsort(after, n, sizeof *after, cmp_position);
    size_t page = f->limit > 0 && (size_t)f->limit + 1 < n ? (size_t)f->limit + 1 : n;
    buf ids = {0};
    buf_putc(&ids, '[');
    for (size_t i = 0; i < page; i++)
        buf_printf(&ids, "%s%lld", i ? "," : "", (long long)after[i].id);
    buf_putc(&ids, ']');
    f->ids = arena_strdup(r->arena, ids.data);
    buf_free(&ids);
    return (long)kept->count;
}

bool api_selection_page(req *r, export_filter *f, long *total, int64_t *valid_until,
                        const char **error, const char **detail)
{
    where_result where;
    kept_hits kept = {0};
    *total = -1;
    /* The rows change with the catalogue (the cache's version) and with the
     * UTC date (closures that ended are no longer exported: export.c); the
     * hits of a search with hours filters when a place opens or closes. */
    int64_t now = now_utc();
    *valid_until = (now / 86400 + 1) * 86400;
    bool ok = selection(r, API_PARAMS_LIST, f, &where, &kept, error, detail);
    where_result_free(&where);
    if (ok && kept.hits) {
        *total = page_of_hits(r, &kept, f);
        if (kept.valid_until < *valid_until) *valid_until = kept.valid_until;
    }
    return ok;
}

static bool selection(req *r, unsigned accepted, export_filter *f, where_result *where,
                      kept_hits *kept, const char **error, const char **detail)
{
    memset(f, 0, sizeof *f);
    memset(where, 0, sizeof *where);
    *detail = "";
    const char *bad = unknown_param(r, accepted);
    if (bad) {
        *error = arena_printf(r->arena, "Paramètre inconnu : « %s ».", bad);
        *detail = accepted_list(r, accepted);
        return false;
    }
    search_params p;
    if (!search_parse(r, &p, error)) {
        *detail = "paramètres de recherche (voir /api)";
        return false;
    }
    /* As /lieux: departement=07 browses a département (home-page links). */
    const char *dep = req_query(r, "departement");
    if (dep && *dep && (!p.where || !*p.where)) p.where = dep;
    /* The rows are read in the API's order (updated_at, id) whatever the
     * hits' rank, and no facet is shown. */
    p.hits_only = true;
    if (has_search(&p) && !run_search(r, &p, f, where, kept, error, detail)) return false;

    const char *territory = req_query(r, "territoire");
    if (territory && *territory) {
        const char *why;
        if (!export_territory_parse(territory, &f->territory, &why)) {
            *error = arena_printf(r->arena, "Le territoire « %s » n'est pas valide.", territory);
            *detail = why;
            return false;
        }
        if (!export_territory_exists(db_reader(r->app->db), &f->territory)) {
            *error = arena_printf(r->arena, "Le territoire « %s » n'existe pas.", territory);
            *detail = "codes INSEE de commune et de région, SIREN d'EPCI, codes de département";
            return false;
        }
    }
    if (!(accepted & API_PARAMS_LIST)) return true;

    const char *since = req_query(r, "modified_after");
    if (since) {
        char *normal = arena_alloc(r->arena, 21);
        if (!export_parse_timestamp(since, normal)) {
            *error =
                arena_printf(r->arena, "La date modified_after « %s » n'est pas valide.", since);
            *detail = "AAAA-MM-JJ ou AAAA-MM-JJTHH:MM:SSZ (ou avec un décalage +02:00)";
            return false;
        }
        f->modified_after = normal;
    }
    f->limit = API_DEFAULT_LIMIT;
    const char *limit = req_query(r, "limit");
    if (limit) {
        char *end = NULL;
        long v = strtol(limit, &end, 10);
        if (!*limit || *end || v < 1 || v > API_MAX_LIMIT) {
            *error =
                arena_printf(r->arena, "La taille de page limit=« %s » n'est pas valide.", limit);
            *detail = arena_printf(r->arena, "un entier entre 1 et %d", API_MAX_LIMIT);
            return false;
        }
        f->limit = v;
    }
    const char *cursor = req_query(r, "cursor");
    if (cursor) {
        char *stamp = arena_alloc(r->arena, 21);
        if (!api_cursor_decode(cursor, stamp, &f->after_id)) {
            *error = "Le curseur de pagination n'est pas valide.";
            *detail = "utilisez tel quel le curseur « curseur » d'une réponse précédente";
            return false;
        }
        f->after_updated_at = stamp;
    }
    /* Synchronising (a date or a position in the history): closures are changes too. */
    f->include_closed = f->modified_after || f->after_updated_at;
    return true;
}
