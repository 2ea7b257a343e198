/*
 * agenda.c — /ateliers: the coming workshop sessions near a place, grouped
 * by day, with filters and their counts; the same search as an iCalendar
 * feed (/ateliers.ics) and an Atom feed of its workshops (/ateliers.atom);
 * and a place's calendar and feed (/lieux/{id}/ateliers.ics|atom).
 *
 * "Où ?" is resolved by where_resolve(), as on /lieux: an ambiguous name
 * gives a page to choose the commune (links carry commune= and the other
 * parameters), an unknown one the resolver's message.
 *
 * One pass over the candidate sessions (coming, within the horizon, near
 * the "Où ?" — narrowed in SQL by a bounding box or a département, then
 * exactly in C) evaluates every filter per session. A session is listed
 * when it passes all of them; the count shown next to a filter value is
 * the number of sessions that would be listed with that value chosen and
 * every other filter kept.
 */
#include "pages/pages.h"
#include "workshops/feed.h"
#include "core/fr.h"
#include "geo/geo.h"
#include "workshops/ical.h"
#include "places/place_view.h"
#include "places/vocab.h"
#include "search/where.h"
#include "workshops/workshop.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

enum {
    AGENDA_PER_PAGE = 30,         /* sessions per page */
    AGENDA_MAX_CANDIDATES = 5000, /* sessions read for one search, at most */
    AGENDA_ICS_MAX = 500,         /* events in a search calendar */
    AGENDA_ATOM_MAX = 50,         /* entries in a feed */
    AGENDA_DEFAULT_RADIUS_KM = 15,
    AGENDA_MAX_RADIUS_KM = 100,
    PARAM_MAX_BYTES = 200, /* longer parameters are refused */
    FEED_PAST_DAYS = 30,   /* a calendar subscription keeps the last month */
};

/* The filters, in the order of the form. */
enum facet { F_THEME, F_LEVEL, F_AUDIENCE, F_FREE, F_PASS, F_WHEN, F_MOMENT, F_COUNT };

static const char *const WHEN_VALUES[] = {"aujourdhui", "semaine", "mois"};
/* "semaine" is the next 7 days from today (on a Sunday evening the calendar
 * week would hold nothing more), named so on the page. */
static const char *const WHEN_LABELS[] = {N_("Aujourd'hui"), N_("Dans les 7 jours"),
                                          N_("Ce mois-ci")};
static const char *const MOMENT_VALUES[] = {"matin", "apres-midi", "soir", "week-end"};
static const char *const MOMENT_LABELS[] = {N_("Le matin"), N_("L'après-midi"),
                                            N_("Le soir (après 18 h)"), N_("Le week-end")};

typedef struct agenda_query {
    const char *ou, *theme, *level, *audience, *when, *date, *moment;
    int theme_index, level_index, audience_index, when_index, moment_index; /* -1: none */
    bool free_only, pass_only;
    int64_t date_day; /* when a date is chosen (local day number), else INT64_MIN */
    int64_t place_id; /* lieu=: one place's sessions */
    int radius_km;
    long page;
    const char *commune;   /* commune=: the commune chosen on the choice page */
    const char *lat, *lon; /* lat=, lon=: a position, as given */
    where_result where;    /* the resolved "Où ?"; free with where_result_free */
} agenda_query;

/* The facts of one session the filters look at. */
typedef struct row_facts {
    unsigned themes, audiences, moments, whens;
    int level;
    bool free, pass;
    int64_t local_day;
    double distance; /* km; -1 when unknown */
} row_facts;

static int index_of(const char *value, const char *const *list, size_t count)
{
    for (size_t i = 0; i < count; i++)
        if (!strcmp(value, list[i])) return (int)i;
    return -1;
}

static bool too_long(const char *v)
{
    return v && strlen(v) > PARAM_MAX_BYTES;
}

static const char *nonempty(const char *v)
{
    return v && *v ? v : NULL;
}

/* The sessions can be listed: "Où ?" is empty or resolved (not to choose, not unknown). */
static bool where_usable(const agenda_query *q)
{
    return q->where.kind != WHERE_CHOICE && q->where.kind != WHERE_UNKNOWN;
}

/* "Valence (26)", "Savoie (73)", "votre position"; NULL when there is no place. */
static const char *where_label(const agenda_query *q)
{
    return where_has_point(&q->where) || q->where.kind == WHERE_DEPARTEMENT ? q->where.label : NULL;
}

/*
 * Read and check the parameters and resolve "Où ?". Returns 1 to proceed
 * (free q->where with where_result_free then), 0 when an error page has been
 * prepared, -1 on an internal error (nothing to free in either case).
 */
