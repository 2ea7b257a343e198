/*
 * api_request.h — what the public read-only API (/api/v1/…), the open-data
 * downloads (/donnees/lieux.*) and the embeddable list (/embed/lieux) share:
 *
 *   - the selection of places from the request: the search parameters of
 *     /lieux (run by src/search.c, so every output selects exactly what the
 *     list shows), plus a territory, a delta-sync date and a cursor;
 *   - a per-client rate limit answering 429 with Retry-After;
 *   - JSON errors {"erreur": …, "detail": …} and the CORS header;
 *   - the API's view of a place: the national schema's fields plus a few
 *     of Repère's (documented in docs/openapi.json).
 *
 * See docs/api.md.
 */
#ifndef REPERE_API_H
#define REPERE_API_H

#include <jansson.h>
#include <stdbool.h>

#include "places/export.h"
#include "http/request.h"
#include "search/where.h"

enum {
    API_DEFAULT_LIMIT = 100, /* places per page of /api/v1/lieux when limit= is absent */
    API_MAX_LIMIT = 1000,    /* limit= beyond this is refused */
    API_CURSOR_MAX = 128,    /* bytes of an encoded cursor */
};

/* Which parameters an endpoint accepts beyond the search's. */
typedef enum api_params {
    API_PARAMS_LIST = 1,   /* modified_after, limit, cursor (API lists) */
    API_PARAMS_PAGE = 2,   /* page= (ignored: links copied from /lieux keep it) */
    API_PARAMS_FORMAT = 4, /* format= (downloads) */
} api_params;

/*
 * Read the selection of places from the request into *f: the search
 * parameters of /lieux (q, ou, commune, lat, lon, rayon, the filter groups,
 * departement), territoire=, and with API_PARAMS_LIST modified_after=,
 * limit= and cursor=. Unknown parameters are refused.
 * Strings put in *f live in r->arena.
 * Returns true, or false with *error (a French sentence) and *detail
 * (which parameter, what is accepted) set, both in the arena or static.
 */
bool api_selection(req *r, unsigned accepted, export_filter *f, const char **error,
                   const char **detail);
/*
 * The same, for a page that shows an ambiguous or unknown "Où ?" itself
 * (the embed): when the selection fails for that reason, *where holds the
 * resolver's answer (WHERE_CHOICE with the communes, or WHERE_UNKNOWN with
 * its message); otherwise where->kind is WHERE_EMPTY. Free it with
 * where_result_free() in every case.
 */
bool api_selection_where(req *r, unsigned accepted, export_filter *f, where_result *where,
                         const char **error, const char **detail);

/*
 * The selection of one page of an API list (API_PARAMS_LIST): as
 * api_selection, but when a search selects the places, the page is worked
 * out in memory from the search index — the hits after the cursor in the
 * (updated_at, id) order, f->limit + 1 of them — and f->ids holds only
 * those, so the database reads one page of rows whatever the number of
 * hits; *total is then the number of places of the whole selection.
 * Otherwise (no search, a territory, modified_after, an index being
 * rebuilt) f is api_selection's and *total is -1: count with export_count().
 * *valid_until: the instant (UTC seconds) the selection may stop being true
 * for the same catalogue version — the next UTC midnight, or sooner when a
 * place the search's hours filters looked at opens or closes.
 */
bool api_selection_page(req *r, export_filter *f, long *total, int64_t *valid_until,
                        const char **error, const char **detail);

/* Answer `status` with {"erreur": error, "detail": detail} and the CORS header. */
int api_error(req *r, int status, const char *error, const char *detail);

/* Access-Control-Allow-Origin: * and the headers scripts may read. */
void api_cors(req *r);

/*
 * Count this request against its client's allowance. Returns true when it
 * may proceed; otherwise prepares a 429 with Retry-After (JSON for /api/,
 * a page otherwise) and returns false. The client is the peer address, or
 * with REPERE_TRUST_PROXY=1 (Repère behind its own nginx) the last address
 * of X-Forwarded-For. The allowance is REPERE_API_RATE requests per minute
 * (default 120) with bursts of REPERE_API_BURST (default 60), as main.c read
 * them into the configuration (r->app->cfg) at start-up. Thread-safe;
 * a fixed table of clients, the least recently seen evicted.
 */
bool api_rate_allow(req *r);

/* The absolute URL of a path: the public origin (--origin), else http://Host. Arena. */
const char *api_absolute_url(req *r, const char *path);

/*
 * The API's view of one record: the 32 fields of the national schema
 * (null when empty; latitude/longitude numbers) then "identifiant"
 * (Repère's id), "url" (the place page), "modifie_le" (last change, UTC)
 * and "ferme_le" (null unless the place closed), written into `out` as
 * the compact JSON object jansson would dump.
 */
void api_lieu_write(req *r, buf *out, const export_record *rec);

/* Cursor text ↔ position (updated_at, id). The text is opaque to clients. */
void api_cursor_encode(const char *updated_at, int64_t id, char out[API_CURSOR_MAX]);
bool api_cursor_decode(const char *text, char updated_at[21], int64_t *id);

#endif
