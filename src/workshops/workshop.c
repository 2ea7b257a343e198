/*
 * workshop.c — view models, iCalendar events and closed lists of workshops.
 * See workshop.h.
 */
#include "workshops/workshop.h"
#include "geo/geo.h"
#include "core/fr.h"
#include "hours/hours.h"
#include "workshops/ical.h"
#include "core/phone.h"
#include "places/place_view.h"
#include "places/vocab.h"
#include "core/i18n.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const WORKSHOP_LEVELS[4] = {N_("débutant"), N_("intermédiaire"), N_("avancé"),
                                        N_("tous niveaux")};
const char *const WORKSHOP_AUDIENCES[10] = {
    N_("Tout public"),
    N_("Seniors"),
    N_("Jeunes"),
    N_("Étudiants"),
    N_("Familles et/ou enfants"),
    N_("Parents"),
    N_("Femmes"),
    N_("Demandeurs d'emploi"),
    N_("Allophones"),
    N_("Personnes en situation de handicap"),
};

/* Other spellings producers use, folded → the stored audience. */
static const struct {
    const char *folded;
    const char *audience;
} AUDIENCE_ALIASES[] = {
    {"adultes", "Tout public"},
    {"tous publics", "Tout public"},
    {"familles", "Familles et/ou enfants"},
    {"enfants", "Familles et/ou enfants"},
    {"familles enfants", "Familles et/ou enfants"},
    {"jeunes 16 26 ans", "Jeunes"},
    {"seniors 65 ans", "Seniors"},
    {"handicap", "Personnes en situation de handicap"},
    {"public langues etrangeres", "Allophones"},
};

static const char *match_folded(const char *value, const char *const *list, size_t count)
{
    char *key = text_fold(value);
    const char *found = NULL;
    for (size_t i = 0; i < count && !found; i++) {
        char *k = text_fold(list[i]);
        if (strcmp(k, key) == 0) found = list[i];
        free(k);
    }
    if (!found && list == WORKSHOP_AUDIENCES)
        for (size_t i = 0; i < ARRAY_LEN(AUDIENCE_ALIASES) && !found; i++)
            if (strcmp(AUDIENCE_ALIASES[i].folded, key) == 0) found = AUDIENCE_ALIASES[i].audience;
    free(key);
    return found;
}

const char *workshop_level_canonical(const char *value)
{
    return match_folded(value, WORKSHOP_LEVELS, ARRAY_LEN(WORKSHOP_LEVELS));
}

const char *workshop_audience_canonical(const char *value)
{
    return match_folded(value, WORKSHOP_AUDIENCES, ARRAY_LEN(WORKSHOP_AUDIENCES));
}

/* "seats_left" and its words, "1 place restante" / "3 places restantes". */
static void set_seats_left(json_t *o, int left)
{
    json_object_set_new(o, "seats_left", json_integer(left));
    if (left <= 0) return; /* none left is "complet", said by the full flag */
    buf b = {0};
    fr_count(&b, left, "place restante", "places restantes");
    json_object_set_new(o, "seats_left_text", json_string(b.data));
    buf_free(&b);
}

char *workshop_path(int64_t id, const char *slug)
{
    return slug && *slug ? xasprintf("/ateliers/%lld-%s", (long long)id, slug)
                         : xasprintf("/ateliers/%lld", (long long)id);
}

void workshop_format_time(buf *out, int minutes)
{
    hours_format_clock_fr(out, minutes);
}

const tz_zone *workshop_row_zone(sqlite3_stmt *row)
{
    const char *name = db_col_text(row, WS_P_TIMEZONE);
    const tz_zone *z = name ? tz_zone_get(name) : NULL;
    return z ? z : tz_zone_get("Europe/Paris");
}