static int parse_query(req *r, agenda_query *q)
{
    memset(q, 0, sizeof *q);
    q->theme_index = q->level_index = q->audience_index = q->when_index = q->moment_index = -1;
    q->date_day = INT64_MIN;
    q->radius_km = AGENDA_DEFAULT_RADIUS_KM;
    q->ou = nonempty(req_query(r, "ou"));
    q->commune = nonempty(req_query(r, "commune"));
    q->lat = nonempty(req_query(r, "lat"));
    q->lon = nonempty(req_query(r, "lon"));
    q->theme = nonempty(req_query(r, "theme"));
    q->level = nonempty(req_query(r, "niveau"));
    q->audience = nonempty(req_query(r, "public"));
    q->when = nonempty(req_query(r, "quand"));
    q->date = nonempty(req_query(r, "date"));
    q->moment = nonempty(req_query(r, "moment"));
    const char *radius = nonempty(req_query(r, "rayon"));
    const char *place = nonempty(req_query(r, "lieu"));
    q->free_only = nonempty(req_query(r, "gratuit")) != NULL;
    q->pass_only = nonempty(req_query(r, "pass")) != NULL;
    if (too_long(q->ou) || too_long(q->commune) || too_long(q->lat) || too_long(q->lon) ||
        too_long(q->theme) || too_long(q->level) || too_long(q->audience) || too_long(q->when) ||
        too_long(q->date) || too_long(q->moment)) {
        reply_error(r, 400, "Un des critères de recherche est trop long.");
        return 0;
    }
    if (!page_number(r, &q->page)) {
        reply_error(r, 400, "Le numéro de page demandé n'est pas valide.");
        return 0;
    }
    if (q->theme) {
        const char *canon = vocab_canonical(VOCAB_SERVICES, q->theme);
        size_t count;
        const vocab_entry *e = vocab_entries(VOCAB_SERVICES, &count);
        for (size_t i = 0; canon && i < count; i++)
            if (!strcmp(e[i].value, canon)) q->theme_index = (int)i;
        if (q->theme_index < 0) {
            reply_error(r, 400, "Ce thème n'existe pas.");
            return 0;
        }
    }
    if (q->level &&
        (q->level_index = index_of(q->level, WORKSHOP_LEVELS, ARRAY_LEN(WORKSHOP_LEVELS))) < 0) {
        reply_error(r, 400, "Ce niveau n'existe pas.");
        return 0;
    }
    if (q->audience && (q->audience_index = index_of(q->audience, WORKSHOP_AUDIENCES,
                                                     ARRAY_LEN(WORKSHOP_AUDIENCES))) < 0) {
        reply_error(r, 400, "Ce public n'existe pas.");
        return 0;
    }
    if (q->when && strcmp(q->when, "date") != 0 &&
        (q->when_index = index_of(q->when, WHEN_VALUES, ARRAY_LEN(WHEN_VALUES))) < 0) {
        reply_error(r, 400, "Cette période n'existe pas.");
        return 0;
    }
    if (q->moment &&
        (q->moment_index = index_of(q->moment, MOMENT_VALUES, ARRAY_LEN(MOMENT_VALUES))) < 0) {
        reply_error(r, 400, "Ce moment de la journée n'existe pas.");
        return 0;
    }
    if (q->date) {
        int y, m, d;
        if (strlen(q->date) != 10 || !fr_parse_date(q->date, &y, &m, &d)) {
            reply_error(r, 400, "La date doit être de la forme AAAA-MM-JJ.");
            return 0;
        }
        q->date_day = tz_days_from_civil(y, m, d);
        q->when_index = -1; /* a chosen date wins over a period */
        q->when = "date";
    } else if (q->when && !strcmp(q->when, "date")) {
        q->when = NULL; /* "une date précise" without a date: no date filter */
    }
    if (radius) {
        char *end;
        long v = strtol(radius, &end, 10);
        if (*end || v < 1 || v > AGENDA_MAX_RADIUS_KM) {
            reply_error(r, 400, "Le rayon doit être un nombre de kilomètres entre 1 et 100.");
            return 0;
        }
        q->radius_km = (int)v;
    }
    if (place) {
        q->place_id = place_parse_segment(place, NULL);
        if (!q->place_id) {
            reply_error(r, 400, "Le lieu demandé n'est pas valide.");
            return 0;
        }
    }
    where_input in = {.text = q->ou, .commune = q->commune};
    if (q->lat || q->lon) {
        if (!where_parse_position(q->lat, q->lon, &in.lat, &in.lon)) {
            reply_error(r, 400, "La position donnée (lat, lon) n'est pas valide.");
            return 0;
        }
        in.has_position = true;
    }
    if (where_resolve(r->app->db, &in, &q->where) != 0) return -1;
    return 1;
}

/* Used by: the agenda and its feeds (coming sessions, narrowed by place, département or box). */
static const char Q_CANDIDATES[] =
    "SELECT " WORKSHOP_SESSION_COLUMNS " FROM workshop_session s JOIN workshop w ON w.id = "
    "s.workshop_id JOIN place p ON p.id = s.place_id"
    " WHERE s.starts_at >= :from AND s.starts_at < :to"
    " AND (:place IS NULL OR s.place_id = :place)"
    " AND (:dep IS NULL OR COALESCE(w.venue_departement, p.departement) = :dep)"
    " AND (:min_lat IS NULL"
    "      OR (COALESCE(w.venue_latitude, p.latitude) BETWEEN :min_lat AND :max_lat"
    "          AND COALESCE(w.venue_longitude, p.longitude) BETWEEN :min_lon AND :max_lon)"
    "      OR COALESCE(w.venue_commune_insee, p.commune_insee) = :insee)"
    " ORDER BY s.starts_at, s.id LIMIT :limit";

