/*
 * workshop_import.c — the workshops file (docs/workshops-format.md) into the
 * catalogue. See workshop_import.h.
 *
 * Each record is validated completely before anything is written, so a
 * record is either imported whole or rejected with every reason at once.
 * Strings of a record live in a per-record arena.
 */
#include "workshops/workshop_import.h"
#include "accounts/access.h"
#include "geo/geo.h"
#include "core/markdown.h"
#include "workshops/rrule.h"
#include "hours/tz.h"
#include "core/i18n.h"
#include "core/phone.h"
#include "core/fr.h"
#include "core/i18n.h"
#include "core/util.h"
#include "core/validate.h"
#include "places/provenance.h"
#include "places/vocab.h"
#include "workshops/workshop.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    TITLE_MAX_CHARS = 150,
    SUMMARY_MAX_CHARS = 280,
    TEXT_MAX_CHARS = 1000, /* what to bring, facilitator, notes, addresses… */
    LIST_MAX_ITEMS = 20,
    FILE_MAX_BYTES = 32 * 1024 * 1024,
};

/* Used by: the import (the place a workshop belongs to). */
static const char Q_PLACE[] =
    "SELECT id, timezone FROM place WHERE source = :source AND source_id = :sid";
/* Used by: the editor (workshop_import_record: the place being edited). */
static const char Q_PLACE_BY_ID[] = "SELECT timezone FROM place WHERE id = :id";
/* Used by: the import (does this workshop exist already?). */
static const char Q_FIND[] = "SELECT id FROM workshop WHERE source = :source AND source_id = :sid";

#define WORKSHOP_FIELDS                                                                            \
    "place_id = :place_id, source = :source, source_id = :sid, title = :title, slug = :slug,"      \
    " summary = :summary, description_md = :description_md, description_html = :description_html," \
    " themes = :themes, keywords = :keywords, level = :level, audiences = :audiences,"             \
    " what_to_bring = :what_to_bring, price_kind = :price_kind, price_cents = :price_cents,"       \
    " pass_numerique = :pass, registration = :registration,"                                       \
    " registration_contact = :registration_contact, capacity = :capacity,"                         \
    " seats_left = :seats_left, is_full = :is_full, facilitator = :facilitator,"                   \
    " partner = :partner, accessibility_notes = :accessibility_notes, venue_name = :venue_name,"   \
    " venue_address = :venue_address, venue_postal_code = :venue_postal_code,"                     \
    " venue_commune = :venue_commune, venue_latitude = :venue_latitude,"                           \
    " venue_longitude = :venue_longitude, venue_commune_insee = :venue_insee,"                     \
    " venue_departement = :venue_dep, recurrence = :recurrence,"                                   \
    " exception_dates = :exception_dates, recurrence_start = :recurrence_start,"                   \
    " duration_minutes = :duration_minutes, cancellations = :cancellations"

/* Used by: the import (a workshop seen again: updated in place, created_at kept). */
static const char Q_UPDATE[] =
    "UPDATE workshop SET " WORKSHOP_FIELDS
    ", updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE id = :id";
/* Used by: the import (a new workshop). */
#define WORKSHOP_COLUMNS                                                                           \
    "place_id, source, source_id, title, slug, summary, description_md,"                           \
    " description_html, themes, keywords, level, audiences, what_to_bring, price_kind, "           \
    "price_cents,"                                                                                 \
    " pass_numerique, registration, registration_contact, capacity, seats_left, is_full,"          \
    " facilitator, partner, accessibility_notes, venue_name, venue_address, venue_postal_code,"    \
    " venue_commune, venue_latitude, venue_longitude, venue_commune_insee, venue_departement,"     \
    " recurrence, exception_dates, recurrence_start, duration_minutes, cancellations"
#define WORKSHOP_VALUES                                                                            \
    ":place_id, :source, :sid, :title, :slug, :summary, :description_md,"                          \
    " :description_html, :themes, :keywords, :level, :audiences, :what_to_bring, :price_kind,"     \
    " :price_cents, :pass, :registration, :registration_contact, :capacity, :seats_left, "         \
    ":is_full,"                                                                                    \
    " :facilitator, :partner, :accessibility_notes, :venue_name, :venue_address,"                  \
    " :venue_postal_code, :venue_commune, :venue_latitude, :venue_longitude, :venue_insee,"        \
    " :venue_dep, :recurrence, :exception_dates, :recurrence_start, :duration_minutes,"            \
    " :cancellations"
static const char Q_INSERT[] =
    "INSERT INTO workshop (" WORKSHOP_COLUMNS ") VALUES (" WORKSHOP_VALUES ")";
/* Used by: the editor (a new workshop, only when :account may edit the place). */
static const char Q_INSERT_AS[] =
    "INSERT INTO workshop (" WORKSHOP_COLUMNS ") SELECT " WORKSHOP_VALUES
    " FROM place WHERE place.id = :place_id AND " ADMIN_CAN_EDIT("place", ":account");
/* Used by: the editor (a workshop of this place, only when :account may edit the place). */
static const char Q_UPDATE_AS[] =
    "UPDATE workshop SET " WORKSHOP_FIELDS ", updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"
    " WHERE id = :id AND place_id = :place_id AND EXISTS (SELECT 1 FROM place WHERE"
    " place.id = :place_id AND " ADMIN_CAN_EDIT("place", ":account") ")";
/* Used by: the import (sessions are replaced whole on every import of a workshop). */
static const char Q_DELETE_SESSIONS[] = "DELETE FROM workshop_session WHERE workshop_id = :id";
/* Used by: the import. */
static const char Q_INSERT_SESSION[] =
    "INSERT INTO workshop_session (workshop_id, place_id, starts_at, ends_at, cancelled,"
    " cancel_reason, capacity, seats_left, is_full) VALUES (:workshop_id, :place_id, :starts_at,"
    " :ends_at, :cancelled, :reason, :capacity, :seats_left, :is_full)";

/* The fields a record may have; anything else is reported (typos). */
static const char *const KNOWN_FIELDS[] = {
    "id",         "source",           "lieu",          "titre",
    "resume",     "description",      "themes",        "mots_cles",
    "niveau",     "publics",          "a_apporter",    "tarif",
    "montant",    "pass_numerique",   "inscription",   "contact_inscription",
    "capacite",   "places_restantes", "complet",       "animateur",
    "partenaire", "accessibilite",    "hors_les_murs", "duree_minutes",
    "seances",    "recurrence",       "annulations",   "places_par_date",
};

/* ---- dates and times ---- */

int workshop_parse_time(const char *text)
{
    const char *p = text;
    while (*p == ' ')
        p++;
    int h = 0, m = 0, digits = 0;
    while (isdigit((unsigned char)*p) && digits < 2)
        h = h * 10 + (*p++ - '0'), digits++;
    if (!digits) return -1;
    if (*p == ':' || *p == 'h' || *p == 'H') {
        bool colon = *p == ':';
        p++;
        if (isdigit((unsigned char)p[0]) && isdigit((unsigned char)p[1])) {
            m = (p[0] - '0') * 10 + (p[1] - '0');
            p += 2;
            if (*p == ':' && isdigit((unsigned char)p[1]) && isdigit((unsigned char)p[2])) p += 3;
        } else if (colon) {
            return -1;
        }
    } else {
        return -1;
    }
    while (*p == ' ')
        p++;
    if (*p || h > 23 || m > 59) return -1;
    return h * 60 + m;
}

bool workshop_parse_when(const char *text, int64_t today, int64_t *day, int *minutes)
{
    const char *p = text;
    while (*p == ' ')
        p++;
    if (*p == 'J' || *p == 'j') {
        p++;
        long offset = 0;
        if (*p == '+' || *p == '-') {
            int sign = *p == '-' ? -1 : 1;
            p++;
            int digits = 0;
            while (isdigit((unsigned char)*p) && digits < 4)
                offset = offset * 10 + (*p++ - '0'), digits++;
            if (!digits || isdigit((unsigned char)*p)) return false;
            offset *= sign;
        }
        *day = today + offset;
    } else {
        for (int i = 0; i < 10; i++) {
            if (i == 4 || i == 7) {
                if (p[i] != '-') return false;
            } else if (!isdigit((unsigned char)p[i])) {
                return false;
            }
        }
        int y = atoi(p), mo = atoi(p + 5), d = atoi(p + 8);
        if (y < 1970 || y > 2200 || mo < 1 || mo > 12 || d < 1 || d > 31) return false;
        int64_t n = tz_days_from_civil(y, mo, d);
        int cy, cm, cd;
        tz_civil_from_days(n, &cy, &cm, &cd);
        if (cm != mo) return false;
        *day = n;
        p += 10;
    }
    if (!*p) {
        *minutes = -1;
        return true;
    }
    if (*p != 'T' && *p != ' ') return false;
    p++;
    int t = workshop_parse_time(p);
    if (t < 0) return false;
    *minutes = t;
    return true;
}

static void iso_day(buf *out, int64_t day)
{
    int y, m, d;
    tz_civil_from_days(day, &y, &m, &d);
    buf_printf(out, "%04d-%02d-%02d", y, m, d);
}

/* ---- the report ---- */

/* One record being read: its identity for the report, its arena, its verdict. */
typedef struct rec {
    importer_report *rep;
    arena *ar;
    size_t index;
    const char *id;
    const char *title;
    bool rejected;
} rec;

static void add_entry(rec *r, importer_level level, const char *field, const char *value,
                      const char *fmt, va_list ap)
{
    importer_report *rep = r->rep;
    if (rep->entry_count == rep->entry_cap) {
        rep->entry_cap = rep->entry_cap ? rep->entry_cap * 2 : 32;
        rep->entries = xrealloc(rep->entries, rep->entry_cap * sizeof *rep->entries);
    }
    buf msg = {0};
    /* For people: in the language of the admin page that runs the import. */
    buf_vprintf(&msg, gettext(fmt), ap);
    importer_entry *e = &rep->entries[rep->entry_count++];
    e->record = r->index;
    e->source_id = r->id ? xstrdup(r->id) : NULL;
    e->name = r->title ? xstrdup(r->title) : NULL;
    e->level = level;
    e->field = field ? xstrdup(field) : NULL;
    e->value = value ? xstrndup(value, 200) : NULL;
    e->message = buf_steal(&msg);
}

/* The format of a line already written for people (a rule's reason): a
 * name, so that it is not a message of its own for translators. */
#define PLAIN_TEXT "%s"