void workshop_session_day(sqlite3_stmt *row, char out[11])
{
    int64_t local = tz_utc_to_local(workshop_row_zone(row), sqlite3_column_int64(row, WS_STARTS));
    int y, m, d;
    tz_civil_from_days(tz_floor_div(local, 86400), &y, &m, &d);
    char tmp[40];
    snprintf(tmp, sizeof tmp, "%04d-%02d-%02d", y, m, d);
    memcpy(out, tmp, 10);
    out[10] = '\0';
}

static void set_text(json_t *o, const char *key, const char *value)
{
    if (value && *value) json_object_set_new(o, key, json_string(value));
}

/* A '|'-joined cell as a JSON array, themes through their labels for people. */
static json_t *split_cell(const char *cell, bool themes)
{
    json_t *a = json_array();
    if (!cell) return a;
    char *copy = xstrdup(cell);
    char *save = NULL;
    for (char *item = strtok_r(copy, "|", &save); item; item = strtok_r(NULL, "|", &save))
        json_array_append_new(a, json_string(themes ? vocab_label(VOCAB_SERVICES, item) : item));
    free(copy);
    return a;
}

/* A stored level or audience (one of the closed lists above) in the request's
 * language; a value outside the lists as published. */
static const char *closed_label(const char *value, const char *const *list, size_t count)
{
    for (size_t i = 0; value && i < count; i++)
        if (!strcmp(value, list[i])) return gettext(list[i]);
    return value;
}

/* "5 €", "2,50 €". */
static void format_price(buf *out, int64_t cents)
{
    if (cents % 100)
        buf_printf(out, "%lld,%02lld €", (long long)(cents / 100), (long long)(cents % 100));
    else
        buf_printf(out, "%lld €", (long long)(cents / 100));
}

void workshop_format_date(buf *out, int64_t day, bool with_year)
{
    int y, m, d;
    tz_civil_from_days(day, &y, &m, &d);
    /* The order and joining words are the language's (i18n_day_date). */
    i18n_day_date(out, gettext(FR_WEEKDAYS[tz_weekday(day)]), d, gettext(FR_MONTHS[m - 1]),
                  with_year ? y : 0);
}

void workshop_format_times(buf *out, int start_minutes, int end_minutes)
{
    buf from = {0}, to = {0};
    workshop_format_time(&from, start_minutes);
    workshop_format_time(&to, end_minutes);
    /* TRANSLATORS: a session's time range, "de 14 h à 16 h" (from … to). */
    buf_printf(out, C_("plage horaire", "de %1$s à %2$s"), from.data, to.data);
    buf_free(&from);
    buf_free(&to);
}

/* Date and times of a session, in its place's zone. */
static void set_when(json_t *o, const tz_zone *zone, int64_t start, int64_t end)
{
    int64_t ls = tz_utc_to_local(zone, start), le = tz_utc_to_local(zone, end);
    int64_t day = tz_floor_div(ls, 86400);
    int y, m, d;
    tz_civil_from_days(day, &y, &m, &d);
    int sm = (int)((ls - day * 86400) / 60);
    int64_t end_day = tz_floor_div(le, 86400);
    int em = (int)((le - end_day * 86400) / 60);
    buf b = {0};
    workshop_format_date(&b, day, false);
    json_object_set_new(o, "date_fr", json_string(b.data));
    buf_reset(&b);
    workshop_format_date(&b, day, true);
    json_object_set_new(o, "date_year_fr", json_string(b.data));
    buf_reset(&b);
    workshop_format_times(&b, sm, em);
    json_object_set_new(o, "time_fr", json_string(b.data));
    buf_reset(&b);
    buf_printf(&b, "%04d-%02d-%02dT%02d:%02d", y, m, d, sm / 60, sm % 60);
    json_object_set_new(o, "datetime", json_string(b.data));
    buf_free(&b);
}