static void bind_candidates(sqlite3_stmt *s, const agenda_query *q, int64_t from, int64_t to)
{
    db_bind_int(s, ":from", from);
    db_bind_int(s, ":to", to);
    if (q->place_id)
        db_bind_int(s, ":place", q->place_id);
    else
        db_bind_null(s, ":place");
    db_bind_text(s, ":dep", q->where.kind == WHERE_DEPARTEMENT ? q->where.departement : NULL);
    if (where_has_point(&q->where)) {
        geo_bbox b = geo_bbox_around(q->where.lat, q->where.lon, q->radius_km);
        db_bind_double(s, ":min_lat", b.min_lat);
        db_bind_double(s, ":max_lat", b.max_lat);
        db_bind_double(s, ":min_lon", b.min_lon);
        db_bind_double(s, ":max_lon", b.max_lon);
    } else {
        db_bind_null(s, ":min_lat");
        db_bind_null(s, ":max_lat");
        db_bind_null(s, ":min_lon");
        db_bind_null(s, ":max_lon");
    }
    db_bind_text(s, ":insee", q->where.kind == WHERE_COMMUNE ? q->where.insee : NULL);
    db_bind_int(s, ":limit", AGENDA_MAX_CANDIDATES);
}

/* Bit mask of the '|'-joined cell's items in list (by exact value). */
static unsigned mask_of(const char *cell, const char *const *values, size_t count)
{
    unsigned mask = 0;
    if (!cell) return 0;
    const char *p = cell;
    while (*p) {
        const char *bar = strchr(p, '|');
        size_t len = bar ? (size_t)(bar - p) : strlen(p);
        for (size_t i = 0; i < count; i++)
            if (strlen(values[i]) == len && !memcmp(values[i], p, len)) mask |= 1u << i;
        p += len + (bar ? 1 : 0);
    }
    return mask;
}

/* Bit mask of the '|'-joined cell's items in the national services vocabulary. */
static unsigned theme_mask(const char *cell)
{
    size_t n;
    const vocab_entry *e = vocab_entries(VOCAB_SERVICES, &n);
    const char *values[32];
    if (n > ARRAY_LEN(values)) n = ARRAY_LEN(values);
    for (size_t i = 0; i < n; i++)
        values[i] = e[i].value;
    return mask_of(cell, values, n);
}

/* The facts of the current row; false when it is outside the "Où ?" radius. */
static bool row_facts_of(sqlite3_stmt *s, const agenda_query *q, int64_t now, row_facts *f)
{
    memset(f, 0, sizeof *f);
    f->distance = -1;
    bool venue = db_col_text(s, WS_VENUE_ADDRESS) != NULL;
    int lat_col =
        venue && sqlite3_column_type(s, WS_VENUE_LAT) != SQLITE_NULL ? WS_VENUE_LAT : WS_P_LAT;
    bool around = where_has_point(&q->where);
    if (sqlite3_column_type(s, lat_col) != SQLITE_NULL && around) {
        f->distance = geo_distance_km(q->where.lat, q->where.lon, sqlite3_column_double(s, lat_col),
                                      sqlite3_column_double(s, lat_col + 1));
    }
    if (around) {
        const char *insee = db_col_text(s, venue ? WS_VENUE_INSEE : WS_P_INSEE);
        bool same_commune = insee && q->where.insee[0] && !strcmp(insee, q->where.insee);
        if (!same_commune && (f->distance < 0 || f->distance > q->radius_km)) return false;
    }
    f->themes = theme_mask(db_col_text(s, WS_THEMES));
    f->audiences =
        mask_of(db_col_text(s, WS_AUDIENCES), WORKSHOP_AUDIENCES, ARRAY_LEN(WORKSHOP_AUDIENCES));
    const char *level = db_col_text(s, WS_LEVEL);
    f->level = level ? index_of(level, WORKSHOP_LEVELS, ARRAY_LEN(WORKSHOP_LEVELS)) : -1;
    const char *kind = db_col_text(s, WS_PRICE_KIND);
    f->free = !kind || strcmp(kind, "payant") != 0;
    f->pass = sqlite3_column_int(s, WS_PASS) != 0;

    const tz_zone *zone = workshop_row_zone(s);
    int64_t local = tz_utc_to_local(zone, sqlite3_column_int64(s, WS_STARTS));
    f->local_day = tz_floor_div(local, 86400);
    int minutes = (int)((local - f->local_day * 86400) / 60);
    f->moments = minutes < 12 * 60 ? 1u : minutes < 18 * 60 ? 2u : 4u;
    if (tz_weekday(f->local_day) >= 5) f->moments |= 8u;
    int64_t today = tz_floor_div(tz_utc_to_local(zone, now), 86400);
    int y, m, d;
    tz_civil_from_days(today, &y, &m, &d);
    int64_t month_end =
        (m == 12 ? tz_days_from_civil(y + 1, 1, 1) : tz_days_from_civil(y, m + 1, 1)) - 1;
    if (f->local_day == today) f->whens |= 1u;
    if (f->local_day <= today + 6) f->whens |= 2u;
    if (f->local_day <= month_end) f->whens |= 4u;
    return true;
}