static void reject(rec *r, const char *field, const char *value, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void reject(rec *r, const char *field, const char *value, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    add_entry(r, IMPORTER_REJECTED, field, value, fmt, ap);
    va_end(ap);
    r->rejected = true;
}

static void warn(rec *r, const char *field, const char *value, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void warn(rec *r, const char *field, const char *value, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    add_entry(r, IMPORTER_WARNING, field, value, fmt, ap);
    va_end(ap);
    r->rep->warnings++;
}

/* ---- field readers ---- */

/*
 * The trimmed text of obj[key] (NULL when absent, null or blank). Rejects
 * the record when the value is not a string, holds control characters
 * (line breaks only where `multiline`) or is longer than max_chars.
 * `field` names it in the report ("hors_les_murs.adresse").
 */
static const char *text_at(rec *r, json_t *obj, const char *key, const char *field,
                           size_t max_chars, bool multiline, bool required)
{
    json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v)) {
        if (required) reject(r, field, NULL, "champ obligatoire manquant");
        return NULL;
    }
    char number[32];
    const char *s;
    if (json_is_string(v)) {
        s = json_string_value(v);
    } else if (json_is_integer(v) && (!strcmp(key, "id"))) {
        snprintf(number, sizeof number, "%lld", (long long)json_integer_value(v));
        s = number;
    } else {
        reject(r, field, NULL, "une chaîne de caractères est attendue");
        return NULL;
    }
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p < 0x20 && !(multiline && (*p == '\n' || *p == '\r' || *p == '\t'))) || *p == 0x7f) {
            reject(r, field, s, "caractère de contrôle interdit");
            return NULL;
        }
    }
    char *t = str_trim(arena_strdup(r->ar, s));
    if (!*t) {
        if (required) reject(r, field, NULL, "champ obligatoire vide");
        return NULL;
    }
    if (utf8_length(t) > max_chars) {
        reject(r, field, t, "texte trop long (%zu caractères au plus)", max_chars);
        return NULL;
    }
    return t;
}

/* Calls fn for each string of obj[key] (an array of strings, or one string with '|' or ';'). */
static void list_at(rec *r, json_t *obj, const char *key, void (*fn)(rec *, const char *, void *),
                    void *ctx)
{
    json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v)) return;
    if (json_is_string(v)) {
        char *copy = arena_strdup(r->ar, json_string_value(v));
        char *save = NULL;
        for (char *item = strtok_r(copy, "|;", &save); item; item = strtok_r(NULL, "|;", &save)) {
            item = str_trim(item);
            if (*item) fn(r, item, ctx);
        }
        return;
    }
    if (!json_is_array(v)) {
        reject(r, key, NULL, "une liste de chaînes de caractères est attendue");
        return;
    }
    if (json_array_size(v) > LIST_MAX_ITEMS) {
        reject(r, key, NULL, "liste trop longue (%d éléments au plus)", LIST_MAX_ITEMS);
        return;
    }
    size_t i;
    json_t *item;
    json_array_foreach(v, i, item)
    {
        if (!json_is_string(item)) {
            reject(r, key, NULL, "élément n° %zu : une chaîne de caractères est attendue", i + 1);
            continue;
        }
        char *t = str_trim(arena_strdup(r->ar, json_string_value(item)));
        bool bad = false;
        for (const unsigned char *p = (const unsigned char *)t; *p; p++)
            if (*p < 0x20 || *p == 0x7f || *p == '|') bad = true;
        if (bad || utf8_length(t) > 100) {
            reject(r, key, t,
                   "élément n° %zu : texte invalide (100 caractères au plus, sans « | »)", i + 1);
            continue;
        }
        if (*t) fn(r, t, ctx);
    }
}

/* Optional integer in [min, max]; returns false when absent. */
static bool int_at(rec *r, json_t *obj, const char *key, const char *field, long min, long max,
                   long *out)
{
    json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v)) return false;
    if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max) {
        reject(r, field, NULL, "un nombre entier de %ld à %ld est attendu", min, max);
        return false;
    }
    *out = (long)json_integer_value(v);
    return true;
}

static bool bool_at(rec *r, json_t *obj, const char *key, bool fallback)
{
    json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v)) return fallback;
    if (!json_is_boolean(v)) {
        reject(r, key, NULL, "true ou false est attendu");
        return fallback;
    }
    return json_is_true(v);
}

/* A '|'-joined list being built, without duplicates. */
typedef struct joined {
    buf b;
    buf *keywords; /* themes outside the vocabulary go there */
} joined;

static void join_add(buf *b, const char *item)
{
    if (b->len) {
        /* no duplicates: compare whole items */
        const char *p = b->data;
        size_t n = strlen(item);
        while (p) {
            const char *bar = strchr(p, '|');
            size_t len = bar ? (size_t)(bar - p) : strlen(p);
            if (len == n && memcmp(p, item, n) == 0) return;
            p = bar ? bar + 1 : NULL;
        }
        buf_putc(b, '|');
    }
    buf_puts(b, item);
}

static void add_theme(rec *r, const char *item, void *ctx)
{
    joined *j = ctx;
    const char *canon = vocab_canonical(VOCAB_SERVICES, item);
    if (canon) {
        join_add(&j->b, canon);
    } else {
        warn(r, "themes", item,
             "thème hors du vocabulaire national des services : gardé comme mot-clé");
        join_add(j->keywords, item);
    }
}

static void add_keyword(rec *r, const char *item, void *ctx)
{
    (void)r;
    join_add(ctx, item);
}

static void add_audience(rec *r, const char *item, void *ctx)
{
    const char *canon = workshop_audience_canonical(item);
    if (canon)
        join_add(ctx, canon);
    else
        warn(r, "publics", item, "public inconnu, ignoré (voir docs/workshops-format.md)");
}

/* ---- sessions ---- */

typedef struct session_in {
    int64_t start, end;
    bool cancelled;
    const char *reason;
    long capacity, seats_left; /* -1: the workshop's (places_par_date) */
    int is_full;               /* -1: the workshop's */
} session_in;

typedef struct sessions {
    session_in *items;
    size_t count, cap;
} sessions;

static void sessions_add(sessions *s, int64_t start, int64_t end)
{
    if (s->count == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 16;
        s->items = xrealloc(s->items, s->cap * sizeof *s->items);
    }
    s->items[s->count++] =
        (session_in){.start = start, .end = end, .capacity = -1, .seats_left = -1, .is_full = -1};
}

static int cmp_session(const void *a, const void *b)
{
    const session_in *x = a, *y = b;
    return (x->start > y->start) - (x->start < y->start);
}

/* The length of a session from "fin" (a time, or a date-time) or "duree_minutes". */
static int session_minutes(rec *r, json_t *obj, const char *prefix, int64_t today, int64_t day,
                           int start_minutes, long default_minutes)
{
    char field[64];
    long minutes = default_minutes;
    snprintf(field, sizeof field, "%sduree_minutes", prefix);
    int_at(r, obj, "duree_minutes", field, 1, WORKSHOP_MAX_SESSION_MINUTES, &minutes);
    snprintf(field, sizeof field, "%sfin", prefix);
    const char *end = text_at(r, obj, "fin", field, 40, false, false);
    if (end) {
        int t = workshop_parse_time(end);
        int64_t end_day = day;
        if (t < 0 && !(workshop_parse_when(end, today, &end_day, &t) && t >= 0)) {
            reject(r, field, end,
                   "heure de fin illisible (attendu « 16:00 » ou « 2026-10-05T16:00 »)");
            return -1;
        }
        minutes = (long)((end_day - day) * 1440 + t - start_minutes);
        if (minutes <= 0 || minutes > WORKSHOP_MAX_SESSION_MINUTES) {
            reject(r, field, end, "la fin doit suivre le début, de 12 h au plus");
            return -1;
        }
    }
    if (minutes <= 0) {
        reject(r, field, NULL, "durée manquante : donnez « fin » ou « duree_minutes »");
        return -1;
    }
    return (int)minutes;
}

/* Everything a valid record holds, ready to bind. */
typedef struct workshop_in {
    int64_t place_id;
    const char *source, *source_id, *title, *summary, *description_md;
    char *description_html;
    buf themes, keywords, audiences;
    const char *level, *what_to_bring, *price_kind, *registration, *registration_contact;
    long price_cents; /* -1: none */
    bool pass, is_full;
    long capacity, seats_left; /* -1: not given */
    const char *facilitator, *partner, *accessibility_notes;
    const char *venue_name, *venue_address, *venue_postal, *venue_commune;
    bool has_venue_position;
    double venue_lat, venue_lon;
    char venue_insee[6], venue_dep[4];
    const char *recurrence;
    buf exception_dates, recurrence_start;
    long duration_minutes; /* of the recurrence; -1: none */
    json_t *cancellations;
    sessions sessions;
} workshop_in;

static void workshop_in_free(workshop_in *w)
{
    free(w->description_html);
    buf_free(&w->themes);
    buf_free(&w->keywords);
    buf_free(&w->audiences);
    buf_free(&w->exception_dates);
    buf_free(&w->recurrence_start);
    json_decref(w->cancellations);
    free(w->sessions.items);
}

static const char *const REGISTRATIONS[] = {"aucune", "telephone", "courriel", "lien", "sur_place"};

/* Read the place: (lieu.source, lieu.id). */
static void read_place(rec *r, db_conn *c, json_t *o, workshop_in *w, const char **zone_name)
{
    json_t *lieu = json_object_get(o, "lieu");
    if (!json_is_object(lieu)) {
        reject(r, "lieu", NULL,
               "champ obligatoire : le lieu qui organise, {\"source\": …, \"id\": …}");
        return;
    }
    const char *src = text_at(r, lieu, "source", "lieu.source", 100, false, false);
    const char *id = text_at(r, lieu, "id", "lieu.id", 100, false, true);
    if (!id) return;
    if (!src) src = w->source;
    sqlite3_stmt *s = db_stmt(c, Q_PLACE);
    db_bind_text(s, ":source", src);
    db_bind_text(s, ":sid", id);
    if (sqlite3_step(s) == SQLITE_ROW) {
        w->place_id = sqlite3_column_int64(s, 0);
        *zone_name = arena_strdup(r->ar, db_col_text(s, 1));
    }
    sqlite3_reset(s);
    if (!w->place_id)
        reject(r, "lieu", id, "lieu introuvable dans l'annuaire (source « %s », id « %s »)", src,
               id);
}

static void read_venue(rec *r, db_conn *c, json_t *o, workshop_in *w)
{
    json_t *v = json_object_get(o, "hors_les_murs");
    if (!v || json_is_null(v)) return;
    if (!json_is_object(v)) {
        reject(r, "hors_les_murs", NULL,
               "un objet {nom, adresse, code_postal, commune} est attendu");
        return;
    }
    w->venue_name = text_at(r, v, "nom", "hors_les_murs.nom", 150, false, false);
    w->venue_address = text_at(r, v, "adresse", "hors_les_murs.adresse", 200, false, true);
    w->venue_postal = text_at(r, v, "code_postal", "hors_les_murs.code_postal", 5, false, true);
    w->venue_commune = text_at(r, v, "commune", "hors_les_murs.commune", 100, false, true);
    const char *why;
    if (w->venue_postal && !validate_postal_code(w->venue_postal, &why))
        reject(r, "hors_les_murs.code_postal", w->venue_postal, PLAIN_TEXT, gettext(why));
    json_t *lat = json_object_get(v, "latitude"), *lon = json_object_get(v, "longitude");
    if (json_is_number(lat) && json_is_number(lon)) {
        w->venue_lat = json_number_value(lat);
        w->venue_lon = json_number_value(lon);
        /* The places' rule: in France, in the territory of the postal code. */
        if (w->venue_postal &&
            !validate_position(w->venue_postal, w->venue_lat, w->venue_lon, &why))
            reject(r, "hors_les_murs.latitude", NULL, PLAIN_TEXT, gettext(why));
        w->has_venue_position = true;
    } else if (lat || lon) {
        reject(r, "hors_les_murs.latitude", NULL, "latitude et longitude : deux nombres attendus");
    }
    if (r->rejected || !w->venue_postal || !w->venue_commune) return;
    /* The gazetteer commune: for the agenda's "Où ?" and, without coordinates, the map. */
    geo_commune *found = NULL;
    int n = geo_communes_by_postal_code(c, w->venue_postal, 20, &found);
    char *key = geo_name_key(w->venue_commune);
    int pick = -1;
    for (int i = 0; i < n; i++) {
        char *k = geo_name_key(found[i].name);
        if (strcmp(k, key) == 0) pick = i;
        free(k);
        if (pick >= 0) break;
    }
    free(key);
    if (pick < 0 && n > 0) {
        pick = 0;
        warn(r, "hors_les_murs.commune", w->venue_commune,
             "commune inconnue pour ce code postal : rattachée à %s", found[0].name);
    }
    if (pick >= 0) {
        snprintf(w->venue_insee, sizeof w->venue_insee, "%s", found[pick].insee);
        snprintf(w->venue_dep, sizeof w->venue_dep, "%s", found[pick].departement);
        if (!w->has_venue_position) {
            w->venue_lat = found[pick].latitude;
            w->venue_lon = found[pick].longitude;
            w->has_venue_position = true;
        }
    } else {
        warn(r, "hors_les_murs.code_postal", w->venue_postal,
             "code postal inconnu du répertoire des communes");
    }
    free(found);
}