json_t *workshop_session_item(sqlite3_stmt *row)
{
    json_t *o = json_object();
    json_object_set_new(o, "id", json_integer(sqlite3_column_int64(row, WS_ID)));
    set_when(o, workshop_row_zone(row), sqlite3_column_int64(row, WS_STARTS),
             sqlite3_column_int64(row, WS_ENDS));
    char *path = workshop_path(sqlite3_column_int64(row, WS_W_ID), db_col_text(row, WS_W_SLUG));
    json_object_set_new(o, "path", json_string(path));
    free(path);
    set_text(o, "title", db_col_text(row, WS_TITLE));
    set_text(o, "summary", db_col_text(row, WS_SUMMARY));
    if (sqlite3_column_int(row, WS_CANCELLED)) {
        json_object_set_new(o, "cancelled", json_true());
        set_text(o, "cancel_reason", db_col_text(row, WS_CANCEL_REASON));
    }
    if (sqlite3_column_int(row, WS_FULL))
        json_object_set_new(o, "full", json_true());
    else if (sqlite3_column_type(row, WS_SEATS_LEFT) != SQLITE_NULL)
        set_seats_left(o, sqlite3_column_int(row, WS_SEATS_LEFT));
    const char *kind = db_col_text(row, WS_PRICE_KIND);
    if (kind && !strcmp(kind, "payant")) {
        buf p = {0};
        if (sqlite3_column_type(row, WS_PRICE_CENTS) != SQLITE_NULL)
            format_price(&p, sqlite3_column_int64(row, WS_PRICE_CENTS));
        else
            buf_puts(&p, _("payant"));
        json_object_set_new(o, "price", json_string(p.data));
        buf_free(&p);
    } else {
        json_object_set_new(o, "free", json_true());
    }
    if (sqlite3_column_int(row, WS_PASS)) json_object_set_new(o, "pass", json_true());
    set_text(o, "level",
             closed_label(db_col_text(row, WS_LEVEL), WORKSHOP_LEVELS, ARRAY_LEN(WORKSHOP_LEVELS)));
    json_t *themes = split_cell(db_col_text(row, WS_THEMES), true);
    if (json_array_size(themes))
        json_object_set_new(o, "themes", themes);
    else
        json_decref(themes);
    char *ppath = place_path(sqlite3_column_int64(row, WS_P_ID), db_col_text(row, WS_P_SLUG));
    json_object_set_new(o, "place_path", json_string(ppath));
    free(ppath);
    set_text(o, "place_name", db_col_text(row, WS_P_NAME));
    if (db_col_text(row, WS_VENUE_ADDRESS)) {
        json_object_set_new(o, "elsewhere", json_true());
        set_text(o, "venue_name", db_col_text(row, WS_VENUE_NAME));
        set_text(o, "commune", db_col_text(row, WS_VENUE_COMMUNE));
    } else {
        set_text(o, "commune", db_col_text(row, WS_P_COMMUNE));
    }
    return o;
}

/* Registration "at a glance": one kind flag, the contact and a link target. */
static void set_registration(json_t *o, const char *kind, const char *contact)
{
    json_t *r = json_object();
    if (!kind || !strcmp(kind, "aucune")) {
        json_object_set_new(r, "none", json_true());
    } else if (!strcmp(kind, "telephone")) {
        json_object_set_new(r, "phone", json_true());
        char e164[PHONE_E164_MAX];
        if (contact && phone_normalize(contact, e164)) {
            char href[PHONE_E164_MAX + 8];
            snprintf(href, sizeof href, "tel:%s", e164);
            json_object_set_new(r, "href", json_string(href));
        }
    } else if (!strcmp(kind, "courriel")) {
        json_object_set_new(r, "email", json_true());
        if (contact) {
            char *href = xasprintf("mailto:%s", contact);
            json_object_set_new(r, "href", json_string(href));
            free(href);
        }
    } else if (!strcmp(kind, "lien")) {
        json_object_set_new(r, "link", json_true());
        set_text(r, "href", contact); /* http(s) only: checked on import */
    } else {
        json_object_set_new(r, "on_site", json_true());
    }
    set_text(r, "contact", contact);
    json_object_set_new(o, "registration", r);
}