static bool facet_matches(int facet, const row_facts *f, const agenda_query *q)
{
    switch (facet) {
    case F_THEME:
        return q->theme_index < 0 || (f->themes & (1u << q->theme_index));
    case F_LEVEL:
        return q->level_index < 0 || f->level == q->level_index;
    case F_AUDIENCE:
        return q->audience_index < 0 || (f->audiences & (1u << q->audience_index));
    case F_FREE:
        return !q->free_only || f->free;
    case F_PASS:
        return !q->pass_only || f->pass;
    case F_WHEN:
        if (q->date_day != INT64_MIN) return f->local_day == q->date_day;
        return q->when_index < 0 || (f->whens & (1u << q->when_index));
    case F_MOMENT:
        return q->moment_index < 0 || (f->moments & (1u << q->moment_index));
    }
    return true;
}

typedef struct facet_counts {
    long theme[32], level[4], audience[10], free, pass, when[3], moment[4];
} facet_counts;

/* Count the row for each facet value, with every other filter applied. */
static void count_row(facet_counts *c, const row_facts *f, const bool match[F_COUNT])
{
    for (int facet = 0; facet < F_COUNT; facet++) {
        bool others = true;
        for (int g = 0; g < F_COUNT; g++)
            if (g != facet && !match[g]) others = false;
        if (!others) continue;
        switch (facet) {
        case F_THEME:
            for (int i = 0; i < 32; i++)
                if (f->themes & (1u << i)) c->theme[i]++;
            break;
        case F_LEVEL:
            if (f->level >= 0) c->level[f->level]++;
            break;
        case F_AUDIENCE:
            for (int i = 0; i < 10; i++)
                if (f->audiences & (1u << i)) c->audience[i]++;
            break;
        case F_FREE:
            c->free += f->free;
            break;
        case F_PASS:
            c->pass += f->pass;
            break;
        case F_WHEN:
            for (int i = 0; i < 3; i++)
                if (f->whens & (1u << i)) c->when[i]++;
            break;
        case F_MOMENT:
            for (int i = 0; i < 4; i++)
                if (f->moments & (1u << i)) c->moment[i]++;
            break;
        }
    }
}

/* What a pass over the candidates produces, depending on the output. */
typedef enum agenda_output { OUT_HTML, OUT_ICS, OUT_ATOM } agenda_output;

typedef struct agenda_result {
    long total; /* sessions listed */
    facet_counts counts;
    json_t *days; /* HTML: the page's sessions grouped by day */
    buf *ics;     /* ICS: VEVENTs appended */
    const char *origin;
    json_t *workshop_ids; /* ATOM: distinct workshop ids, in order of first session */
} agenda_result;

static void run_search(req *r, const agenda_query *q, agenda_output out, int64_t now,
                       agenda_result *res)
{
    db_conn *c = db_reader(r->app->db);
    sqlite3_stmt *s = db_stmt(c, Q_CANDIDATES);
    bind_candidates(s, q, now, now + (int64_t)WORKSHOP_HORIZON_DAYS * 86400);
    long first = (q->page - 1) * AGENDA_PER_PAGE, last = first + AGENDA_PER_PAGE;
    char current_day[11] = "";
    json_t *day = NULL;
    while (sqlite3_step(s) == SQLITE_ROW) {
        row_facts f;
        if (!row_facts_of(s, q, now, &f)) continue;
        bool match[F_COUNT], all = true;
        for (int facet = 0; facet < F_COUNT; facet++) {
            match[facet] = facet_matches(facet, &f, q);
            all = all && match[facet];
        }
        count_row(&res->counts, &f, match);
        if (!all) continue;
        long index = res->total++;
        if (out == OUT_HTML && index >= first && index < last) {
            json_t *item = workshop_session_item(s);
            if (f.distance >= 0) {
                buf b = {0};
                fr_distance(&b, f.distance);
                json_object_set_new(item, "distance", json_string(b.data));
                buf_free(&b);
            }
            char key[11];
            workshop_session_day(s, key);
            if (!day || strcmp(key, current_day) != 0) {
                memcpy(current_day, key, sizeof key);
                day = json_pack("{s:s, s:O, s:[]}", "day", key, "date_fr",
                                json_object_get(item, "date_year_fr"), "sessions");
                if (f.local_day == tz_floor_div(tz_utc_to_local(workshop_row_zone(s), now), 86400))
                    json_object_set_new(day, "today", json_true());
                json_array_append_new(res->days, day);
            }
            json_array_append_new(json_object_get(day, "sessions"), item);
        } else if (out == OUT_ICS && index < AGENDA_ICS_MAX) {
            workshop_session_ical(res->ics, s, res->origin, now);
        } else if (out == OUT_ATOM) {
            char id[24];
            snprintf(id, sizeof id, "%lld", (long long)sqlite3_column_int64(s, WS_W_ID));
            if (!json_object_get(res->workshop_ids, id) &&
                json_object_size(res->workshop_ids) < AGENDA_ATOM_MAX)
                json_object_set_new(res->workshop_ids, id, json_true());
        }
    }
    sqlite3_reset(s);
}