/*
 * The seats of one session, its own "capacite", "places_restantes" and
 * "complet" in `item` (a "seances" entry or a "places_par_date" one) into
 * out->capacity, seats_left, is_full (-1: not given, the workshop's).
 * `prefix` names the fields in messages. False when rejected.
 */
static bool read_seats(rec *r, json_t *item, const char *prefix, long workshop_capacity,
                       session_in *out)
{
    char field[80];
    long capacity = -1, left = -1;
    snprintf(field, sizeof field, "%scapacite", prefix);
    int_at(r, item, "capacite", field, 1, 10000, &capacity);
    snprintf(field, sizeof field, "%splaces_restantes", prefix);
    int_at(r, item, "places_restantes", field, 0, 10000, &left);
    long total = capacity >= 0 ? capacity : workshop_capacity;
    if (total >= 0 && left > total) {
        reject(r, field, NULL, "plus de places restantes que de places en tout");
        return false;
    }
    json_t *full = json_object_get(item, "complet");
    if (full && !json_is_null(full) && !json_is_boolean(full)) {
        snprintf(field, sizeof field, "%scomplet", prefix);
        reject(r, field, NULL, "true ou false est attendu");
        return false;
    }
    out->capacity = capacity;
    out->seats_left = left;
    out->is_full = left == 0 ? 1 : json_is_boolean(full) ? json_is_true(full) : -1;
    return true;
}

/*
 * The local day of entry i of a list by date ("annulations",
 * "places_par_date"): {"date": "2026-11-18" | "J+8", …}. False when the
 * entry is rejected (reason reported with the field named).
 */
static bool read_entry_day(rec *r, json_t *item, const char *list, size_t i, int64_t today,
                           int64_t *day)
{
    char field[64];
    snprintf(field, sizeof field, "%s[%zu].date", list, i + 1);
    if (!json_is_object(item)) {
        reject(r, field, NULL, "un objet {date, …} est attendu");
        return false;
    }
    const char *when = text_at(r, item, "date", field, 40, false, true);
    int minutes;
    if (!when) return false;
    if (!workshop_parse_when(when, today, day, &minutes)) {
        reject(r, field, when, "date illisible (attendu « 2026-11-18 » ou « J+8 »)");
        return false;
    }
    return true;
}

/* Whether session s starts on local day `day` of `zone`. */
static bool on_local_day(const tz_zone *zone, const session_in *s, int64_t day)
{
    return tz_floor_div(tz_utc_to_local(zone, s->start), 86400) == day;
}

static void read_sessions(rec *r, json_t *o, workshop_in *w, const tz_zone *zone, int64_t now)
{
    int64_t today = tz_floor_div(tz_utc_to_local(zone, now), 86400);
    long default_minutes = -1;
    int_at(r, o, "duree_minutes", "duree_minutes", 1, WORKSHOP_MAX_SESSION_MINUTES,
           &default_minutes);
    json_t *list = json_object_get(o, "seances");
    json_t *rec_obj = json_object_get(o, "recurrence");
    if ((!list || json_is_null(list)) && (!rec_obj || json_is_null(rec_obj))) {
        reject(r, "seances", NULL, "aucune séance : donnez « seances » ou « recurrence »");
        return;
    }
    if (list && !json_is_null(list)) {
        if (!json_is_array(list) || json_array_size(list) > WORKSHOP_IMPORT_MAX_SESSIONS) {
            reject(r, "seances", NULL, "une liste de %d séances au plus est attendue",
                   WORKSHOP_IMPORT_MAX_SESSIONS);
            return;
        }
        size_t i;
        json_t *item;
        json_array_foreach(list, i, item)
        {
            char prefix[32], field[48];
            snprintf(prefix, sizeof prefix, "seances[%zu].", i + 1);
            snprintf(field, sizeof field, "%sdebut", prefix);
            if (!json_is_object(item)) {
                reject(r, prefix, NULL, "un objet {debut, fin} est attendu");
                continue;
            }
            const char *start = text_at(r, item, "debut", field, 40, false, true);
            int64_t day;
            int minutes;
            if (!start) continue;
            if (!workshop_parse_when(start, today, &day, &minutes) || minutes < 0) {
                reject(r, field, start,
                       "date et heure illisibles (attendu « 2026-10-05T14:00 » ou « J+3 14:00 »)");
                continue;
            }
            int length = session_minutes(r, item, prefix, today, day, minutes, default_minutes);
            if (length < 0) continue;
            int64_t local = day * 86400 + minutes * 60;
            session_in seats;
            if (!read_seats(r, item, prefix, w->capacity, &seats)) continue;
            sessions_add(&w->sessions, tz_local_to_utc(zone, local),
                         tz_local_to_utc(zone, local + length * 60));
            w->sessions.items[w->sessions.count - 1].capacity = seats.capacity;
            w->sessions.items[w->sessions.count - 1].seats_left = seats.seats_left;
            w->sessions.items[w->sessions.count - 1].is_full = seats.is_full;
            if (bool_at(r, item, "annulee", false)) {
                snprintf(field, sizeof field, "%smotif", prefix);
                w->sessions.items[w->sessions.count - 1].cancelled = true;
                w->sessions.items[w->sessions.count - 1].reason =
                    text_at(r, item, "motif", field, 300, false, false);
            }
        }
    }
    if (rec_obj && !json_is_null(rec_obj)) {
        if (!json_is_object(rec_obj)) {
            reject(r, "recurrence", NULL, "un objet {debut, duree_minutes, regle} est attendu");
            return;
        }
        const char *start = text_at(r, rec_obj, "debut", "recurrence.debut", 40, false, true);
        const char *rule_text =
            text_at(r, rec_obj, "regle", "recurrence.regle", RRULE_MAX_TEXT, false, true);
        if (!start || !rule_text) return;
        int64_t day;
        int minutes;
        if (!workshop_parse_when(start, today, &day, &minutes) || minutes < 0) {
            reject(r, "recurrence.debut", start,
                   "date et heure illisibles (attendu « 2026-10-05T14:00 » ou « J+3 14:00 »)");
            return;
        }
        int length =
            session_minutes(r, rec_obj, "recurrence.", today, day, minutes, default_minutes);
        rrule rule;
        char err[200];
        if (!rrule_parse(rule_text, &rule, err, sizeof err)) {
            reject(r, "recurrence.regle", rule_text, PLAIN_TEXT, err);
            return;
        }
        if (length < 0) return;
        int64_t except[64];
        size_t except_count = 0;
        json_t *ex = json_object_get(rec_obj, "exceptions");
        if (ex && !json_is_array(ex)) {
            reject(r, "recurrence.exceptions", NULL, "une liste de dates est attendue");
            return;
        }
        size_t i;
        json_t *item;
        json_array_foreach(ex, i, item)
        {
            int64_t d;
            int m;
            if (!json_is_string(item) || except_count == ARRAY_LEN(except) ||
                !workshop_parse_when(json_string_value(item), today, &d, &m)) {
                reject(r, "recurrence.exceptions",
                       json_is_string(item) ? json_string_value(item) : NULL,
                       "exception n° %zu : date illisible (attendu « 2026-11-11 » ou « J+10 »), 64 "
                       "au plus",
                       i + 1);
                return;
            }
            except[except_count++] = d;
            if (w->exception_dates.len) buf_putc(&w->exception_dates, '|');
            iso_day(&w->exception_dates, d);
        }
        rrule_occurrence *occ = xmalloc(WORKSHOP_MAX_SESSIONS * sizeof *occ);
        int n =
            rrule_expand(&rule, zone, day * 86400 + minutes * 60, (int64_t)length * 60, except,
                         except_count, now - (int64_t)WORKSHOP_PAST_DAYS * 86400,
                         now + (int64_t)WORKSHOP_HORIZON_DAYS * 86400, occ, WORKSHOP_MAX_SESSIONS);
        if (n < 0) {
            warn(r, "recurrence.regle", rule_text,
                 "plus de %d séances : seules les premières sont gardées", WORKSHOP_MAX_SESSIONS);
            n = WORKSHOP_MAX_SESSIONS;
        }
        for (int k = 0; k < n; k++)
            sessions_add(&w->sessions, occ[k].start, occ[k].end);
        free(occ);
        w->recurrence = rule_text;
        iso_day(&w->recurrence_start, day);
        buf_printf(&w->recurrence_start, "T%02d:%02d", minutes / 60, minutes % 60);
        w->duration_minutes = length;
    }
    if (r->rejected) return;

    /* Cancellations: by local day, on any session of that day. */
    json_t *cancel = json_object_get(o, "annulations");
    if (cancel && !json_is_null(cancel) && !json_is_array(cancel)) {
        reject(r, "annulations", NULL, "une liste de {date, motif} est attendue");
        return;
    }
    size_t i;
    json_t *item;
    json_array_foreach(cancel, i, item)
    {
        char field[48];
        int64_t d;
        if (!read_entry_day(r, item, "annulations", i, today, &d)) continue;
        snprintf(field, sizeof field, "annulations[%zu].motif", i + 1);
        const char *reason = text_at(r, item, "motif", field, 300, false, false);
        bool matched = false;
        for (size_t k = 0; k < w->sessions.count; k++) {
            session_in *s = &w->sessions.items[k];
            if (!on_local_day(zone, s, d)) continue;
            s->cancelled = true;
            s->reason = reason;
            matched = true;
        }
        buf iso = {0};
        iso_day(&iso, d);
        if (!matched) {
            snprintf(field, sizeof field, "annulations[%zu].date", i + 1);
            warn(r, field, iso.data, "aucune séance ce jour-là : annulation sans effet");
        }
        if (!w->cancellations) w->cancellations = json_array();
        json_array_append_new(w->cancellations,
                              json_pack("{s:s, s:s?}", "date", iso.data, "motif", reason));
        buf_free(&iso);
    }

    qsort(w->sessions.items, w->sessions.count, sizeof *w->sessions.items, cmp_session);
    size_t kept = 0;
    for (size_t k = 0; k < w->sessions.count; k++) {
        if (kept && w->sessions.items[kept - 1].start == w->sessions.items[k].start) {
            warn(r, "seances", NULL, "séance en double ignorée");
            continue;
        }
        w->sessions.items[kept++] = w->sessions.items[k];
    }
    w->sessions.count = kept;
    if (kept > WORKSHOP_MAX_SESSIONS) {
        warn(r, "seances", NULL, "plus de %d séances : seules les premières sont gardées",
             WORKSHOP_MAX_SESSIONS);
        w->sessions.count = WORKSHOP_MAX_SESSIONS;
    }
}