/* Used by: workshop_view (the workshop page). */
static const char Q_WORKSHOP[] =
    "SELECT w.id, w.slug, w.title, w.summary, w.description_html, w.themes, w.keywords, w.level,"
    " w.audiences, w.what_to_bring, w.price_kind, w.price_cents, w.pass_numerique,"
    " w.registration, w.registration_contact, w.capacity, w.seats_left, w.is_full,"
    " w.facilitator, w.partner, w.accessibility_notes, w.venue_name, w.venue_address,"
    " w.venue_postal_code, w.venue_commune, w.venue_latitude, w.venue_longitude,"
    " CAST(strftime('%s', w.updated_at) AS INTEGER), p.id, p.slug, p.name, p.address,"
    " p.postal_code, p.commune, p.phone, w.source, p.timezone"
    " FROM workshop w JOIN place p ON p.id = w.place_id WHERE w.id = :id";
enum {
    V_ID,
    V_SLUG,
    V_TITLE,
    V_SUMMARY,
    V_DESCRIPTION,
    V_THEMES,
    V_KEYWORDS,
    V_LEVEL,
    V_AUDIENCES,
    V_BRING,
    V_PRICE_KIND,
    V_PRICE_CENTS,
    V_PASS,
    V_REGISTRATION,
    V_CONTACT,
    V_CAPACITY,
    V_SEATS_LEFT,
    V_FULL,
    V_FACILITATOR,
    V_PARTNER,
    V_ACCESSIBILITY,
    V_VENUE_NAME,
    V_VENUE_ADDRESS,
    V_VENUE_POSTAL,
    V_VENUE_COMMUNE,
    V_VENUE_LAT,
    V_VENUE_LON,
    V_UPDATED,
    V_P_ID,
    V_P_SLUG,
    V_P_NAME,
    V_P_ADDRESS,
    V_P_POSTAL,
    V_P_COMMUNE,
    V_P_PHONE,
    V_SOURCE,
    V_P_TIMEZONE
};

#define SESSION_FROM                                                                               \
    " FROM workshop_session s JOIN workshop w ON w.id = s.workshop_id"                             \
    " JOIN place p ON p.id = s.place_id"

/* Used by: workshop_view (the next sessions of a workshop, cancelled ones included). */
static const char Q_WORKSHOP_SESSIONS[] =
    "SELECT " WORKSHOP_SESSION_COLUMNS SESSION_FROM
    " WHERE s.workshop_id = :id AND s.starts_at >= :now ORDER BY s.starts_at LIMIT :limit";
/* Used by: workshop_view (how many sessions are still to come). */
static const char Q_WORKSHOP_COUNT[] = "SELECT COUNT(*), SUM(cancelled) FROM workshop_session "
                                       "WHERE workshop_id = :id AND starts_at >= :now";
/* Used by: workshop_place_upcoming (the place page). */
static const char Q_PLACE_SESSIONS[] =
    "SELECT " WORKSHOP_SESSION_COLUMNS SESSION_FROM
    " WHERE s.place_id = :place AND s.starts_at >= :now ORDER BY s.starts_at LIMIT :limit";

enum { WORKSHOP_PAGE_SESSIONS = 20 };