/* The parameters of the current search (without page), in link order. */
typedef struct agenda_params {
    struct {
        const char *name, *value;
    } list[16];
    size_t count;
    char radius[16], place[24]; /* the numbers, written out */
} agenda_params;

static void params_of(const agenda_query *q, agenda_params *out)
{
    snprintf(out->radius, sizeof out->radius, "%d", q->radius_km);
    snprintf(out->place, sizeof out->place, "%lld", (long long)q->place_id);
    const struct {
        const char *name, *value;
    } all[] = {
        {"ou", q->ou},
        {"commune", q->commune},
        {"lat", q->lat},
        {"lon", q->lon},
        {"rayon", q->radius_km != AGENDA_DEFAULT_RADIUS_KM ? out->radius : NULL},
        {"theme", q->theme_index >= 0 ? q->theme : NULL},
        {"niveau", q->level},
        {"public", q->audience},
        {"gratuit", q->free_only ? "1" : NULL},
        {"pass", q->pass_only ? "1" : NULL},
        {"quand", q->when && strcmp(q->when, "date") ? q->when : NULL},
        {"date", q->date},
        {"moment", q->moment},
        {"lieu", q->place_id ? out->place : NULL},
    };
    out->count = 0;
    for (size_t i = 0; i < ARRAY_LEN(all) && out->count < ARRAY_LEN(out->list); i++)
        if (all[i].value) {
            out->list[out->count].name = all[i].name;
            out->list[out->count++].value = all[i].value;
        }
}

/* "?name=value&…" of the current search (without page and without the
 * parameter `skip`), for links and feeds; nothing when there is none. */
static void query_string(buf *b, const agenda_query *q, const char *skip)
{
    agenda_params ps = {.count = 0};
    params_of(q, &ps);
    for (size_t i = 0; i < ps.count; i++) {
        if (skip && !strcmp(skip, ps.list[i].name)) continue;
        buf_putc(b, b->len ? '&' : '?');
        buf_puts(b, ps.list[i].name);
        buf_putc(b, '=');
        url_encode(b, ps.list[i].value);
    }
}

/* "Où ?" names several communes: a page to choose one, whose links and form
 * keep the other parameters of the search. */
static int choice_page(req *r, agenda_query *q)
{
    json_t *d = page_model(_("Précisez la commune"));
    json_object_set_new(d, "ou", json_string(q->ou ? q->ou : ""));
    json_t *choices = json_array();
    buf qs = {0}, link = {0};
    query_string(&qs, q, "commune");
    for (size_t i = 0; i < q->where.choice_count; i++) {
        const where_choice *c = &q->where.choices[i];
        buf_reset(&link);
        buf_printf(&link, "/ateliers%s%scommune=", qs.data ? qs.data : "", qs.len ? "&" : "?");
        url_encode(&link, c->insee);
        json_array_append_new(choices,
                              json_pack("{s:s, s:s, s:s, s:s, s:s}", "name", c->name, "departement",
                                        c->departement, "departement_name", c->departement_name,
                                        "postal_codes", c->postal_codes, "url", link.data));
    }
    buf_free(&qs);
    buf_free(&link);
    json_object_set_new(d, "choices", choices);
    if (q->where.suggested) json_object_set_new(d, "suggested", json_true());
    /* The form asks "Où ?" again and keeps the rest. */
    agenda_params ps = {.count = 0};
    params_of(q, &ps);
    json_t *hidden = json_array();
    for (size_t i = 0; i < ps.count; i++)
        if (strcmp(ps.list[i].name, "ou") && strcmp(ps.list[i].name, "commune"))
            json_array_append_new(hidden, json_pack("{s:s, s:s}", "name", ps.list[i].name, "value",
                                                    ps.list[i].value));
    json_object_set_new(d, "hidden", hidden);
    where_result_free(&q->where);
    return reply_page(r, "agenda_choice", d);
}

/* The absolute origin for feed URLs: --origin, else the Host the client used. */
static const char *origin_of(req *r)
{
    const char *o = req_origin(r);
    return o ? o : "http://localhost";
}

/* One option of a filter, with its count, for the template. */
static json_t *option(const char *value, const char *label, long count, bool selected)
{
    /* The label is French (a vocabulary, a marked string): shown translated. */
    json_t *o = json_pack("{s:s, s:s, s:I}", "value", value, "label", gettext(label), "count",
                          (json_int_t)count);
    if (selected) json_object_set_new(o, "selected", json_true());
    if (!count && !selected) json_object_set_new(o, "empty", json_true());
    return o;
}