/*
 * Seats of the sessions of one local day ("places_par_date"): a weekly
 * workshop full on one Tuesday with seats left on the next. Read after the
 * sessions and the workshop's capacity; each entry applies to every
 * session of its day, as "annulations" do.
 */
static void read_session_seats(rec *r, json_t *o, workshop_in *w, const tz_zone *zone, int64_t now)
{
    json_t *list = json_object_get(o, "places_par_date");
    if (!list || json_is_null(list)) return;
    if (!json_is_array(list)) {
        reject(r, "places_par_date", NULL,
               "une liste de {date, places_restantes, complet, capacite} est attendue");
        return;
    }
    int64_t today = tz_floor_div(tz_utc_to_local(zone, now), 86400);
    size_t i;
    json_t *item;
    json_array_foreach(list, i, item)
    {
        char field[64];
        int64_t d;
        if (!read_entry_day(r, item, "places_par_date", i, today, &d)) continue;
        session_in seats;
        snprintf(field, sizeof field, "places_par_date[%zu].", i + 1);
        if (!read_seats(r, item, field, w->capacity, &seats)) continue;
        bool matched = false;
        for (size_t k = 0; k < w->sessions.count; k++) {
            session_in *s = &w->sessions.items[k];
            if (!on_local_day(zone, s, d)) continue;
            s->capacity = seats.capacity;
            s->seats_left = seats.seats_left;
            s->is_full = seats.is_full;
            matched = true;
        }
        if (!matched) {
            buf iso = {0};
            iso_day(&iso, d);
            snprintf(field, sizeof field, "places_par_date[%zu].date", i + 1);
            warn(r, field, iso.data, "aucune séance ce jour-là : places sans effet");
            buf_free(&iso);
        }
    }
}

/* Validate one record into *w. Returns false when it is rejected (reasons reported). */
static bool read_record(rec *r, db_conn *c, json_t *o, const char *default_source, int64_t now,
                        int64_t place_id, workshop_in *w)
{
    if (!json_is_object(o)) {
        reject(r, NULL, NULL, "un objet est attendu");
        return false;
    }
    r->id = text_at(r, o, "id", "id", 100, false, true);
    r->title = text_at(r, o, "titre", "titre", TITLE_MAX_CHARS, false, true);
    const char *key;
    json_t *value;
    json_object_foreach(o, key, value)
    {
        bool known = false;
        for (size_t i = 0; i < ARRAY_LEN(KNOWN_FIELDS); i++)
            known = known || !strcmp(key, KNOWN_FIELDS[i]);
        if (!known) warn(r, key, NULL, "champ inconnu, ignoré");
    }
    w->source_id = r->id;
    w->title = r->title;
    w->source = text_at(r, o, "source", "source", 100, false, false);
    if (!w->source) w->source = default_source;
    const char *zone_name = NULL;
    if (place_id) {
        /* The editor: the place is the one being edited, not a reference. */
        sqlite3_stmt *s = db_stmt(c, Q_PLACE_BY_ID);
        db_bind_int(s, ":id", place_id);
        if (sqlite3_step(s) == SQLITE_ROW) {
            w->place_id = place_id;
            zone_name = arena_strdup(r->ar, db_col_text(s, 0));
        }
        sqlite3_reset(s);
        if (!w->place_id) reject(r, "lieu", NULL, "lieu introuvable dans l'annuaire");
    } else {
        read_place(r, c, o, w, &zone_name);
    }

    w->summary = text_at(r, o, "resume", "resume", SUMMARY_MAX_CHARS, false, false);
    w->description_md = text_at(r, o, "description", "description", MD_MAX_BYTES, true, false);
    if (w->description_md) {
        char *err = NULL;
        w->description_html = md_render(w->description_md, strlen(w->description_md), &err);
        if (!w->description_html) {
            reject(r, "description", NULL, PLAIN_TEXT, err ? err : _("Markdown refusé"));
            free(err);
        }
    }
    joined themes = {.keywords = &w->keywords};
    list_at(r, o, "themes", add_theme, &themes);
    w->themes = themes.b;
    list_at(r, o, "mots_cles", add_keyword, &w->keywords);
    list_at(r, o, "publics", add_audience, &w->audiences);

    const char *level = text_at(r, o, "niveau", "niveau", 40, false, false);
    if (level) {
        w->level = workshop_level_canonical(level);
        if (!w->level)
            reject(r, "niveau", level,
                   "niveau inconnu : débutant, intermédiaire, avancé ou tous niveaux");
    }
    w->what_to_bring = text_at(r, o, "a_apporter", "a_apporter", TEXT_MAX_CHARS, false, false);

    const char *price = text_at(r, o, "tarif", "tarif", 20, false, false);
    w->price_kind = "gratuit";
    w->price_cents = -1;
    if (price && strcmp(price, "gratuit") && strcmp(price, "payant")) {
        reject(r, "tarif", price, "« gratuit » ou « payant » attendu");
    } else if (price && !strcmp(price, "payant")) {
        w->price_kind = "payant";
        json_t *amount = json_object_get(o, "montant");
        if (!json_is_number(amount) || json_number_value(amount) <= 0 ||
            json_number_value(amount) > 10000) {
            reject(r, "montant", NULL,
                   "atelier payant : montant en euros attendu (par exemple 5 ou 2.5)");
        } else {
            w->price_cents = lround(json_number_value(amount) * 100);
        }
    }
    w->pass = bool_at(r, o, "pass_numerique", false);

    const char *reg = text_at(r, o, "inscription", "inscription", 20, false, false);
    w->registration = "aucune";
    if (reg) {
        w->registration = NULL;
        for (size_t i = 0; i < ARRAY_LEN(REGISTRATIONS); i++)
            if (!strcmp(reg, REGISTRATIONS[i])) w->registration = REGISTRATIONS[i];
        if (!w->registration) {
            reject(r, "inscription", reg,
                   "valeur inconnue : aucune, telephone, courriel, lien ou sur_place");
            w->registration = "aucune";
        }
    }
    w->registration_contact =
        text_at(r, o, "contact_inscription", "contact_inscription", 300, false, false);
    const char *contact = w->registration_contact;
    if (!strcmp(w->registration, "telephone") || !strcmp(w->registration, "courriel") ||
        !strcmp(w->registration, "lien")) {
        if (!contact)
            reject(r, "contact_inscription", NULL,
                   "inscription par %s : le numéro, l'adresse ou le lien est obligatoire",
                   w->registration);
        else if (!strcmp(w->registration, "courriel")) {
            const char *why;
            if (!validate_email(contact, &why))
                reject(r, "contact_inscription", contact, "adresse électronique invalide : %s",
                       why);
        } else if (!strcmp(w->registration, "lien")) {
            char *url = NULL;
            const char *why;
            if (validate_url(contact, &url, &why))
                w->registration_contact = arena_strdup(r->ar, url);
            else
                reject(r, "contact_inscription", contact,
                       "lien en http:// ou https:// attendu (%s)", why);
            free(url);
        } else if (!strcmp(w->registration, "telephone")) {
            char e164[PHONE_E164_MAX]; /* shown as written; phone.c only says whether it is one */
            if (!phone_normalize(contact, e164))
                reject(r, "contact_inscription", contact, "numéro de téléphone invalide");
        }
    }

    w->capacity = w->seats_left = -1;
    int_at(r, o, "capacite", "capacite", 1, 10000, &w->capacity);
    int_at(r, o, "places_restantes", "places_restantes", 0, 10000, &w->seats_left);
    if (w->capacity >= 0 && w->seats_left > w->capacity)
        reject(r, "places_restantes", NULL, "plus de places restantes que de places en tout");
    w->is_full = bool_at(r, o, "complet", false) || w->seats_left == 0;

    w->facilitator = text_at(r, o, "animateur", "animateur", 200, false, false);
    w->partner = text_at(r, o, "partenaire", "partenaire", 200, false, false);
    w->accessibility_notes =
        text_at(r, o, "accessibilite", "accessibilite", TEXT_MAX_CHARS, false, false);
    read_venue(r, c, o, w);

    w->duration_minutes = -1;
    if (w->place_id) {
        const tz_zone *zone = tz_zone_get(zone_name ? zone_name : "Europe/Paris");
        if (!zone) zone = tz_zone_get("Europe/Paris");
        read_sessions(r, o, w, zone, now);
        if (!r->rejected) read_session_seats(r, o, w, zone, now);
    }
    return !r->rejected;
}

static void bind_text_or_null(sqlite3_stmt *s, const char *name, const char *v)
{
    db_bind_text(s, name, v);
}

static void bind_long_or_null(sqlite3_stmt *s, const char *name, long v)
{
    if (v < 0)
        db_bind_null(s, name);
    else
        db_bind_int(s, name, v);
}

/* The columns of a workshop's dates (its sessions are rows of their own). */
static void bind_schedule(sqlite3_stmt *s, const workshop_in *w)
{
    bind_text_or_null(s, ":recurrence", w->recurrence);
    bind_text_or_null(s, ":exception_dates", w->exception_dates.data);
    bind_text_or_null(s, ":recurrence_start", w->recurrence_start.data);
    bind_long_or_null(s, ":duration_minutes", w->duration_minutes);
    char *cancellations = w->cancellations ? json_dumps(w->cancellations, JSON_COMPACT) : NULL;
    bind_text_or_null(s, ":cancellations", cancellations);
    free(cancellations);
}

static void bind_workshop(sqlite3_stmt *s, const workshop_in *w)
{
    char *slug = text_slug(w->title);
    db_bind_int(s, ":place_id", w->place_id);
    bind_text_or_null(s, ":source", w->source);
    bind_text_or_null(s, ":sid", w->source_id);
    bind_text_or_null(s, ":title", w->title);
    bind_text_or_null(s, ":slug", *slug ? slug : "atelier");
    bind_text_or_null(s, ":summary", w->summary);
    bind_text_or_null(s, ":description_md", w->description_md);
    bind_text_or_null(s, ":description_html", w->description_html);
    bind_text_or_null(s, ":themes", w->themes.data);
    bind_text_or_null(s, ":keywords", w->keywords.data);
    bind_text_or_null(s, ":level", w->level);
    bind_text_or_null(s, ":audiences", w->audiences.data);
    bind_text_or_null(s, ":what_to_bring", w->what_to_bring);
    bind_text_or_null(s, ":price_kind", w->price_kind);
    bind_long_or_null(s, ":price_cents", w->price_cents);
    db_bind_int(s, ":pass", w->pass);
    bind_text_or_null(s, ":registration", w->registration);
    bind_text_or_null(s, ":registration_contact", w->registration_contact);
    bind_long_or_null(s, ":capacity", w->capacity);
    bind_long_or_null(s, ":seats_left", w->seats_left);
    db_bind_int(s, ":is_full", w->is_full);
    bind_text_or_null(s, ":facilitator", w->facilitator);
    bind_text_or_null(s, ":partner", w->partner);
    bind_text_or_null(s, ":accessibility_notes", w->accessibility_notes);
    bind_text_or_null(s, ":venue_name", w->venue_name);
    bind_text_or_null(s, ":venue_address", w->venue_address);
    bind_text_or_null(s, ":venue_postal_code", w->venue_postal);
    bind_text_or_null(s, ":venue_commune", w->venue_commune);
    if (w->has_venue_position) {
        db_bind_double(s, ":venue_latitude", w->venue_lat);
        db_bind_double(s, ":venue_longitude", w->venue_lon);
    } else {
        db_bind_null(s, ":venue_latitude");
        db_bind_null(s, ":venue_longitude");
    }
    bind_text_or_null(s, ":venue_insee", w->venue_insee);
    bind_text_or_null(s, ":venue_dep", w->venue_dep);
    bind_schedule(s, w);
    free(slug);
}

