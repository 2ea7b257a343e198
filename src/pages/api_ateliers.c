/*
 * api_ateliers.c — the workshops of the public API, version 1:
 *
 *   GET /api/v1/ateliers        workshops with a session still to come
 *   GET /api/v1/ateliers/{id}   one workshop (Repère's numeric id)
 *
 * Each workshop is written in the documented workshops format
 * (docs/workshops-format.md, "repere-ateliers/1": French field names,
 * session times on the place's wall clock), so a re-user can feed it back
 * to `repere import`; plus identifiant, url and modifie_le. Sessions are the
 * stored ones that have not ended (cancelled ones included, with annulee).
 *
 * Parameters: territoire= (of the place), lieu= (Repère id of the place),
 * modified_after=, limit=, cursor= — same meaning as /api/v1/lieux.
 */
#include "pages/pages.h"
#include "pages/api_request.h"
#include "places/export.h"
#include "hours/tz.h"
#include "workshops/workshop.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { ATELIER_MAX_SESSIONS = 400 /* as stored (WORKSHOP_MAX_SESSIONS) */ };

/* Used by: /api/v1/ateliers and /api/v1/ateliers/{id}. Never reads place.private_contact. */
static const char Q_WORKSHOPS[] =
    "SELECT w.id, w.source, w.source_id, w.slug, w.title, w.summary, w.description_md, w.themes,"
    " w.keywords, w.level, w.audiences, w.what_to_bring, w.price_kind, w.price_cents,"
    " w.pass_numerique, w.registration, w.registration_contact, w.capacity, w.seats_left,"
    " w.is_full, w.facilitator, w.partner, w.accessibility_notes, w.venue_name, w.venue_address,"
    " w.venue_postal_code, w.venue_commune, w.venue_latitude, w.venue_longitude, w.updated_at,"
    " p.id, p.source, p.source_id, p.timezone"
    " FROM workshop w JOIN place p ON p.id = w.place_id AND p.closed_at IS NULL"
    " WHERE (:id IS NOT NULL OR EXISTS (SELECT 1 FROM workshop_session s"
    "        WHERE s.workshop_id = w.id AND s.ends_at > :now))"
    " AND (:id IS NULL OR w.id = :id)"
    " AND (:place IS NULL OR w.place_id = :place)" EXPORT_TERRITORY_SQL
    " AND (:modified_after IS NULL OR w.updated_at > :modified_after)"
    " AND (:after_u IS NULL OR w.updated_at > :after_u"
    "      OR (w.updated_at = :after_u AND w.id > :after_id))"
    " ORDER BY w.updated_at, w.id LIMIT :limit";

/* Used by: /api/v1/ateliers (sessions of a workshop that have not ended). */
static const char Q_SESSIONS[] =
    "SELECT s.starts_at, s.ends_at, s.cancelled, s.cancel_reason,"
    " coalesce(s.capacity, w.capacity), coalesce(s.seats_left, w.seats_left),"
    " w.is_full OR coalesce(s.is_full, 0)"
    " FROM workshop_session s JOIN workshop w ON w.id = s.workshop_id"
    " WHERE s.workshop_id = :workshop AND s.ends_at > :now ORDER BY s.starts_at LIMIT :limit";

enum {
    W_ID,
    W_SOURCE,
    W_SOURCE_ID,
    W_SLUG,
    W_TITLE,
    W_SUMMARY,
    W_DESCRIPTION,
    W_THEMES,
    W_KEYWORDS,
    W_LEVEL,
    W_AUDIENCES,
    W_BRING,
    W_PRICE_KIND,
    W_PRICE_CENTS,
    W_PASS,
    W_REGISTRATION,
    W_CONTACT,
    W_CAPACITY,
    W_SEATS_LEFT,
    W_FULL,
    W_FACILITATOR,
    W_PARTNER,
    W_ACCESSIBILITY,
    W_VENUE_NAME,
    W_VENUE_ADDRESS,
    W_VENUE_POSTAL,
    W_VENUE_COMMUNE,
    W_VENUE_LAT,
    W_VENUE_LON,
    W_UPDATED_AT,
    W_P_ID,
    W_P_SOURCE,
    W_P_SOURCE_ID,
    W_P_TZ
};

static json_t *text_or_null(sqlite3_stmt *s, int col)
{
    const char *v = db_col_text(s, col);
    return v && *v ? json_string(v) : json_null();
}

static json_t *int_or_null(sqlite3_stmt *s, int col)
{
    return sqlite3_column_type(s, col) == SQLITE_NULL ? json_null()
                                                      : json_integer(sqlite3_column_int64(s, col));
}