static json_t *filters_model(const agenda_query *q, const facet_counts *c)
{
    json_t *f = json_object();
    json_t *a = json_array();
    size_t n;
    const vocab_entry *e = vocab_entries(VOCAB_SERVICES, &n);
    for (size_t i = 0; i < n && i < 32; i++)
        json_array_append_new(
            a, option(e[i].value, e[i].label, c->theme[i], (int)i == q->theme_index));
    json_object_set_new(f, "themes", a);
    a = json_array();
    for (size_t i = 0; i < ARRAY_LEN(WORKSHOP_LEVELS); i++)
        json_array_append_new(a, option(WORKSHOP_LEVELS[i], WORKSHOP_LEVELS[i], c->level[i],
                                        (int)i == q->level_index));
    json_object_set_new(f, "levels", a);
    a = json_array();
    for (size_t i = 0; i < ARRAY_LEN(WORKSHOP_AUDIENCES); i++)
        json_array_append_new(a, option(WORKSHOP_AUDIENCES[i], WORKSHOP_AUDIENCES[i],
                                        c->audience[i], (int)i == q->audience_index));
    json_object_set_new(f, "audiences", a);
    a = json_array();
    for (size_t i = 0; i < ARRAY_LEN(WHEN_VALUES); i++)
        json_array_append_new(
            a, option(WHEN_VALUES[i], WHEN_LABELS[i], c->when[i], (int)i == q->when_index));
    json_object_set_new(f, "whens", a);
    a = json_array();
    for (size_t i = 0; i < ARRAY_LEN(MOMENT_VALUES); i++)
        json_array_append_new(
            a, option(MOMENT_VALUES[i], MOMENT_LABELS[i], c->moment[i], (int)i == q->moment_index));
    json_object_set_new(f, "moments", a);
    json_object_set_new(f, "free", option("1", N_("Gratuit"), c->free, q->free_only));
    json_object_set_new(f, "pass",
                        option("1", N_("Pass numérique accepté"), c->pass, q->pass_only));
    if (q->when_index < 0 && q->date_day == INT64_MIN)
        json_object_set_new(f, "when_any", json_true());
    if (q->moment_index < 0) json_object_set_new(f, "moment_any", json_true());
    if (q->theme_index >= 0 || q->level_index >= 0 || q->audience_index >= 0 ||
        q->when_index >= 0 || q->date_day != INT64_MIN || q->moment_index >= 0 || q->free_only ||
        q->pass_only)
        json_object_set_new(f, "chosen", json_true());
    return f;
}

/* Used by: the agenda heading when lieu= is given. */
static const char Q_PLACE_NAME[] = "SELECT name, slug FROM place WHERE id = :id";

int page_agenda(req *r)
{
    if (reply_cached(r)) return 0;
    agenda_query q;
    int rc = parse_query(r, &q);
    if (rc <= 0) return rc;
    if (q.where.kind == WHERE_CHOICE) return choice_page(r, &q);
    int64_t now = now_utc();
    agenda_result res = {.days = json_array()};
    if (where_usable(&q)) run_search(r, &q, OUT_HTML, now, &res);
    long pages = (res.total + AGENDA_PER_PAGE - 1) / AGENDA_PER_PAGE;
    if (q.page > 1 && q.page > pages) {
        json_decref(res.days);
        where_result_free(&q.where);
        return reply_error(r, 404, "Cette page de résultats n'existe pas.");
    }

    json_t *d = page_model(_("Ateliers numériques à venir"));
    const char *label = where_label(&q);
    if (label) {
        json_object_set_new(
            d, "title",
            json_string(arena_printf(r->arena, _("Ateliers numériques près de %s"), label)));
        json_object_set_new(d, "where_label", json_string(label));
    }
    if (q.place_id) {
        sqlite3_stmt *s = db_stmt(db_reader(r->app->db), Q_PLACE_NAME);
        db_bind_int(s, ":id", q.place_id);
        if (sqlite3_step(s) == SQLITE_ROW) {
            char *path = place_path(q.place_id, db_col_text(s, 1));
            json_object_set_new(d, "place",
                                json_pack("{s:s, s:s}", "name", db_col_text(s, 0), "path", path));
            json_object_set_new(
                d, "title",
                json_string(arena_printf(r->arena, _("Ateliers — %s"), db_col_text(s, 0))));
            free(path);
        }
        sqlite3_reset(s);
    }
    if (q.where.kind == WHERE_UNKNOWN)
        json_object_set_new(d, "where_error", json_string(q.where.message));
    /* Once a commune is chosen among homonyms, the form shows "Saint-Denis (93)":
     * resubmitting it (to change a filter) keeps that commune without asking again. */
    bool chosen = q.commune && q.where.kind == WHERE_COMMUNE && !strcmp(q.commune, q.where.insee);
    json_object_set_new(d, "ou", json_string(chosen ? q.where.label : q.ou ? q.ou : ""));
    json_object_set_new(d, "rayon", json_integer(q.radius_km));
    json_t *radii = json_array();
    static const int RADII[] = {5, 15, 30, 50, 100};
    for (size_t i = 0; i < ARRAY_LEN(RADII); i++)
        json_array_append_new(
            radii, json_pack("{s:i, s:b}", "value", RADII[i], "selected", RADII[i] == q.radius_km));
    json_object_set_new(d, "radii", radii);
    if (q.date) json_object_set_new(d, "date", json_string(q.date));
    if (q.place_id) json_object_set_new(d, "lieu", json_integer(q.place_id));
    json_object_set_new(d, "filters", filters_model(&q, &res.counts));
    json_object_set_new(d, "days", res.days);
    buf count = {0};
    fr_count(&count, res.total, "séance à venir", "séances à venir");
    json_object_set_new(d, "count", json_string(count.data));
    buf_free(&count);

    buf qs = {0};
    query_string(&qs, &q, NULL);
    const char *base = qs.data ? qs.data : "";
    json_object_set_new(d, "ics", json_string(arena_printf(r->arena, "/ateliers.ics%s", base)));
    json_object_set_new(d, "atom", json_string(arena_printf(r->arena, "/ateliers.atom%s", base)));
    if (pages > 1) {
        json_t *pg = json_pack("{s:i, s:i}", "page", q.page, "pages", pages);
        const char *sep = qs.len ? "&" : "?";
        if (q.page > 1)
            json_object_set_new(pg, "prev",
                                json_string(arena_printf(r->arena, "/ateliers%s%spage=%ld", base,
                                                         sep, q.page - 1)));
        if (q.page < pages)
            json_object_set_new(pg, "next",
                                json_string(arena_printf(r->arena, "/ateliers%s%spage=%ld", base,
                                                         sep, q.page + 1)));
        json_object_set_new(d, "pagination", pg);
    }
    buf_free(&qs);
    where_result_free(&q.where);
    return reply_page(r, "agenda", d);
}