json_t *workshop_view(db_conn *c, int64_t id, int64_t now, int64_t *updated_at)
{
    sqlite3_stmt *s = db_stmt(c, Q_WORKSHOP);
    db_bind_int(s, ":id", id);
    if (sqlite3_step(s) != SQLITE_ROW) {
        sqlite3_reset(s);
        return NULL;
    }
    json_t *o = json_object();
    json_object_set_new(o, "id", json_integer(id));
    char *path = workshop_path(id, db_col_text(s, V_SLUG));
    json_object_set_new(o, "path", json_string(path));
    free(path);
    set_text(o, "slug", db_col_text(s, V_SLUG));
    set_text(o, "title", db_col_text(s, V_TITLE));
    set_text(o, "summary", db_col_text(s, V_SUMMARY));
    set_text(o, "description_html", db_col_text(s, V_DESCRIPTION));
    json_t *a = split_cell(db_col_text(s, V_THEMES), true);
    if (json_array_size(a))
        json_object_set_new(o, "themes", a);
    else
        json_decref(a);
    a = split_cell(db_col_text(s, V_KEYWORDS), false);
    if (json_array_size(a))
        json_object_set_new(o, "keywords", a);
    else
        json_decref(a);
    a = split_cell(db_col_text(s, V_AUDIENCES), false);
    size_t ai;
    json_t *audience;
    json_array_foreach(a, ai, audience)
    {
        json_string_set(audience, closed_label(json_string_value(audience), WORKSHOP_AUDIENCES,
                                               ARRAY_LEN(WORKSHOP_AUDIENCES)));
    }
    if (json_array_size(a))
        json_object_set_new(o, "audiences", a);
    else
        json_decref(a);
    set_text(o, "level",
             closed_label(db_col_text(s, V_LEVEL), WORKSHOP_LEVELS, ARRAY_LEN(WORKSHOP_LEVELS)));
    set_text(o, "what_to_bring", db_col_text(s, V_BRING));
    const char *kind = db_col_text(s, V_PRICE_KIND);
    if (kind && !strcmp(kind, "payant")) {
        buf p = {0};
        if (sqlite3_column_type(s, V_PRICE_CENTS) != SQLITE_NULL)
            format_price(&p, sqlite3_column_int64(s, V_PRICE_CENTS));
        else
            buf_puts(&p, _("payant"));
        json_object_set_new(o, "price", json_string(p.data));
        buf_free(&p);
    } else {
        json_object_set_new(o, "free", json_true());
    }
    if (sqlite3_column_int(s, V_PASS)) json_object_set_new(o, "pass", json_true());
    set_registration(o, db_col_text(s, V_REGISTRATION), db_col_text(s, V_CONTACT));
    if (sqlite3_column_type(s, V_CAPACITY) != SQLITE_NULL)
        json_object_set_new(o, "capacity", json_integer(sqlite3_column_int(s, V_CAPACITY)));
    if (sqlite3_column_int(s, V_FULL))
        json_object_set_new(o, "full", json_true());
    else if (sqlite3_column_type(s, V_SEATS_LEFT) != SQLITE_NULL)
        set_seats_left(o, sqlite3_column_int(s, V_SEATS_LEFT));
    set_text(o, "facilitator", db_col_text(s, V_FACILITATOR));
    set_text(o, "partner", db_col_text(s, V_PARTNER));
    set_text(o, "accessibility_notes", db_col_text(s, V_ACCESSIBILITY));
    if (db_col_text(s, V_VENUE_ADDRESS)) {
        json_t *v = json_object();
        set_text(v, "name", db_col_text(s, V_VENUE_NAME));
        set_text(v, "address", db_col_text(s, V_VENUE_ADDRESS));
        set_text(v, "postal_code", db_col_text(s, V_VENUE_POSTAL));
        set_text(v, "commune", db_col_text(s, V_VENUE_COMMUNE));
        if (sqlite3_column_type(s, V_VENUE_LAT) != SQLITE_NULL) {
            char *osm = xasprintf(
                "https://www.openstreetmap.org/?mlat=%.5f&mlon=%.5f#map=17/%.5f/%.5f",
                sqlite3_column_double(s, V_VENUE_LAT), sqlite3_column_double(s, V_VENUE_LON),
                sqlite3_column_double(s, V_VENUE_LAT), sqlite3_column_double(s, V_VENUE_LON));
            json_object_set_new(v, "osm_url", json_string(osm));
            free(osm);
        }
        json_object_set_new(o, "venue", v);
    }
    json_t *place = json_object();
    char *ppath = place_path(sqlite3_column_int64(s, V_P_ID), db_col_text(s, V_P_SLUG));
    json_object_set_new(place, "path", json_string(ppath));
    free(ppath);
    set_text(place, "name", db_col_text(s, V_P_NAME));
    set_text(place, "address", db_col_text(s, V_P_ADDRESS));
    set_text(place, "postal_code", db_col_text(s, V_P_POSTAL));
    set_text(place, "commune", db_col_text(s, V_P_COMMUNE));
    const char *phone = db_col_text(s, V_P_PHONE);
    if (phone) {
        buf b = {0};
        fr_phone(&b, phone);
        set_text(place, "phone", phone);
        set_text(place, "phone_display", b.data);
        buf_free(&b);
    }
    json_object_set_new(o, "place", place);
    set_text(o, "source", db_col_text(s, V_SOURCE));
    if (updated_at) *updated_at = sqlite3_column_int64(s, V_UPDATED);
    sqlite3_reset(s);

    json_t *sessions = json_array();
    s = db_stmt(c, Q_WORKSHOP_SESSIONS);
    db_bind_int(s, ":id", id);
    db_bind_int(s, ":now", now);
    db_bind_int(s, ":limit", WORKSHOP_PAGE_SESSIONS);
    while (sqlite3_step(s) == SQLITE_ROW)
        json_array_append_new(sessions, workshop_session_item(s));
    sqlite3_reset(s);
    s = db_stmt(c, Q_WORKSHOP_COUNT);
    db_bind_int(s, ":id", id);
    db_bind_int(s, ":now", now);
    long coming = 0;
    if (sqlite3_step(s) == SQLITE_ROW) coming = (long)sqlite3_column_int64(s, 0);
    sqlite3_reset(s);
    json_object_set_new(o, "sessions", sessions);
    buf b = {0};
    fr_count(&b, coming, "séance à venir", "séances à venir");
    json_object_set_new(o, "sessions_count", json_string(b.data));
    buf_free(&b);
    if (coming > WORKSHOP_PAGE_SESSIONS) {
        buf more = {0};
        long later = coming - WORKSHOP_PAGE_SESSIONS;
        buf number = {0};
        fr_number(&number, later);
        /* One sentence, so that a language can put the number where it goes. */
        buf_printf(&more,
                   ngettext("Et %s autre séance plus tard.", "Et %s autres séances plus tard.",
                            (unsigned long)later),
                   number.data);
        buf_free(&number);
        json_object_set_new(o, "more_sessions", json_integer(coming - WORKSHOP_PAGE_SESSIONS));
        json_object_set_new(o, "more_sessions_text", json_string(more.data));
        buf_free(&more);
    }
    return o;
}