/* Replace the sessions of workshop `id`. Returns 0, or -1 on a database error. */
static int write_sessions(db_conn *c, const workshop_in *w, int64_t id)
{
    sqlite3_stmt *s = db_stmt(c, Q_DELETE_SESSIONS);
    db_bind_int(s, ":id", id);
    if (db_exec_stmt(s) != SQLITE_DONE) return -1;
    for (size_t i = 0; i < w->sessions.count; i++) {
        const session_in *x = &w->sessions.items[i];
        s = db_stmt(c, Q_INSERT_SESSION);
        db_bind_int(s, ":workshop_id", id);
        db_bind_int(s, ":place_id", w->place_id);
        db_bind_int(s, ":starts_at", x->start);
        db_bind_int(s, ":ends_at", x->end);
        db_bind_int(s, ":cancelled", x->cancelled);
        db_bind_text(s, ":reason", x->cancelled ? x->reason : NULL);
        bind_long_or_null(s, ":capacity", x->capacity);
        bind_long_or_null(s, ":seats_left", x->seats_left);
        bind_long_or_null(s, ":is_full", x->is_full);
        if (db_exec_stmt(s) != SQLITE_DONE) return -1;
    }
    return 0;
}

/* ---- provenance (places/provenance.h): what a person edited survives a re-import ---- */

/* The fields of a workshop whose origin is kept: what a person edits. */
#define WORKSHOP_TRACKED(X)                                                                        \
    X(title)                                                                                       \
    X(summary)                                                                                     \
    X(description_md)                                                                              \
    X(themes)                                                                                      \
    X(keywords)                                                                                    \
    X(level)                                                                                       \
    X(audiences)                                                                                   \
    X(what_to_bring)                                                                               \
    X(price_kind)                                                                                  \
    X(price_cents)                                                                                 \
    X(pass_numerique)                                                                              \
    X(registration)                                                                                \
    X(registration_contact)                                                                        \
    X(capacity)                                                                                    \
    X(seats_left)                                                                                  \
    X(is_full)                                                                                     \
    X(facilitator)                                                                                 \
    X(partner)                                                                                     \
    X(accessibility_notes)                                                                         \
    X(venue_name)                                                                                  \
    X(venue_address)                                                                               \
    X(venue_postal_code)                                                                           \
    X(venue_commune)

#define AS_NAME_(col) #col,
static const char *const TRACKED[] = {WORKSHOP_TRACKED(AS_NAME_)};
#undef AS_NAME_

/* Used by: an import over a workshop a person edited (the values the
 * import would write, as SQLite stores them: one column per parameter). */
static const char Q_INCOMING[] = "SELECT " WORKSHOP_VALUES;
/* Used by: an import (the fields the rule keeps go back to the person's value). */
#define RESTORE_(col) #col " = iif(:k_" #col ", :o_" #col ", " #col "), "
static const char Q_RESTORE[] = "UPDATE workshop SET " WORKSHOP_TRACKED(
    RESTORE_) " slug = iif(:k_title, :o_slug, slug),"
              " description_html = iif(:k_description_md, :o_description_html, description_html)"
              " WHERE id = :id";
#undef RESTORE_
/* Used by: workshop_accept_proposal (one field takes the source's value). */
#define ACCEPT_(col) #col " = iif(:field = '" #col "', :value, " #col "), "
static const char Q_ACCEPT_FIELD[] = "UPDATE workshop SET " WORKSHOP_TRACKED(
    ACCEPT_) " slug = iif(:field = 'title', :slug, slug),"
             " description_html = iif(:field = 'description_md', :html, description_html),"
             " updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE id = :id";
#undef ACCEPT_

/*
 * A workshop's dates — its one-off sessions, its recurrence (rule, first
 * occurrence, length, exceptions) and its cancellations — are one fact for
 * the provenance rule, the field SCHEDULE_FIELD: a manager who moved a
 * session or changed the rule keeps it against an older import, and a new
 * schedule from the source becomes one proposal. Its stored text is those
 * parts of workshop_import_record_of as compact JSON with sorted keys (one
 * writer: equal schedules have equal texts), and a proposal's value is
 * such a text.
 */
#define SCHEDULE_FIELD "schedule"
static const char *const SCHEDULE_KEYS[] = {"recurrence", "seances", "annulations"};

/* Used by: an import over dates a person edited (put them back), and
 * accepting a proposal of dates. */
static const char Q_SET_SCHEDULE[] =
    "UPDATE workshop SET recurrence = :recurrence, exception_dates = :exception_dates,"
    " recurrence_start = :recurrence_start, duration_minutes = :duration_minutes,"
    " cancellations = :cancellations, updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"
    " WHERE id = :id";
/* Used by: schedule_decide (what an import would make of the dates, undone). */
static const char Q_PROBE_BEGIN[] = "SAVEPOINT schedule_probe";
static const char Q_PROBE_UNDO[] = "ROLLBACK TO schedule_probe";
static const char Q_PROBE_END[] = "RELEASE schedule_probe";

/* See workshop_import.h. */
char *workshop_schedule_text(db_conn *c, int64_t id)
{
    json_t *record = workshop_import_record_of(c, id, NULL);
    if (!record) return NULL;
    json_t *dates = json_object();
    for (size_t i = 0; i < ARRAY_LEN(SCHEDULE_KEYS); i++) {
        json_t *v = json_object_get(record, SCHEDULE_KEYS[i]);
        if (v) json_object_set(dates, SCHEDULE_KEYS[i], v);
    }
    char *text = json_dumps(dates, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(dates);
    json_decref(record);
    return text;
}

/* "2026-02-03T14:00" (a wall-clock time of the schedule) → day and minutes. */
static bool schedule_when(const char *text, int64_t *day, int *minutes)
{
    return text && workshop_parse_when(text, 0, day, minutes) && *minutes >= 0;
}

/* Capitalise the first letter of what was appended to b from `from` on (ASCII). */
static void capitalise_from(buf *b, size_t from)
{
    if (b->len > from) text_capitalise_first(b->data + from);
}

/* One-off session `item` ({debut, fin, annulee, motif}) in words. */
static void session_words(buf *b, json_t *item)
{
    const char *start = json_string_value(json_object_get(item, "debut"));
    const char *end = json_string_value(json_object_get(item, "fin"));
    int64_t day, end_day;
    int sm, em;
    if (!schedule_when(start, &day, &sm)) {
        buf_puts(b, start ? start : "?");
        return;
    }
    buf date = {0};
    workshop_format_date(&date, day, true);
    if (end && strlen(end) <= 5 && (em = workshop_parse_time(end)) >= 0) {
        /* TRANSLATORS: a session: "Le mardi 3 février 2026, de 14 h à 16 h". */
        buf_printf(b, _("Le %s, "), date.data);
        workshop_format_times(b, sm, em);
    } else if (schedule_when(end, &end_day, &em)) {
        buf other = {0}, t1 = {0}, t2 = {0};
        workshop_format_date(&other, end_day, true);
        workshop_format_time(&t1, sm);
        workshop_format_time(&t2, em);
        /* TRANSLATORS: a session over two days: "Du samedi 7 mars 2026 à 22 h au dimanche 8 mars
         * 2026 à 2 h". */
        buf_printf(b, _("Du %1$s à %2$s au %3$s à %4$s"), date.data, t1.data, other.data, t2.data);
        buf_free(&other);
        buf_free(&t1);
        buf_free(&t2);
    } else {
        buf_printf(b, _("Le %s, à "), date.data);
        workshop_format_time(b, sm);
    }
    buf_free(&date);
    if (json_is_true(json_object_get(item, "annulee"))) {
        const char *why = json_string_value(json_object_get(item, "motif"));
        if (why && *why)
            buf_printf(b, _(" (annulée : %s)"), why);
        else
            buf_puts(b, _(" (annulée)"));
    }
}

/* The recurrence `recurrence` ({debut, duree_minutes, regle, exceptions}) in words. */
static void recurrence_words(buf *b, json_t *recurrence)
{
    const char *rule_text = json_string_value(json_object_get(recurrence, "regle"));
    int64_t day;
    int minutes;
    rrule rule;
    char err[200];
    if (!rule_text || !rrule_parse(rule_text, &rule, err, sizeof err) ||
        !schedule_when(json_string_value(json_object_get(recurrence, "debut")), &day, &minutes)) {
        buf_puts(b, rule_text ? rule_text : "?");
        return;
    }
    size_t from = b->len;
    rrule_describe(b, &rule, day);
    capitalise_from(b, from);
    int duration = (int)json_integer_value(json_object_get(recurrence, "duree_minutes"));
    buf_puts(b, ", ");
    workshop_format_times(b, minutes, (minutes + duration) % 1440);
    buf date = {0};
    workshop_format_date(&date, day, true);
    /* TRANSLATORS: the first session of a recurrence: ", à partir du mardi 3 février 2026". */
    buf_printf(b, _(", à partir du %s"), date.data);
    if (rule.has_until) {
        buf_reset(&date);
        workshop_format_date(&date, tz_floor_div(rule.until, 86400), true);
        buf_printf(b, _(", jusqu'au %s compris"), date.data);
    } else if (rule.count) {
        buf_puts(b, ", ");
        fr_count(b, rule.count, "séance", "séances");
    }
    json_t *except = json_object_get(recurrence, "exceptions");
    size_t i, n = json_array_size(except);
    json_t *x;
    json_array_foreach(except, i, x)
    {
        int64_t d;
        int m;
        const char *text = json_string_value(x);
        buf_puts(b, i == 0 ? _(", sauf le ") : i + 1 == n ? _(" et le ") : _(", le "));
        if (text && workshop_parse_when(text, 0, &d, &m))
            workshop_format_date(b, d, true);
        else
            buf_puts(b, text ? text : "?");
    }
    buf_free(&date);
}

char *workshop_schedule_words(const char *text)
{
    json_error_t jerr;
    json_t *o = text ? json_loads(text, JSON_REJECT_DUPLICATES, &jerr) : NULL;
    if (!json_is_object(o)) {
        json_decref(o);
        return NULL;
    }
    buf b = {0};
    json_t *recurrence = json_object_get(o, "recurrence");
    if (json_is_object(recurrence)) recurrence_words(&b, recurrence);
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(o, "seances"), i, x)
    {
        if (b.len) buf_putc(&b, '\n');
        session_words(&b, x);
    }
    json_array_foreach(json_object_get(o, "annulations"), i, x)
    {
        int64_t d;
        int m;
        const char *day = json_string_value(json_object_get(x, "date"));
        const char *why = json_string_value(json_object_get(x, "motif"));
        if (!day || !workshop_parse_when(day, 0, &d, &m)) continue;
        if (b.len) buf_putc(&b, '\n');
        buf date = {0};
        workshop_format_date(&date, d, true);
        /* TRANSLATORS: a day without its session: "Annulée le mardi 10 février 2026". */
        buf_printf(&b, _("Annulée le %s"), date.data);
        if (why && *why) buf_printf(&b, " : %s", why);
        buf_free(&date);
    }
    if (!b.len) buf_puts(&b, _("Aucune date"));
    json_decref(o);
    return buf_steal(&b);
}