static int reply_calendar(req *r, buf *body)
{
    return reply_buf(r, "text/calendar; charset=utf-8", body);
}

int page_agenda_ics(req *r)
{
    agenda_query q;
    int rc = parse_query(r, &q);
    if (rc <= 0) return rc;
    int64_t now = now_utc();
    buf cal = {0};
    const char *label = where_label(&q);
    ical_begin(&cal, label ? arena_printf(r->arena, _("Ateliers numériques — %s"), label)
                           : _("Ateliers numériques — Repère"));
    agenda_result res = {.ics = &cal, .origin = origin_of(r)};
    /* A feed cannot ask: an ambiguous or unknown "Où ?" gives no event. */
    if (where_usable(&q)) run_search(r, &q, OUT_ICS, now, &res);
    where_result_free(&q.where);
    ical_end(&cal);
    return reply_calendar(r, &cal);
}

/* Used by: the Atom feeds (one workshop's entry). */
static const char Q_FEED_WORKSHOP[] =
    "SELECT w.id, w.slug, w.title, w.summary, CAST(strftime('%s', w.created_at) AS INTEGER),"
    " CAST(strftime('%s', w.updated_at) AS INTEGER), p.name, COALESCE(w.venue_commune, p.commune)"
    " FROM workshop w JOIN place p ON p.id = w.place_id WHERE w.id = :id";
/* Used by: the place's Atom feed (its workshops, newest first). */
static const char Q_PLACE_WORKSHOP_IDS[] = "SELECT id FROM workshop WHERE place_id = :place ORDER "
                                           "BY created_at DESC, id DESC LIMIT :limit";

/* Write the entries for the workshop ids (strings or integers) in `ids`, newest first. */
static void atom_entries(req *r, buf *out, json_t *ids, const char *origin, int64_t *updated)
{
    db_conn *c = db_reader(r->app->db);
    json_t *entries = json_array();
    const char *key;
    json_t *v;
    json_object_foreach(ids, key, v)
    {
        sqlite3_stmt *s = db_stmt(c, Q_FEED_WORKSHOP);
        db_bind_int(s, ":id", strtoll(key, NULL, 10));
        if (sqlite3_step(s) == SQLITE_ROW) {
            char *path = workshop_path(sqlite3_column_int64(s, 0), db_col_text(s, 1));
            buf summary = {0};
            buf_printf(&summary, "%s — %s. %s", db_col_text(s, 6) ? db_col_text(s, 6) : "",
                       db_col_text(s, 7) ? db_col_text(s, 7) : "",
                       db_col_text(s, 3) ? db_col_text(s, 3) : "");
            json_array_append_new(
                entries,
                json_pack("{s:s, s:s, s:I, s:I, s:s}", "title", db_col_text(s, 2), "path", path,
                          "published", (json_int_t)sqlite3_column_int64(s, 4), "updated",
                          (json_int_t)sqlite3_column_int64(s, 5), "summary", summary.data));
            buf_free(&summary);
            free(path);
        }
        sqlite3_reset(s);
    }
    /* Newest first (by creation). */
    size_t n = json_array_size(entries);
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0; j--) {
            json_t *a = json_array_get(entries, j - 1), *b = json_array_get(entries, j);
            if (json_integer_value(json_object_get(a, "published")) >=
                json_integer_value(json_object_get(b, "published")))
                break;
            json_incref(a);
            json_array_set(entries, j - 1, b);
            json_array_set_new(entries, j, a);
        }
    *updated = 0;
    size_t i;
    json_t *e;
    json_array_foreach(entries, i, e)
    {
        int64_t u = json_integer_value(json_object_get(e, "updated"));
        if (u > *updated) *updated = u;
    }
    buf tmp = {0};
    json_array_foreach(entries, i, e)
    {
        buf_reset(&tmp);
        buf_printf(&tmp, "%s%s", origin, json_string_value(json_object_get(e, "path")));
        feed_atom_entry(out, json_string_value(json_object_get(e, "title")), tmp.data, tmp.data,
                        json_integer_value(json_object_get(e, "published")),
                        json_integer_value(json_object_get(e, "updated")),
                        json_string_value(json_object_get(e, "summary")));
    }
    buf_free(&tmp);
    json_decref(entries);
}