json_t *workshop_place_upcoming(db_conn *c, int64_t place_id, int64_t now)
{
    json_t *sessions = json_array();
    sqlite3_stmt *s = db_stmt(c, Q_PLACE_SESSIONS);
    db_bind_int(s, ":place", place_id);
    db_bind_int(s, ":now", now);
    db_bind_int(s, ":limit", WORKSHOP_PLACE_SESSIONS + 1);
    while (sqlite3_step(s) == SQLITE_ROW)
        json_array_append_new(sessions, workshop_session_item(s));
    sqlite3_reset(s);
    if (!json_array_size(sessions)) {
        json_decref(sessions);
        return NULL;
    }
    json_t *o = json_object();
    if (json_array_size(sessions) > WORKSHOP_PLACE_SESSIONS) {
        json_array_remove(sessions, WORKSHOP_PLACE_SESSIONS);
        json_object_set_new(o, "more", json_true());
    }
    json_object_set_new(o, "sessions", sessions);
    char *agenda = xasprintf("/ateliers?lieu=%lld", (long long)place_id);
    char *ics = xasprintf("/lieux/%lld/ateliers.ics", (long long)place_id);
    json_object_set_new(o, "agenda", json_string(agenda));
    json_object_set_new(o, "ics", json_string(ics));
    free(agenda);
    free(ics);
    return o;
}

/* Used by: workshop_upcoming_near (home page and search results). The
 * bounding box is on the session's venue, else its place. */