static json_t *list_of(const char *cell)
{
    json_t *a = json_array();
    while (cell && *cell) {
        size_t n = strcspn(cell, "|");
        if (n) json_array_append_new(a, json_stringn(cell, n));
        cell += n;
        if (*cell) cell++;
    }
    return a;
}

/* "2026-10-05T14:00" on the place's wall clock. */
static json_t *local_time(const tz_zone *zone, int64_t utc)
{
    int64_t local = tz_utc_to_local(zone, utc);
    int64_t days = tz_floor_div(local, 86400);
    int64_t seconds = local - days * 86400;
    int y, m, d;
    tz_civil_from_days(days, &y, &m, &d);
    char out[48];
    snprintf(out, sizeof out, "%04d-%02d-%02dT%02d:%02d", y, m, d, (int)(seconds / 3600),
             (int)(seconds % 3600 / 60));
    return json_string(out);
}

static json_t *sessions(db_conn *c, int64_t workshop, const tz_zone *zone, int64_t now)
{
    json_t *list = json_array();
    sqlite3_stmt *s = db_stmt(c, Q_SESSIONS);
    db_bind_int(s, ":workshop", workshop);
    db_bind_int(s, ":now", now);
    db_bind_int(s, ":limit", ATELIER_MAX_SESSIONS);
    while (sqlite3_step(s) == SQLITE_ROW) {
        json_t *o = json_pack(
            "{s:o, s:o, s:b}", "debut", local_time(zone, sqlite3_column_int64(s, 0)), "fin",
            local_time(zone, sqlite3_column_int64(s, 1)), "annulee", sqlite3_column_int(s, 2));
        json_object_set_new(o, "motif", text_or_null(s, 3));
        /* Seats of this session: its own, or the workshop's (migration 0030). */
        json_object_set_new(o, "capacite", int_or_null(s, 4));
        json_object_set_new(o, "places_restantes", int_or_null(s, 5));
        json_object_set_new(o, "complet", json_boolean(sqlite3_column_int(s, 6)));
        json_array_append_new(list, o);
    }
    sqlite3_reset(s);
    return list;
}

/* One workshop row in the documented format. */
static json_t *atelier_json(req *r, db_conn *c, sqlite3_stmt *s, int64_t now)
{
    json_t *o = json_object();
    json_object_set_new(o, "id", text_or_null(s, W_SOURCE_ID));
    if (json_is_null(json_object_get(o, "id")))
        json_object_set_new(
            o, "id",
            json_string(arena_printf(r->arena, "%lld", (long long)sqlite3_column_int64(s, W_ID))));
    json_object_set_new(o, "source", text_or_null(s, W_SOURCE));
    json_object_set_new(o, "lieu",
                        json_pack("{s:o, s:o, s:I}", "source", text_or_null(s, W_P_SOURCE), "id",
                                  text_or_null(s, W_P_SOURCE_ID), "identifiant",
                                  (json_int_t)sqlite3_column_int64(s, W_P_ID)));
    json_object_set_new(o, "titre", text_or_null(s, W_TITLE));
    json_object_set_new(o, "resume", text_or_null(s, W_SUMMARY));
    json_object_set_new(o, "description", text_or_null(s, W_DESCRIPTION));
    json_object_set_new(o, "themes", list_of(db_col_text(s, W_THEMES)));
    json_object_set_new(o, "mots_cles", list_of(db_col_text(s, W_KEYWORDS)));
    json_object_set_new(o, "niveau", text_or_null(s, W_LEVEL));
    json_object_set_new(o, "publics", list_of(db_col_text(s, W_AUDIENCES)));
    json_object_set_new(o, "a_apporter", text_or_null(s, W_BRING));
    const char *kind = db_col_text(s, W_PRICE_KIND);
    bool paid = kind && strcmp(kind, "payant") == 0;
    json_object_set_new(o, "tarif", json_string(paid ? "payant" : "gratuit"));
    json_object_set_new(o, "montant",
                        paid && sqlite3_column_type(s, W_PRICE_CENTS) != SQLITE_NULL
                            ? json_real((double)sqlite3_column_int64(s, W_PRICE_CENTS) / 100.0)
                            : json_null());
    json_object_set_new(o, "pass_numerique", json_boolean(sqlite3_column_int(s, W_PASS)));
    json_object_set_new(o, "inscription", text_or_null(s, W_REGISTRATION));
    json_object_set_new(o, "contact_inscription", text_or_null(s, W_CONTACT));
    json_object_set_new(o, "capacite", int_or_null(s, W_CAPACITY));
    json_object_set_new(o, "places_restantes", int_or_null(s, W_SEATS_LEFT));
    json_object_set_new(o, "complet", json_boolean(sqlite3_column_int(s, W_FULL)));
    json_object_set_new(o, "animateur", text_or_null(s, W_FACILITATOR));
    json_object_set_new(o, "partenaire", text_or_null(s, W_PARTNER));
    json_object_set_new(o, "accessibilite", text_or_null(s, W_ACCESSIBILITY));
    if (db_col_text(s, W_VENUE_ADDRESS)) {
        json_t *v =
            json_pack("{s:o, s:o, s:o, s:o}", "nom", text_or_null(s, W_VENUE_NAME), "adresse",
                      text_or_null(s, W_VENUE_ADDRESS), "code_postal",
                      text_or_null(s, W_VENUE_POSTAL), "commune", text_or_null(s, W_VENUE_COMMUNE));
        bool pos = sqlite3_column_type(s, W_VENUE_LAT) != SQLITE_NULL;
        json_object_set_new(v, "latitude",
                            pos ? json_real(sqlite3_column_double(s, W_VENUE_LAT)) : json_null());
        json_object_set_new(v, "longitude",
                            pos ? json_real(sqlite3_column_double(s, W_VENUE_LON)) : json_null());
        json_object_set_new(o, "hors_les_murs", v);
    } else {
        json_object_set_new(o, "hors_les_murs", json_null());
    }
    const char *zone_name = db_col_text(s, W_P_TZ);
    const tz_zone *zone = tz_zone_get(zone_name ? zone_name : "Europe/Paris");
    if (!zone) zone = tz_zone_get("Europe/Paris");
    int64_t id = sqlite3_column_int64(s, W_ID);
    json_object_set_new(o, "seances", zone ? sessions(c, id, zone, now) : json_array());
    json_object_set_new(o, "identifiant", json_integer(id));
    char *path = workshop_path(id, db_col_text(s, W_SLUG));
    json_object_set_new(o, "url", json_string(api_absolute_url(r, path)));
    free(path);
    json_object_set_new(o, "modifie_le", text_or_null(s, W_UPDATED_AT));
    return o;
}