static int reply_atom(req *r, const char *title, const char *self_path, const char *html_path,
                      json_t *ids, const char *origin)
{
    buf entries = {0}, feed = {0};
    int64_t updated;
    atom_entries(r, &entries, ids, origin, &updated);
    char *self = xasprintf("%s%s", origin, self_path);
    char *alt = xasprintf("%s%s", origin, html_path);
    feed_atom_begin(&feed, title, self, self, alt, updated ? updated : now_utc());
    buf_append(&feed, entries.data ? entries.data : "", entries.len);
    feed_atom_end(&feed);
    free(self);
    free(alt);
    buf_free(&entries);
    return reply_buf(r, "application/atom+xml; charset=utf-8", &feed);
}

int page_agenda_atom(req *r)
{
    agenda_query q;
    int rc = parse_query(r, &q);
    if (rc <= 0) return rc;
    agenda_result res = {.workshop_ids = json_object(), .origin = origin_of(r)};
    /* A feed cannot ask: an ambiguous or unknown "Où ?" gives no entry. */
    if (where_usable(&q)) run_search(r, &q, OUT_ATOM, now_utc(), &res);
    buf qs = {0};
    query_string(&qs, &q, NULL);
    const char *base = qs.data ? qs.data : "";
    const char *label = where_label(&q);
    const char *title = label
                            ? arena_printf(r->arena, _("Nouveaux ateliers numériques — %s"), label)
                            : _("Nouveaux ateliers numériques — Repère");
    rc = reply_atom(r, title, arena_printf(r->arena, "/ateliers.atom%s", base),
                    arena_printf(r->arena, "/ateliers%s", base), res.workshop_ids, res.origin);
    buf_free(&qs);
    json_decref(res.workshop_ids);
    where_result_free(&q.where);
    return rc;
}

/* Used by: a place's calendar (its sessions from a month ago on). */
static const char Q_PLACE_FEED_SESSIONS[] =
    "SELECT " WORKSHOP_SESSION_COLUMNS " FROM workshop_session s JOIN workshop w ON w.id = "
    "s.workshop_id JOIN place p ON p.id = s.place_id"
    " WHERE s.place_id = :place AND s.starts_at >= :from ORDER BY s.starts_at LIMIT :limit";
/* Used by: a place's feeds (does it exist, and its name). */
static const char Q_PLACE[] = "SELECT name, slug FROM place WHERE id = :id";

int page_place_workshops_ics(req *r)
{
    int64_t id = place_parse_segment(r->params[0], NULL);
    db_conn *c = db_reader(r->app->db);
    sqlite3_stmt *s = db_stmt(c, Q_PLACE);
    db_bind_int(s, ":id", id);
    char *name = sqlite3_step(s) == SQLITE_ROW ? arena_strdup(r->arena, db_col_text(s, 0)) : NULL;
    sqlite3_reset(s);
    if (!name) return reply_error(r, 404, "Ce lieu n'existe pas ou n'existe plus.");
    int64_t now = now_utc();
    const char *origin = origin_of(r);
    buf cal = {0};
    ical_begin(&cal, arena_printf(r->arena, "Ateliers — %s", name));
    s = db_stmt(c, Q_PLACE_FEED_SESSIONS);
    db_bind_int(s, ":place", id);
    db_bind_int(s, ":from", now - (int64_t)FEED_PAST_DAYS * 86400);
    db_bind_int(s, ":limit", AGENDA_ICS_MAX);
    while (sqlite3_step(s) == SQLITE_ROW)
        workshop_session_ical(&cal, s, origin, now);
    sqlite3_reset(s);
    ical_end(&cal);
    return reply_calendar(r, &cal);
}

int page_place_workshops_atom(req *r)
{
    int64_t id = place_parse_segment(r->params[0], NULL);
    db_conn *c = db_reader(r->app->db);
    sqlite3_stmt *s = db_stmt(c, Q_PLACE);
    db_bind_int(s, ":id", id);
    char *name = NULL, *path = NULL;
    if (sqlite3_step(s) == SQLITE_ROW) {
        name = arena_strdup(r->arena, db_col_text(s, 0));
        path = place_path(id, db_col_text(s, 1));
    }
    sqlite3_reset(s);
    if (!name) return reply_error(r, 404, "Ce lieu n'existe pas ou n'existe plus.");
    json_t *ids = json_object();
    s = db_stmt(c, Q_PLACE_WORKSHOP_IDS);
    db_bind_int(s, ":place", id);
    db_bind_int(s, ":limit", AGENDA_ATOM_MAX);
    while (sqlite3_step(s) == SQLITE_ROW) {
        char key[24];
        snprintf(key, sizeof key, "%lld", (long long)sqlite3_column_int64(s, 0));
        json_object_set_new(ids, key, json_true());
    }
    sqlite3_reset(s);
    int rc = reply_atom(r, arena_printf(r->arena, _("Nouveaux ateliers — %s"), name),
                        arena_printf(r->arena, "/lieux/%lld/ateliers.atom", (long long)id), path,
                        ids, origin_of(r));
    free(path);
    json_decref(ids);
    return rc;
}