static const char Q_NEAR_SESSIONS[] =
    "SELECT " WORKSHOP_SESSION_COLUMNS SESSION_FROM " WHERE s.starts_at >= :now AND s.cancelled = 0"
    " AND coalesce(w.venue_latitude, p.latitude) BETWEEN :lat_min AND :lat_max"
    " AND coalesce(w.venue_longitude, p.longitude) BETWEEN :lon_min AND :lon_max"
    " ORDER BY s.starts_at LIMIT :limit";

json_t *workshop_upcoming_near(db_conn *c, double lat, double lon, double radius_km, int64_t now,
                               size_t max, int64_t *valid_until)
{
    geo_bbox box = geo_bbox_around(lat, lon, radius_km);
    sqlite3_stmt *s = db_stmt(c, Q_NEAR_SESSIONS);
    db_bind_int(s, ":now", now);
    db_bind_double(s, ":lat_min", box.min_lat);
    db_bind_double(s, ":lat_max", box.max_lat);
    db_bind_double(s, ":lon_min", box.min_lon);
    db_bind_double(s, ":lon_max", box.max_lon);
    db_bind_int(s, ":limit", (int64_t)max * 4);
    json_t *out = json_array();
    while (json_array_size(out) < max && sqlite3_step(s) == SQLITE_ROW) {
        /* Rows come by start: the first one read leaves the list (and may
         * let another in) once it has started. */
        int64_t leaves = sqlite3_column_int64(s, WS_STARTS) + 1;
        if (valid_until && leaves < *valid_until) *valid_until = leaves;
        bool venue = sqlite3_column_type(s, WS_VENUE_LAT) != SQLITE_NULL;
        double la = sqlite3_column_double(s, venue ? WS_VENUE_LAT : WS_P_LAT);
        double lo = sqlite3_column_double(s, venue ? WS_VENUE_LON : WS_P_LON);
        if (geo_distance_km(lat, lon, la, lo) <= radius_km)
            json_array_append_new(out, workshop_session_item(s));
    }
    sqlite3_reset(s);
    return out;
}

/* "Salle X, 1 rue Y, 26000 Valence" into out. */
static void location_text(buf *out, sqlite3_stmt *row)
{
    const char *parts[4];
    size_t n = 0;
    char *postal_commune;
    if (db_col_text(row, WS_VENUE_ADDRESS)) {
        parts[n++] = db_col_text(row, WS_VENUE_NAME);
        parts[n++] = db_col_text(row, WS_VENUE_ADDRESS);
        postal_commune = xasprintf(
            "%s %s", db_col_text(row, WS_VENUE_POSTAL) ? db_col_text(row, WS_VENUE_POSTAL) : "",
            db_col_text(row, WS_VENUE_COMMUNE) ? db_col_text(row, WS_VENUE_COMMUNE) : "");
    } else {
        parts[n++] = db_col_text(row, WS_P_NAME);
        parts[n++] = db_col_text(row, WS_P_ADDRESS);
        postal_commune =
            xasprintf("%s %s", db_col_text(row, WS_P_POSTAL) ? db_col_text(row, WS_P_POSTAL) : "",
                      db_col_text(row, WS_P_COMMUNE) ? db_col_text(row, WS_P_COMMUNE) : "");
    }
    parts[n++] = str_trim(postal_commune);
    bool first = true;
    for (size_t i = 0; i < n; i++) {
        if (!parts[i] || !*parts[i]) continue;
        if (!first) buf_puts(out, ", ");
        buf_puts(out, parts[i]);
        first = false;
    }
    free(postal_commune);
}

static void registration_text(buf *out, const char *kind, const char *contact)
{
    if (!kind || !strcmp(kind, "aucune"))
        buf_puts(out, _("Sans inscription."));
    else if (!strcmp(kind, "telephone"))
        buf_printf(out, _("Inscription par téléphone : %s."), contact ? contact : "");
    else if (!strcmp(kind, "courriel"))
        buf_printf(out, _("Inscription par courriel : %s."), contact ? contact : "");
    else if (!strcmp(kind, "lien"))
        buf_printf(out, _("Inscription en ligne : %s"), contact ? contact : "");
    else
        buf_printf(out, _("Inscription sur place%s%s."), contact ? " : " : "",
                   contact ? contact : "");
}