/* Put the date columns of `row` (provenance_row of the workshop) back. */
static int schedule_restore(db_conn *c, int64_t id, json_t *row)
{
    sqlite3_stmt *s = db_stmt(c, Q_SET_SCHEDULE);
    const char *cols[] = {"recurrence", "exception_dates", "recurrence_start", "duration_minutes",
                          "cancellations"};
    for (size_t i = 0; i < ARRAY_LEN(cols); i++) {
        char param[40];
        snprintf(param, sizeof param, ":%s", cols[i]);
        db_bind_text(s, param, json_string_value(json_object_get(row, cols[i])));
    }
    db_bind_int(s, ":id", id);
    return db_exec_stmt(s) == SQLITE_DONE ? 0 : -1;
}

/*
 * Before an import writes the dates of workshop `id` (stored as `current`):
 * the rule of provenance.h when a person edited them. What the import would
 * store is found by writing it in a savepoint, reading it back the one way
 * and undoing it. Sets *keep when the person's dates stay. Returns 0, or -1
 * on a database error.
 */
static int schedule_decide(db_conn *c, const workshop_in *w, int64_t id, const char *current,
                           bool *keep, importer_report *rep)
{
    *keep = false;
    json_t *origins = provenance_load(c, "workshop", id);
    if (!json_is_true(json_object_get(json_object_get(origins, SCHEDULE_FIELD), "by_person"))) {
        json_decref(origins);
        return 0;
    }
    char *incoming = NULL;
    int rc = db_exec_stmt(db_stmt(c, Q_PROBE_BEGIN)) == SQLITE_DONE ? 0 : -1;
    if (rc == 0) {
        sqlite3_stmt *s = db_stmt(c, Q_SET_SCHEDULE);
        bind_schedule(s, w);
        db_bind_int(s, ":id", id);
        if (db_exec_stmt(s) != SQLITE_DONE || write_sessions(c, w, id) != 0) rc = -1;
        if (rc == 0) incoming = workshop_schedule_text(c, id);
        if (db_exec_stmt(db_stmt(c, Q_PROBE_UNDO)) != SQLITE_DONE) rc = -1;
        if (db_exec_stmt(db_stmt(c, Q_PROBE_END)) != SQLITE_DONE) rc = -1;
    }
    if (rc == 0) {
        int d = provenance_decide(c, origins, "workshop", id, w->place_id, SCHEDULE_FIELD,
                                  w->source, current, incoming);
        if (d < 0) rc = -1;
        *keep = d == PROVENANCE_KEEP || d == PROVENANCE_PROPOSE;
        if (rep && d == PROVENANCE_KEEP) rep->kept_by_place++;
        if (rep && d == PROVENANCE_PROPOSE) rep->proposed++;
    }
    free(incoming);
    json_decref(origins);
    return rc;
}

static bool tracked(const char *field)
{
    for (size_t i = 0; i < ARRAY_LEN(TRACKED); i++)
        if (strcmp(TRACKED[i], field) == 0) return true;
    return false;
}

/* The values workshop `w` would be written with (column → stored text). */
static json_t *incoming_values(db_conn *c, const workshop_in *w)
{
    sqlite3_stmt *s = db_stmt(c, Q_INCOMING);
    bind_workshop(s, w);
    json_t *o = json_object();
    if (sqlite3_step(s) == SQLITE_ROW)
        for (int i = 0; i < sqlite3_column_count(s); i++) {
            const char *name = sqlite3_column_name(s, i) + 1; /* ":title" */
            if (strcmp(name, "pass") == 0) name = "pass_numerique";
            char *t = provenance_col_text(s, i);
            json_object_set_new(o, name, t ? json_string(t) : json_null());
            free(t);
        }
    sqlite3_reset(s);
    return o;
}

/*
 * Before an import writes over workshop `id` (stored as `before`): the rule
 * of provenance.h for each field a person edited. Fills `keep` (field →
 * true) with the fields that keep the person's value and counts them in
 * the report. Returns 0, or -1 on a database error.
 */
static int import_decide(db_conn *c, const workshop_in *w, int64_t id, json_t *before, json_t *keep,
                         importer_report *rep)
{
    json_t *origins = provenance_load(c, "workshop", id);
    int rc = 0;
    if (json_object_size(origins)) {
        json_t *in = incoming_values(c, w);
        for (size_t i = 0; i < ARRAY_LEN(TRACKED) && rc == 0; i++) {
            const char *f = TRACKED[i];
            int d = provenance_decide(c, origins, "workshop", id, w->place_id, f, w->source,
                                      json_string_value(json_object_get(before, f)),
                                      json_string_value(json_object_get(in, f)));
            if (d < 0) rc = -1;
            if (d == PROVENANCE_KEEP || d == PROVENANCE_PROPOSE)
                json_object_set_new(keep, f, json_true());
            if (rep && d == PROVENANCE_KEEP) rep->kept_by_place++;
            if (rep && d == PROVENANCE_PROPOSE) rep->proposed++;
        }
        json_decref(in);
    }
    json_decref(origins);
    return rc;
}

/* Put back the fields of `keep` as they were (`before`). */
static int restore_kept(db_conn *c, int64_t id, json_t *before, json_t *keep)
{
    if (!json_object_size(keep)) return 0;
    sqlite3_stmt *s = db_stmt(c, Q_RESTORE);
    for (size_t i = 0; i < ARRAY_LEN(TRACKED); i++) {
        const char *f = TRACKED[i];
        char param[64];
        snprintf(param, sizeof param, ":k_%s", f);
        db_bind_int(s, param, json_object_get(keep, f) != NULL);
        snprintf(param, sizeof param, ":o_%s", f);
        db_bind_text(s, param, json_string_value(json_object_get(before, f)));
    }
    db_bind_text(s, ":o_slug", json_string_value(json_object_get(before, "slug")));
    db_bind_text(s, ":o_description_html",
                 json_string_value(json_object_get(before, "description_html")));
    db_bind_int(s, ":id", id);
    return db_exec_stmt(s) == SQLITE_DONE ? 0 : -1;
}

/* After a write of workshop `id` (its sessions included): the origin of
 * each tracked field it changed, and of its dates when `schedule_before`
 * (their text before the write) is given. */
static int record_origins(db_conn *c, int64_t id, json_t *before, const char *schedule_before,
                          bool by_person, int64_t account)
{
    json_t *after = provenance_row(c, "workshop", id);
    const char *source = json_string_value(json_object_get(after, "source"));
    int rc = 0;
    for (size_t i = 0; i < ARRAY_LEN(TRACKED) && rc == 0 && after; i++) {
        const char *f = TRACKED[i];
        const char *old = json_string_value(json_object_get(before, f));
        const char *now = json_string_value(json_object_get(after, f));
        if (!provenance_same(old, now))
            rc = provenance_set(c, "workshop", id, f, by_person, account, source, old, now);
    }
    if (rc == 0 && after && schedule_before) {
        char *now = workshop_schedule_text(c, id);
        if (now && !provenance_same(schedule_before, now))
            rc = provenance_set(c, "workshop", id, SCHEDULE_FIELD, by_person, account, source,
                                schedule_before, now);
        free(now);
    }
    json_decref(after);
    return rc;
}

/* Accept a proposal of dates: the workshop as stored with the proposed
 * dates, read again like an editor's record (same checks), then its date
 * columns and sessions written. Returns 1, or -1 (error or no longer valid). */
static int accept_schedule(db_conn *c, int64_t workshop_id, const char *value, int64_t account)
{
    int64_t place_id = 0;
    json_t *record = workshop_import_record_of(c, workshop_id, &place_id);
    json_error_t jerr;
    json_t *dates = value ? json_loads(value, 0, &jerr) : json_object();
    json_t *before = provenance_row(c, "workshop", workshop_id);
    char *schedule_before = workshop_schedule_text(c, workshop_id);
    importer_report rep;
    importer_report_init(&rep);
    rec r = {.rep = &rep, .ar = arena_new(), .index = 1};
    workshop_in w = {0};
    int rc = -1;
    if (record && json_is_object(dates) && before) {
        for (size_t i = 0; i < ARRAY_LEN(SCHEDULE_KEYS); i++) {
            json_t *v = json_object_get(dates, SCHEDULE_KEYS[i]);
            if (v)
                json_object_set(record, SCHEDULE_KEYS[i], v);
            else
                json_object_del(record, SCHEDULE_KEYS[i]);
        }
        if (read_record(&r, c, record, "Repère", now_utc(), place_id, &w)) {
            sqlite3_stmt *s = db_stmt(c, Q_SET_SCHEDULE);
            bind_schedule(s, &w);
            db_bind_int(s, ":id", workshop_id);
            if (db_exec_stmt(s) == SQLITE_DONE && sqlite3_changes(db_handle(c)) == 1 &&
                write_sessions(c, &w, workshop_id) == 0 &&
                record_origins(c, workshop_id, before, schedule_before, false, account) == 0 &&
                provenance_note(c, place_id, account, PROVENANCE_ACCEPTED, "workshop", workshop_id,
                                SCHEDULE_FIELD, schedule_before, value) == 0)
                rc = 1;
        }
    }
    workshop_in_free(&w);
    arena_free(r.ar);
    importer_report_free(&rep);
    free(schedule_before);
    json_decref(before);
    json_decref(dates);
    json_decref(record);
    return rc;
}

int workshop_accept_proposal(db_conn *c, int64_t workshop_id, const char *field, const char *value,
                             int64_t account)
{
    if (strcmp(field, SCHEDULE_FIELD) == 0) return accept_schedule(c, workshop_id, value, account);
    if (!tracked(field)) return 0;
    json_t *before = provenance_row(c, "workshop", workshop_id);
    if (!before) return 0;
    sqlite3_stmt *s = db_stmt(c, Q_ACCEPT_FIELD);
    db_bind_text(s, ":field", field);
    db_bind_text(s, ":value", value);
    char *slug = strcmp(field, "title") == 0 && value ? text_slug(value) : NULL;
    db_bind_text(s, ":slug", slug && *slug ? slug : "atelier");
    char *err = NULL;
    char *html = strcmp(field, "description_md") == 0 && value
                     ? md_render(value, strlen(value), &err)
                     : NULL;
    db_bind_text(s, ":html", html);
    db_bind_int(s, ":id", workshop_id);
    int rc = db_exec_stmt(s) == SQLITE_DONE && sqlite3_changes(db_handle(c)) == 1 ? 1 : -1;
    free(slug);
    free(html);
    free(err);
    int64_t place_id = 0;
    json_t *place = json_object_get(before, "place_id");
    if (json_is_string(place)) place_id = strtoll(json_string_value(place), NULL, 10);
    if (rc == 1 && record_origins(c, workshop_id, before, NULL, false, account) != 0) rc = -1;
    if (rc == 1 &&
        provenance_note(c, place_id, account, PROVENANCE_ACCEPTED, "workshop", workshop_id, field,
                        json_string_value(json_object_get(before, field)), value) != 0)
        rc = -1;
    json_decref(before);
    return rc;
}