static bool known(const char *key)
{
    static const char *const KNOWN[] = {"territoire", "lieu", "modified_after", "limit", "cursor"};
    for (size_t i = 0; i < ARRAY_LEN(KNOWN); i++)
        if (strcmp(key, KNOWN[i]) == 0) return true;
    return false;
}

static bool positive_id(const char *s, int64_t *out)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || n > 18 || s[0] == '0') return false;
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i])) return false;
    *out = strtoll(s, NULL, 10);
    return true;
}

int page_api_workshops(req *r)
{
    if (!api_rate_allow(r)) return 0;
    /* Unknown parameters first. */
    const char *qs = req_query_string(r);
    while (*qs) {
        size_t n = strcspn(qs, "&"), k = strcspn(qs, "=&");
        char *key = arena_strndup(r->arena, qs, k < n ? k : n);
        http_percent_decode(key, strlen(key), true);
        if (*key && !known(key))
            return api_error(
                r, 400, arena_printf(r->arena, "Paramètre inconnu : « %s ».", key),
                "paramètres acceptés : territoire, lieu, modified_after, limit, cursor");
        qs += n;
        if (*qs) qs++;
    }
    export_territory t = {0};
    const char *v = req_query(r, "territoire"), *why;
    if (v && (!export_territory_parse(v, &t, &why) ||
              !export_territory_exists(db_reader(r->app->db), &t)))
        return api_error(r, 400,
                         arena_printf(r->arena, "Le territoire « %s » n'est pas valide.", v),
                         t.kind ? "territoire inconnu" : why);
    int64_t place = 0;
    v = req_query(r, "lieu");
    if (v && !positive_id(v, &place))
        return api_error(r, 400, "Le lieu demandé n'est pas valide.",
                         "lieu= est l'identifiant numérique d'un lieu");
    char since[21] = "";
    v = req_query(r, "modified_after");
    if (v && !export_parse_timestamp(v, since))
        return api_error(
            r, 400, arena_printf(r->arena, "La date modified_after « %s » n'est pas valide.", v),
            "AAAA-MM-JJ ou AAAA-MM-JJTHH:MM:SSZ");
    long limit = API_DEFAULT_LIMIT;
    v = req_query(r, "limit");
    if (v) {
        char *end = NULL;
        limit = strtol(v, &end, 10);
        if (!*v || *end || limit < 1 || limit > API_MAX_LIMIT)
            return api_error(
                r, 400,
                arena_printf(r->arena, "La taille de page limit=« %s » n'est pas valide.", v),
                arena_printf(r->arena, "un entier entre 1 et %d", API_MAX_LIMIT));
    }
    char after[21] = "";
    int64_t after_id = 0;
    v = req_query(r, "cursor");
    if (v && !api_cursor_decode(v, after, &after_id))
        return api_error(r, 400, "Le curseur de pagination n'est pas valide.",
                         "utilisez tel quel le curseur « curseur » d'une réponse précédente");

    db_conn *c = db_reader(r->app->db);
    int64_t now = now_utc();
    sqlite3_stmt *s = db_stmt(c, Q_WORKSHOPS);
    db_bind_null(s, ":id");
    db_bind_int(s, ":now", now);
    if (place)
        db_bind_int(s, ":place", place);
    else
        db_bind_null(s, ":place");
    db_bind_text(s, ":t_commune", t.kind == EXPORT_TERRITORY_COMMUNE ? t.code : NULL);
    db_bind_text(s, ":t_epci", t.kind == EXPORT_TERRITORY_EPCI ? t.code : NULL);
    db_bind_text(s, ":t_dep", t.kind == EXPORT_TERRITORY_DEPARTEMENT ? t.code : NULL);
    db_bind_text(s, ":t_region", t.kind == EXPORT_TERRITORY_REGION ? t.code : NULL);
    db_bind_text(s, ":modified_after", since);
    db_bind_text(s, ":after_u", after);
    db_bind_int(s, ":after_id", after_id);
    db_bind_int(s, ":limit", limit + 1);
    /* Rows are copied out before the sessions of each are read (another statement). */
    json_t *items = json_array();
    char cursor[API_CURSOR_MAX] = "";
    bool more = false;
    while (sqlite3_step(s) == SQLITE_ROW) {
        if ((long)json_array_size(items) == limit) {
            more = true;
            break;
        }
        json_array_append_new(items, atelier_json(r, c, s, now));
        api_cursor_encode(db_col_text(s, W_UPDATED_AT), sqlite3_column_int64(s, W_ID), cursor);
    }
    sqlite3_reset(s);
    if (!cursor[0] && after[0]) api_cursor_encode(after, after_id, cursor);
    json_t *next = json_null();
    if (more) {
        buf b = {0};
        const char *q = req_query_string(r);
        while (*q) {
            size_t n = strcspn(q, "&");
            if (strncmp(q, "cursor=", 7) != 0) {
                buf_append(&b, q, n);
                buf_putc(&b, '&');
            }
            q += n;
            if (*q) q++;
        }
        buf_puts(&b, "cursor=");
        url_encode(&b, cursor);
        next =
            json_string(api_absolute_url(r, arena_printf(r->arena, "/api/v1/ateliers?%s", b.data)));
        buf_free(&b);
    }
    api_cors(r);
    return reply_json(r, 200,
                      json_pack("{s:I, s:o, s:o, s:o}", "nombre",
                                (json_int_t)json_array_size(items), "curseur",
                                cursor[0] ? json_string(cursor) : json_null(), "suivant", next,
                                "ateliers", items));
}