void workshop_session_ical(buf *out, sqlite3_stmt *row, const char *origin, int64_t dtstamp)
{
    int64_t start = sqlite3_column_int64(row, WS_STARTS);
    buf b = {0};
    buf_puts(out, "BEGIN:VEVENT\r\n");
    /* Stable across re-imports: the workshop keeps its id (upsert on source + id), and a
     * session is its start instant. */
    int64_t day = tz_floor_div(start, 86400), secs = start - day * 86400;
    int y, m, d;
    tz_civil_from_days(day, &y, &m, &d);
    buf_printf(&b, "atelier-%lld-%04d%02d%02dT%02d%02d%02dZ@repere",
               (long long)sqlite3_column_int64(row, WS_W_ID), y, m, d, (int)(secs / 3600),
               (int)(secs % 3600 / 60), (int)(secs % 60));
    ical_line(out, "UID", b.data);
    ical_utc(out, "DTSTAMP", dtstamp);
    ical_utc(out, "DTSTART", start);
    ical_utc(out, "DTEND", sqlite3_column_int64(row, WS_ENDS));
    ical_text(out, "SUMMARY", db_col_text(row, WS_TITLE));

    buf_reset(&b);
    bool cancelled = sqlite3_column_int(row, WS_CANCELLED) != 0;
    if (cancelled) {
        buf_puts(&b, _("Séance annulée"));
        if (db_col_text(row, WS_CANCEL_REASON))
            buf_printf(&b, " : %s", db_col_text(row, WS_CANCEL_REASON));
        if (b.data[b.len - 1] != '.') buf_putc(&b, '.');
        buf_puts(&b, "\n\n");
    }
    if (db_col_text(row, WS_SUMMARY)) buf_printf(&b, "%s\n\n", db_col_text(row, WS_SUMMARY));
    if (sqlite3_column_int(row, WS_FULL)) {
        buf_puts(&b, "Complet.\n");
    } else if (sqlite3_column_type(row, WS_SEATS_LEFT) != SQLITE_NULL &&
               sqlite3_column_int(row, WS_SEATS_LEFT) > 0) {
        fr_count(&b, sqlite3_column_int(row, WS_SEATS_LEFT), "place restante", "places restantes");
        buf_puts(&b, ".\n");
    }
    registration_text(&b, db_col_text(row, WS_REGISTRATION),
                      db_col_text(row, WS_REGISTRATION_CONTACT));
    buf_printf(&b, _("\nOrganisé par : %s"),
               db_col_text(row, WS_P_NAME) ? db_col_text(row, WS_P_NAME) : "");
    ical_text(out, "DESCRIPTION", b.data);

    buf_reset(&b);
    location_text(&b, row);
    ical_text(out, "LOCATION", b.data);
    int lat_col = db_col_text(row, WS_VENUE_ADDRESS) ? WS_VENUE_LAT : WS_P_LAT;
    if (sqlite3_column_type(row, lat_col) != SQLITE_NULL) {
        buf_reset(&b);
        buf_printf(&b, "%.6f;%.6f", sqlite3_column_double(row, lat_col),
                   sqlite3_column_double(row, lat_col + 1));
        ical_line(out, "GEO", b.data);
    }
    char *path = workshop_path(sqlite3_column_int64(row, WS_W_ID), db_col_text(row, WS_W_SLUG));
    buf_reset(&b);
    buf_printf(&b, "%s%s", origin, path);
    free(path);
    ical_line(out, "URL", b.data);
    ical_line(out, "STATUS", cancelled ? "CANCELLED" : "CONFIRMED");
    buf_puts(out, "END:VEVENT\r\n");
    buf_free(&b);
}