/* Write one valid workshop and its sessions. Returns 1 new, 2 updated, -1 on a database error. */
static int write_workshop(db_conn *c, const workshop_in *w, importer_report *rep)
{
    sqlite3_stmt *s = db_stmt(c, Q_FIND);
    db_bind_text(s, ":source", w->source);
    db_bind_text(s, ":sid", w->source_id);
    int64_t id = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
    sqlite3_reset(s);
    if (id) {
        json_t *before = provenance_row(c, "workshop", id), *keep = json_object();
        char *schedule_before = workshop_schedule_text(c, id);
        bool keep_schedule = false;
        int rc = schedule_decide(c, w, id, schedule_before, &keep_schedule, rep);
        if (rc == 0) rc = import_decide(c, w, id, before, keep, rep);
        if (rc == 0) {
            s = db_stmt(c, Q_UPDATE);
            bind_workshop(s, w);
            db_bind_int(s, ":id", id);
            rc = db_exec_stmt(s) == SQLITE_DONE ? 0 : -1;
        }
        if (rc == 0) rc = restore_kept(c, id, before, keep);
        /* The person's dates stay whole: their columns and their sessions. */
        if (rc == 0)
            rc = keep_schedule ? schedule_restore(c, id, before) : write_sessions(c, w, id);
        if (rc == 0) rc = record_origins(c, id, before, schedule_before, false, 0);
        free(schedule_before);
        json_decref(before);
        json_decref(keep);
        return rc == 0 ? 2 : -1;
    }
    s = db_stmt(c, Q_INSERT);
    bind_workshop(s, w);
    if (db_exec_stmt(s) != SQLITE_DONE) return -1;
    id = sqlite3_last_insert_rowid(db_handle(c));
    return write_sessions(c, w, id) == 0 ? 1 : -1;
}

/* ---- the file ---- */

static json_t *load_root(const char *data, size_t len, json_error_t *err)
{
    if (len >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3)) data += 3, len -= 3;
    return json_loadb(data, len, JSON_REJECT_DUPLICATES, err);
}

bool workshop_import_detect(const char *data, size_t len)
{
    size_t i = 0;
    if (len >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3)) i = 3;
    while (i < len && isspace((unsigned char)data[i]))
        i++;
    if (i == len || data[i] != '{') return false;
    json_error_t err;
    json_t *root = load_root(data, len, &err);
    bool yes = root && json_is_array(json_object_get(root, "ateliers"));
    json_decref(root);
    return yes;
}

enum { WORKSHOP_DRY_RUN = -3 }; /* a dry run: everything was checked, nothing is kept */

typedef struct import_args {
    importer_report *out;
    json_t *list;
    const char *default_source;
    int64_t now;
    bool dry_run;
    importer_may_write may_write; /* NULL: the command line, which may write anything */
    void *may_write_ctx;
    bool started; /* out: the transaction began */
    bool failed;  /* out: a workshop could not be written (the error is in the report) */
} import_args;

/* Used by: the upload's territory check (the place a workshop is attached to now). */
static const char Q_PLACE_OF[] = "SELECT place_id FROM workshop WHERE source = :source AND"
                                 " source_id = :sid";

/*
 * May this upload write workshop `w`? Its place, and the place it is
 * attached to now when the file moves it, must both be places the account
 * may edit (docs/security.md rule 3, the places importer's rule).
 */
static bool may_write_workshop(const import_args *a, rec *r, db_conn *c, const workshop_in *w)
{
    if (!a->may_write) return true;
    const char *why = NULL;
    if (!a->may_write(a->may_write_ctx, c, w->place_id, true, &why)) {
        reject(r, "lieu", NULL, PLAIN_TEXT, why ? why : _("ce lieu n'est pas de votre territoire"));
        return false;
    }
    sqlite3_stmt *s = db_stmt(c, Q_PLACE_OF);
    db_bind_text(s, ":source", w->source);
    db_bind_text(s, ":sid", w->source_id);
    int64_t now_at = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
    sqlite3_reset(s);
    if (now_at && now_at != w->place_id && !a->may_write(a->may_write_ctx, c, now_at, true, &why)) {
        reject(r, "id", w->source_id,
               "cet atelier appartient à un lieu hors de votre territoire : il n'est pas modifié");
        return false;
    }
    return true;
}

/* Inside the transaction: every workshop; a dry run rolls back on purpose. */
static int import_tx(db_conn *c, void *ctx)
{
    import_args *a = ctx;
    importer_report *out = a->out;
    a->started = true;
    json_t *seen = json_object(); /* "source\x1Fid" → record number */
    int status = 0;
    size_t i;
    json_t *o;
    json_array_foreach(a->list, i, o)
    {
        out->records++;
        rec r = {.rep = out, .ar = arena_new(), .index = i + 1};
        workshop_in w = {0};
        bool ok = read_record(&r, c, o, a->default_source, a->now, 0, &w);
        if (ok) {
            char *key = xasprintf("%s\x1f%s", w.source, w.source_id);
            json_t *first = json_object_get(seen, key);
            if (first) {
                reject(&r, "id", w.source_id, "id déjà vu dans ce fichier (atelier n° %lld)",
                       (long long)json_integer_value(first));
                ok = false;
            } else {
                json_object_set_new(seen, key, json_integer((json_int_t)(i + 1)));
            }
            free(key);
        }
        if (ok) ok = may_write_workshop(a, &r, c, &w);
        if (ok) {
            int outcome = write_workshop(c, &w, out);
            if (outcome < 0) {
                out->error =
                    xasprintf(_("erreur de la base de données : %s"), sqlite3_errmsg(db_handle(c)));
                a->failed = true;
                status = -1;
            } else if (outcome == 1) {
                out->imported++;
            } else {
                out->updated++;
            }
        } else {
            out->rejected++;
        }
        workshop_in_free(&w);
        arena_free(r.ar);
        if (status) break;
    }
    json_decref(seen);
    if (status) return -1;
    return a->dry_run ? WORKSHOP_DRY_RUN : 0;
}

int workshop_import_run(db *d, const char *data, size_t len, const char *source_name, bool dry_run,
                        int64_t now, importer_report *out)
{
    return workshop_import_run_as(d, data, len, source_name, dry_run, now, NULL, NULL, out);
}

int workshop_import_run_as(db *d, const char *data, size_t len, const char *source_name,
                           bool dry_run, int64_t now, importer_may_write may_write, void *ctx,
                           importer_report *out)
{
    out->dry_run = dry_run;
    json_error_t jerr;
    json_t *root = load_root(data, len, &jerr);
    json_t *list = root ? json_object_get(root, "ateliers") : NULL;
    if (!json_is_array(list)) {
        out->error = root ? xstrdup(_("fichier d'ateliers : le tableau « ateliers » manque"))
                          : xasprintf(_("JSON illisible, ligne %d : %s"), jerr.line, jerr.text);
        json_decref(root);
        return -1;
    }
    if (json_array_size(list) > WORKSHOP_IMPORT_MAX_RECORDS) {
        out->error = xasprintf(_("trop d'ateliers dans un fichier (%d au plus)"),
                               WORKSHOP_IMPORT_MAX_RECORDS);
        json_decref(root);
        return -1;
    }
    json_t *file_source = json_object_get(root, "source");
    const char *default_source = json_is_string(file_source) && *json_string_value(file_source)
                                     ? json_string_value(file_source)
                                     : source_name;
    import_args ia = {out, list, default_source, now, dry_run, may_write, ctx, false, false};
    int status = db_transaction(d, import_tx, &ia);
    json_decref(root);
    if (status == WORKSHOP_DRY_RUN) return 0;
    if (status < 0 && !ia.started)
        out->error = xstrdup(_("base de données occupée : réessayez"));
    else if (status < 0 && !ia.failed)
        out->error = xstrdup(_("l'enregistrement a échoué (COMMIT)"));
    return status < 0 ? -1 : 0;
}

int workshop_import_file(db *d, const char *path, const char *source_name)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "%s: lecture impossible : %s\n", path, strerror(errno));
        return 1;
    }
    buf b = {0};
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0 && b.len < FILE_MAX_BYTES)
        buf_append(&b, chunk, n);
    fclose(f);
    importer_report rep;
    importer_report_init(&rep);
    int rc =
        workshop_import_run(d, b.data ? b.data : "", b.len, source_name, false, now_utc(), &rep);
    importer_report_print(&rep, path, stderr);
    importer_report_free(&rep);
    buf_free(&b);
    return rc == 0 ? 0 : 1;
}

/* ---- the admin editor: one record at a time, authorised in SQL ---- */

int64_t workshop_import_record(db_conn *c, json_t *record, int64_t place_id, int64_t workshop_id,
                               int64_t account, int64_t now, importer_report *out)
{
    out->records++;
    rec r = {.rep = out, .ar = arena_new(), .index = 1};
    workshop_in w = {0};
    int64_t result = 0;
    json_t *before = NULL;
    char *schedule_before = NULL;
    if (!read_record(&r, c, record, "Repère", now, place_id, &w)) {
        out->rejected++;
        goto done;
    }
    before = workshop_id ? provenance_row(c, "workshop", workshop_id) : NULL;
    schedule_before = workshop_id ? workshop_schedule_text(c, workshop_id) : NULL;
    sqlite3_stmt *s = db_stmt(c, workshop_id ? Q_UPDATE_AS : Q_INSERT_AS);
    bind_workshop(s, &w);
    db_bind_int(s, ":account", account);
    if (workshop_id) db_bind_int(s, ":id", workshop_id);
    if (db_exec_stmt(s) != SQLITE_DONE) {
        out->error =
            xasprintf(_("erreur de la base de données : %s"), sqlite3_errmsg(db_handle(c)));
        result = -1;
        goto done;
    }
    if (sqlite3_changes(db_handle(c)) != 1) {
        result = -2; /* not allowed: nothing was written */
        goto done;
    }
    int64_t id = workshop_id ? workshop_id : sqlite3_last_insert_rowid(db_handle(c));
    if (write_sessions(c, &w, id) != 0 ||
        (before && record_origins(c, id, before, schedule_before, true, account) != 0)) {
        out->error =
            xasprintf(_("erreur de la base de données : %s"), sqlite3_errmsg(db_handle(c)));
        result = -1;
        goto done;
    }
    if (workshop_id)
        out->updated++;
    else
        out->imported++;
    result = id;
done:
    json_decref(before);
    free(schedule_before);
    workshop_in_free(&w);
    arena_free(r.ar);
    return result;
}

/* Used by: workshop_import_record_of (a workshop as the editor re-reads it). */
static const char Q_RECORD_OF[] =
    "SELECT w.source, w.source_id, w.title, w.summary, w.description_md, w.themes, w.keywords,"
    " w.level, w.audiences, w.what_to_bring, w.price_kind, w.price_cents, w.pass_numerique,"
    " w.registration, w.registration_contact, w.capacity, w.seats_left, w.is_full, w.facilitator,"
    " w.partner, w.accessibility_notes, w.venue_name, w.venue_address, w.venue_postal_code,"
    " w.venue_commune, w.venue_latitude, w.venue_longitude, w.recurrence, w.recurrence_start,"
    " w.duration_minutes, w.exception_dates, w.cancellations, p.timezone, w.place_id"
    " FROM workshop w JOIN place p ON p.id = w.place_id WHERE w.id = :id";