int page_api_workshop(req *r)
{
    if (!api_rate_allow(r)) return 0;
    int64_t id;
    if (!positive_id(r->params[0], &id))
        return api_error(r, 404, "Cet atelier n'existe pas.",
                         "l'identifiant est le nombre « identifiant » d'un atelier");
    if (req_query_string(r)[0])
        return api_error(r, 400, "Cette adresse ne prend aucun paramètre.", "");
    db_conn *c = db_reader(r->app->db);
    int64_t now = now_utc();
    sqlite3_stmt *s = db_stmt(c, Q_WORKSHOPS);
    db_bind_int(s, ":id", id);
    db_bind_int(s, ":now", now);
    const char *nulls[] = {":place",    ":t_commune",      ":t_epci", ":t_dep",
                           ":t_region", ":modified_after", ":after_u"};
    for (size_t i = 0; i < ARRAY_LEN(nulls); i++)
        db_bind_null(s, nulls[i]);
    db_bind_int(s, ":after_id", 0);
    db_bind_int(s, ":limit", 1);
    if (sqlite3_step(s) != SQLITE_ROW) {
        sqlite3_reset(s);
        return api_error(r, 404, "Cet atelier n'existe pas.", "ressource inconnue");
    }
    json_t *o = atelier_json(r, c, s, now);
    sqlite3_reset(s);
    api_cors(r);
    return reply_json(r, 200, o);
}