/* Used by: workshop_import_record_of (the stored sessions). */
static const char Q_RECORD_SESSIONS[] =
    "SELECT starts_at, ends_at, cancelled, cancel_reason, capacity, seats_left, is_full"
    " FROM workshop_session WHERE workshop_id = :id ORDER BY starts_at";

/*
 * One "places_par_date" entry for a stored session row of Q_RECORD_SESSIONS
 * with its own seats, once per local day.
 */
static void add_session_seats(json_t *seats, const tz_zone *zone, sqlite3_stmt *s)
{
    buf day = {0};
    iso_day(&day, tz_floor_div(tz_utc_to_local(zone, sqlite3_column_int64(s, 0)), 86400));
    size_t i;
    json_t *x;
    json_array_foreach(seats, i,
                       x) if (!strcmp(json_string_value(json_object_get(x, "date")), day.data))
    {
        buf_free(&day);
        return;
    }
    json_t *item = json_pack("{s:s}", "date", day.data);
    if (sqlite3_column_type(s, 4) != SQLITE_NULL)
        json_object_set_new(item, "capacite", json_integer(sqlite3_column_int64(s, 4)));
    if (sqlite3_column_type(s, 5) != SQLITE_NULL)
        json_object_set_new(item, "places_restantes", json_integer(sqlite3_column_int64(s, 5)));
    if (sqlite3_column_type(s, 6) != SQLITE_NULL)
        json_object_set_new(item, "complet", json_boolean(sqlite3_column_int(s, 6)));
    json_array_append_new(seats, item);
    buf_free(&day);
}

static json_t *col_text(sqlite3_stmt *s, int col)
{
    const char *v = db_col_text(s, col);
    return v && *v ? json_string(v) : json_null();
}

static json_t *col_list(sqlite3_stmt *s, int col)
{
    json_t *a = json_array();
    const char *cell = db_col_text(s, col);
    while (cell && *cell) {
        size_t n = strcspn(cell, "|");
        if (n) json_array_append_new(a, json_stringn(cell, n));
        cell += n;
        if (*cell) cell++;
    }
    return a;
}

static void local_text(buf *out, const tz_zone *zone, int64_t utc, bool with_date)
{
    int64_t local = tz_utc_to_local(zone, utc);
    int64_t days = tz_floor_div(local, 86400);
    int64_t sec = local - days * 86400;
    if (with_date) {
        iso_day(out, days);
        buf_putc(out, 'T');
    }
    buf_printf(out, "%02d:%02d", (int)(sec / 3600), (int)(sec % 3600 / 60));
}

json_t *workshop_import_record_of(db_conn *c, int64_t workshop_id, int64_t *place_id)
{
    sqlite3_stmt *s = db_stmt(c, Q_RECORD_OF);
    db_bind_int(s, ":id", workshop_id);
    if (sqlite3_step(s) != SQLITE_ROW) {
        sqlite3_reset(s);
        return NULL;
    }
    json_t *o = json_object();
    json_object_set_new(o, "source", col_text(s, 0));
    json_object_set_new(o, "id", col_text(s, 1));
    if (json_is_null(json_object_get(o, "id")))
        json_object_set_new(o, "id", json_sprintf("atelier-%lld", (long long)workshop_id));
    json_object_set_new(o, "titre", col_text(s, 2));
    json_object_set_new(o, "resume", col_text(s, 3));
    json_object_set_new(o, "description", col_text(s, 4));
    json_object_set_new(o, "themes", col_list(s, 5));
    json_object_set_new(o, "mots_cles", col_list(s, 6));
    json_object_set_new(o, "niveau", col_text(s, 7));
    json_object_set_new(o, "publics", col_list(s, 8));
    json_object_set_new(o, "a_apporter", col_text(s, 9));
    const char *kind = db_col_text(s, 10);
    bool paid = kind && !strcmp(kind, "payant");
    json_object_set_new(o, "tarif", json_string(paid ? "payant" : "gratuit"));
    if (paid && sqlite3_column_type(s, 11) != SQLITE_NULL)
        json_object_set_new(o, "montant", json_real((double)sqlite3_column_int64(s, 11) / 100.0));
    json_object_set_new(o, "pass_numerique", json_boolean(sqlite3_column_int(s, 12)));
    json_object_set_new(o, "inscription", col_text(s, 13));
    json_object_set_new(o, "contact_inscription", col_text(s, 14));
    if (sqlite3_column_type(s, 15) != SQLITE_NULL)
        json_object_set_new(o, "capacite", json_integer(sqlite3_column_int64(s, 15)));
    if (sqlite3_column_type(s, 16) != SQLITE_NULL)
        json_object_set_new(o, "places_restantes", json_integer(sqlite3_column_int64(s, 16)));
    json_object_set_new(o, "complet", json_boolean(sqlite3_column_int(s, 17)));
    json_object_set_new(o, "animateur", col_text(s, 18));
    json_object_set_new(o, "partenaire", col_text(s, 19));
    json_object_set_new(o, "accessibilite", col_text(s, 20));
    if (db_col_text(s, 22)) {
        json_t *v =
            json_pack("{s:o, s:o, s:o, s:o}", "nom", col_text(s, 21), "adresse", col_text(s, 22),
                      "code_postal", col_text(s, 23), "commune", col_text(s, 24));
        if (sqlite3_column_type(s, 25) != SQLITE_NULL &&
            sqlite3_column_type(s, 26) != SQLITE_NULL) {
            json_object_set_new(v, "latitude", json_real(sqlite3_column_double(s, 25)));
            json_object_set_new(v, "longitude", json_real(sqlite3_column_double(s, 26)));
        }
        json_object_set_new(o, "hors_les_murs", v);
    }
    const char *zone_name = db_col_text(s, 32);
    const tz_zone *zone = tz_zone_get(zone_name ? zone_name : "Europe/Paris");
    if (!zone) zone = tz_zone_get("Europe/Paris");
    if (place_id) *place_id = sqlite3_column_int64(s, 33);

    /* The recurrence as published, and the days it skips. */
    rrule rule;
    bool recurring = false;
    int64_t start_day = 0;
    int start_minutes = 0, duration = 0;
    int64_t except[64];
    size_t except_count = 0;
    const char *rule_text = db_col_text(s, 27), *rstart = db_col_text(s, 28);
    char err[200];
    if (rule_text && rstart && sqlite3_column_int(s, 29) > 0 &&
        rrule_parse(rule_text, &rule, err, sizeof err) &&
        workshop_parse_when(rstart, 0, &start_day, &start_minutes) && start_minutes >= 0) {
        recurring = true;
        duration = sqlite3_column_int(s, 29);
        json_t *ex = json_array();
        const char *cell = db_col_text(s, 30);
        while (cell && *cell) {
            size_t n = strcspn(cell, "|");
            char day[16];
            int64_t d;
            int m;
            snprintf(day, sizeof day, "%.*s", (int)(n < 15 ? n : 15), cell);
            if (workshop_parse_when(day, 0, &d, &m) && except_count < ARRAY_LEN(except))
                except[except_count++] = d;
            json_array_append_new(ex, json_string(day));
            cell += n;
            if (*cell) cell++;
        }
        json_object_set_new(o, "recurrence",
                            json_pack("{s:s, s:i, s:s, s:o}", "debut", rstart, "duree_minutes",
                                      duration, "regle", rule_text, "exceptions", ex));
    }
    json_error_t jerr;
    const char *cancellations = db_col_text(s, 31);
    json_t *annulations = cancellations ? json_loads(cancellations, 0, &jerr) : NULL;
    if (!json_is_array(annulations)) {
        json_decref(annulations);
        annulations = json_array();
    }
    sqlite3_reset(s);

    /* One-off sessions: the stored ones the recurrence does not produce. */
    s = db_stmt(c, Q_RECORD_SESSIONS);
    db_bind_int(s, ":id", workshop_id);
    int64_t *starts = NULL;
    size_t nstarts = 0;
    json_t *seances = json_array(), *seats = json_array();
    typedef struct {
        int64_t start, end;
        bool cancelled;
        char *reason;
    } stored;
    stored *all = NULL;
    size_t nall = 0, cap = 0;
    while (sqlite3_step(s) == SQLITE_ROW) {
        if (nall == cap) {
            cap = cap ? cap * 2 : 32;
            all = xrealloc(all, cap * sizeof *all);
        }
        const char *reason = db_col_text(s, 3);
        if (sqlite3_column_type(s, 4) != SQLITE_NULL || sqlite3_column_type(s, 5) != SQLITE_NULL ||
            sqlite3_column_type(s, 6) != SQLITE_NULL)
            add_session_seats(seats, zone, s);
        all[nall++] = (stored){sqlite3_column_int64(s, 0), sqlite3_column_int64(s, 1),
                               sqlite3_column_int(s, 2) != 0, reason ? xstrdup(reason) : NULL};
    }
    sqlite3_reset(s);
    if (recurring && nall) {
        rrule_occurrence *occ = xmalloc(WORKSHOP_MAX_SESSIONS * sizeof *occ);
        int n = rrule_expand(&rule, zone, start_day * 86400 + start_minutes * 60,
                             (int64_t)duration * 60, except, except_count, all[0].start,
                             all[nall - 1].start + 1, occ, WORKSHOP_MAX_SESSIONS);
        if (n < 0) n = WORKSHOP_MAX_SESSIONS;
        starts = xmalloc(((size_t)n + 1) * sizeof *starts);
        for (int k = 0; k < n; k++)
            starts[nstarts++] = occ[k].start;
        free(occ);
    }
    for (size_t i = 0; i < nall; i++) {
        bool from_rule = false;
        for (size_t k = 0; k < nstarts && !from_rule; k++)
            from_rule = starts[k] == all[i].start;
        if (!from_rule) {
            buf a = {0}, b = {0};
            local_text(&a, zone, all[i].start, true);
            bool same_day = tz_floor_div(tz_utc_to_local(zone, all[i].start), 86400) ==
                            tz_floor_div(tz_utc_to_local(zone, all[i].end), 86400);
            local_text(&b, zone, all[i].end, !same_day);
            json_t *item = json_pack("{s:s, s:s}", "debut", a.data, "fin", b.data);
            /* A cancellation not published by day (annulations) stays on the session. */
            bool by_day = false;
            char day[11];
            memcpy(day, a.data, 10);
            day[10] = '\0';
            size_t k;
            json_t *x;
            json_array_foreach(annulations, k, x) by_day =
                by_day || !strcmp(json_string_value(json_object_get(x, "date"))
                                      ? json_string_value(json_object_get(x, "date"))
                                      : "",
                                  day);
            if (all[i].cancelled && !by_day) {
                json_object_set_new(item, "annulee", json_true());
                if (all[i].reason) json_object_set_new(item, "motif", json_string(all[i].reason));
            }
            json_array_append_new(seances, item);
            buf_free(&a);
            buf_free(&b);
        }
        free(all[i].reason);
    }
    free(all);
    free(starts);
    if (json_array_size(seances))
        json_object_set_new(o, "seances", seances);
    else
        json_decref(seances);
    if (json_array_size(annulations))
        json_object_set_new(o, "annulations", annulations);
    else
        json_decref(annulations);
    if (json_array_size(seats))
        json_object_set_new(o, "places_par_date", seats);
    else
        json_decref(seats);
    return o;
}
