/*
 * place_view.c — view models of places; see place.h.
 */
#include "places/place_view.h"
#include "places/closure.h"
#include "core/fr.h"
#include "hours/hours.h"
#include "hours/tz.h"
#include "core/util.h"
#include "core/i18n.h"
#include "places/vocab.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Used by: place_view (the place page). */
static const char Q_PLACE[] =
    "SELECT p.id, p.slug, p.name, p.commune, p.postal_code, p.insee_code, p.address,"
    " p.address_extra, p.latitude, p.longitude, p.typologies, p.phone, p.emails, p.website,"
    " p.hours, p.summary, p.description_html, p.itinerance, p.services, p.services_original,"
    " p.publics, p.support, p.fees, p.fees_note, p.programmes, p.labels, p.other_labels,"
    " p.access_modes, p.support_modes, p.accessibility_url, p.booking_url,"
    " p.pass_numerique_accepted, p.pass_numerique_distributed, p.does_procedures_for_you,"
    " p.languages, p.equipment, p.accessibility_notes, p.wheelchair_accessible, p.date_maj,"
    " p.verified_at, p.closed_at, p.source, p.source_id, p.pivot,"
    " CAST(strftime('%s', p.updated_at) AS INTEGER), s.name, p.timezone, p.parent_structure,"
    " p.departement"
    " FROM place p LEFT JOIN structure s ON s.id = p.structure_id WHERE p.id = :id";

enum {
    C_ID,
    C_SLUG,
    C_NAME,
    C_COMMUNE,
    C_POSTAL,
    C_INSEE,
    C_ADDRESS,
    C_ADDRESS_EXTRA,
    C_LAT,
    C_LON,
    C_TYPES,
    C_PHONE,
    C_EMAILS,
    C_WEBSITE,
    C_HOURS,
    C_SUMMARY,
    C_DESCRIPTION,
    C_ITINERANCE,
    C_SERVICES,
    C_SERVICES_ORIGINAL,
    C_PUBLICS,
    C_SUPPORT,
    C_FEES,
    C_FEES_NOTE,
    C_PROGRAMMES,
    C_LABELS,
    C_OTHER_LABELS,
    C_ACCESS_MODES,
    C_SUPPORT_MODES,
    C_ACCESSIBILITY_URL,
    C_BOOKING_URL,
    C_PASS_ACCEPTED,
    C_PASS_DISTRIBUTED,
    C_FOR_YOU,
    C_LANGUAGES,
    C_EQUIPMENT,
    C_ACCESSIBILITY_NOTES,
    C_WHEELCHAIR,
    C_DATE_MAJ,
    C_VERIFIED_AT,
    C_CLOSED_AT,
    C_SOURCE,
    C_SOURCE_ID,
    C_PIVOT,
    C_UPDATED_AT,
    C_STRUCTURE,
    C_TIMEZONE,
    C_PARENT_STRUCTURE,
    C_DEPARTEMENT
};

char *place_path(int64_t id, const char *slug)
{
    return slug && *slug ? xasprintf("/lieux/%lld-%s", (long long)id, slug)
                         : xasprintf("/lieux/%lld", (long long)id);
}

int64_t place_parse_segment(const char *segment, const char **slug)
{
    int64_t id = 0;
    const char *p = segment;
    if (*p < '1' || *p > '9') return 0;
    while (*p >= '0' && *p <= '9') {
        if (id > (INT64_MAX - 9) / 10) return 0;
        id = id * 10 + (*p++ - '0');
    }
    if (*p && *p != '-') return 0;
    if (slug) *slug = *p == '-' ? p + 1 : p;
    return id;
}

long place_age_days(const char *iso, int64_t now)
{
    int y, m, d;
    if (!fr_parse_date(iso, &y, &m, &d)) return -1;
    return (long)(now / 86400 - tz_days_from_civil(y, m, d));
}

static void set_text(json_t *o, const char *key, const char *value)
{
    if (value && *value) json_object_set_new(o, key, json_string(value));
}

typedef struct list_ctx {
    json_t *array;
    vocab_kind kind;
    bool labelled; /* use the vocabulary's label for people */
} list_ctx;

static void add_item(const char *item, void *ctx)
{
    list_ctx *l = ctx;
    json_array_append_new(l->array, json_string(l->labelled ? vocab_label(l->kind, item) : item));
}

/* A '|'-list column as an array of strings (labels for people when labelled). */
static json_t *list_of(const char *cell, vocab_kind kind, bool labelled)
{
    list_ctx l = {json_array(), kind, labelled};
    if (cell) vocab_split(cell, add_item, &l);
    return l.array;
}

static void set_list(json_t *o, const char *key, const char *cell, vocab_kind kind, bool labelled)
{
    json_t *a = list_of(cell, kind, labelled);
    if (json_array_size(a))
        json_object_set_new(o, key, a);
    else
        json_decref(a);
}

static json_t *fr_date_json(const char *iso)
{
    buf b = {0};
    json_t *v = fr_date(&b, iso) ? json_string(b.data) : NULL;
    buf_free(&b);
    return v;
}

const char *place_latest_date(const char *date_maj, const char *verified_at)
{
    if (verified_at && (!date_maj || strncmp(verified_at, date_maj, 10) > 0)) return verified_at;
    return date_maj;
}

/* The fees in one phrase that never contradicts itself: "Gratuit",
 * "Payant — adhésion requise", or, when a place lists free and paid values,
 * "Gratuit (certains services : payant, adhésion requise)". `fees_free` says
 * whether the phrase starts with a free access (pages print only that one in
 * the green of good news). */
static void set_fees_text(json_t *o, const char *note)
{
    json_t *fees = json_object_get(o, "fees");
    size_t n = json_array_size(fees);
    if (n == 0 && !note) return;
    buf b = {0};
    size_t free_at = n;
    for (size_t i = 0; i < n && free_at == n; i++)
        if (!strcmp(json_string_value(json_array_get(fees, i)), _("Gratuit"))) free_at = i;
    if (free_at == n && n) free_at = 0; /* no plain "Gratuit": the first value leads */
    if (n) buf_puts(&b, json_string_value(json_array_get(fees, free_at)));
    bool others = n > 1 || (n && note);
    if (n && others) buf_puts(&b, free_at < n && n > 1 ? _(" (certains services : ") : " (");
    bool first = true;
    for (size_t i = 0; i < n; i++) {
        if (i == free_at) continue;
        const char *v = json_string_value(json_array_get(fees, i));
        buf_puts(&b, first ? "" : ", ");
        buf_putc(&b, (char)((*v >= 'A' && *v <= 'Z') ? *v - 'A' + 'a' : *v));
        buf_puts(&b, v + 1);
        first = false;
    }
    if (note) {
        if (!n) {
            buf_puts(&b, note);
        } else {
            buf_puts(&b, first ? "" : ", ");
            buf_putc(&b, (char)((*note >= 'A' && *note <= 'Z') ? *note - 'A' + 'a' : *note));
            buf_puts(&b, note + 1);
        }
    }
    if (n && others) buf_putc(&b, ')');
    json_object_set_new(o, "fees_text", json_string(b.data));
    if (n && str_starts_with(json_string_value(json_array_get(fees, free_at)), _("Gratuit")))
        json_object_set_new(o, "fees_free", json_true());
    buf_free(&b);
}

/* Freshness: the later of the source's date and the last confirmation. */
static void set_freshness(json_t *o, const char *date_maj, const char *verified_at, int64_t now)
{
    const char *latest = place_latest_date(date_maj, verified_at);
    json_t *d = fr_date_json(date_maj);
    if (d) json_object_set_new(o, "date_maj_fr", d);
    if (verified_at && (d = fr_date_json(verified_at))) json_object_set_new(o, "verified_fr", d);
    long age = place_age_days(latest, now);
    if (age > PLACE_STALE_DAYS) {
        json_object_set_new(o, "stale", json_true());
        json_object_set_new(o, "age_years", json_integer(age / 365));
    }
}

static void set_phone(json_t *o, const char *phone)
{
    if (!phone || !*phone) return;
    buf b = {0};
    fr_phone(&b, phone);
    json_object_set_new(o, "phone", json_string(phone));
    json_object_set_new(o, "phone_display", json_string(b.data));
    buf_free(&b);
}

/* Today's local date of a place ('YYYY-MM-DD'). */
static void local_today(const char *departement, const char *zone, int64_t now, char out[11])
{
    hours_context ctx;
    int64_t day = now / 86400;
    if (hours_context_init(&ctx, departement, zone) == 0)
        day = tz_utc_to_local(ctx.zone, now) / 86400;
    int y, m, d;
    tz_civil_from_days(day, &y, &m, &d);
    snprintf(out, 11, "%04d-%02d-%02d", y, m, d);
}

enum { PLACE_MAX_CLOSURES = 16 };

char *place_effective_hours(db_conn *c, int64_t id, const char *hours, const char *departement,
                            const char *zone, int64_t now, json_t *banner_into)
{
    char today[11];
    local_today(departement, zone, now, today);
    closure list[PLACE_MAX_CLOSURES];
    size_t n = closures_load(c, id, today, list, PLACE_MAX_CLOSURES);
    char *folded = n ? closures_fold(hours, list, n) : (hours && *hours ? xstrdup(hours) : NULL);
    if (banner_into && n) {
        json_t *banner = closures_banner(list, n, today);
        if (json_array_size(banner))
            json_object_set_new(banner_into, "closures", banner);
        else
            json_decref(banner);
    }
    for (size_t i = 0; i < n; i++)
        closure_clear(&list[i]);
    return folded;
}

void place_hours_view(json_t *o, const char *hours, const char *departement, const char *zone,
                      double latitude, double longitude, int64_t now, int days,
                      int64_t *valid_until)
{
    if (!hours || !*hours) return;
    hours_error err;
    hours_schedule *sched = hours_parse(hours, &err);
    hours_context ctx;
    if (!sched || hours_context_init(&ctx, departement, zone) != 0) {
        /* Never show a wrong schedule: the published text, and a warning. */
        json_object_set_new(o, "hours_unparsed", json_true());
        hours_free(sched);
        return;
    }
    hours_context_set_position(&ctx, latitude, longitude); /* sunrise, sunset */
    if (valid_until) {
        int64_t local = tz_utc_to_local(ctx.zone, now);
        int64_t until = now + (86400 - ((local % 86400) + 86400) % 86400);
        int64_t change = hours_next_change(sched, &ctx, now, NULL);
        if (change > now && change < until) until = change;
        if (until < *valid_until) *valid_until = until;
    }
    buf b = {0};
    const char *status_holiday = hours_status_fr(&b, sched, &ctx, now);
    json_object_set_new(o, "hours_status", json_string(b.data ? b.data : ""));
    json_object_set_new(o, "hours_open_now", json_boolean(hours_is_open(sched, &ctx, now)));
    int64_t local_day = tz_utc_to_local(ctx.zone, now) / 86400;
    json_t *week = json_array(), *comments = json_array();
    bool holiday_unconfirmed = false;
    for (int i = 0; i < days; i++) {
        int y, m, d;
        tz_civil_from_days(local_day + i, &y, &m, &d);
        hours_day_info info;
        hours_day(sched, &ctx, y, m, d, &info);
        buf date = {0}, text = {0};
        hours_format_date_fr(&date, y, m, d);
        text_capitalise_first(date.data);
        hours_format_day_fr(&text, &info);
        json_t *day = json_pack("{s:s, s:s, s:b, s:b}", "date", date.data ? date.data : "", "text",
                                text.data ? text.data : "", "today", i == 0, "closed", info.closed);
        /* A public holiday the hours do not mention: the row is marked, and
         * the page explains it once (hours_holiday_unconfirmed). */
        if (info.holiday_unconfirmed) {
            json_object_set_new(day, "holiday_unconfirmed", json_true());
            holiday_unconfirmed = true;
        }
        json_array_append_new(week, day);
        if (i == 0 && info.holiday_unconfirmed && status_holiday && info.holiday_name &&
            strcmp(status_holiday, info.holiday_name) == 0) {
            /* The status line already says "Noël — jour férié : ouverture à
             * confirmer": give only the usual hours, not the sentence twice. */
            buf usual = {0};
            hours_format_usual_fr(&usual, &info);
            json_object_set_new(o, "hours_today_usual", json_string(usual.data ? usual.data : ""));
            buf_free(&usual);
        } else if (i == 0 && !(info.closed && !info.is_public_holiday)) {
            /* A plain "fermé" today is already in the status line ("Fermé ·
             * ouvre demain à 9 h"): say it once. */
            json_object_set_new(o, "hours_today", json_string(text.data ? text.data : ""));
        }
        if (info.comment && *info.comment) {
            bool seen = false;
            size_t k;
            json_t *c;
            json_array_foreach(comments, k, c) seen |=
                strcmp(json_string_value(c), info.comment) == 0;
            if (!seen) json_array_append_new(comments, json_string(info.comment));
        }
        buf_free(&date);
        buf_free(&text);
    }
    json_object_set_new(o, "hours_week", week);
    if (holiday_unconfirmed) json_object_set_new(o, "hours_holiday_unconfirmed", json_true());
    if (json_array_size(comments))
        json_object_set_new(o, "hours_comments", comments);
    else
        json_decref(comments);
    buf_free(&b);
    hours_free(sched);
}

json_t *place_list_item(db_conn *c, sqlite3_stmt *row, int64_t now, int64_t *valid_until)
{
    json_t *o = json_object();
    int64_t id = sqlite3_column_int64(row, 0);
    const char *slug = db_col_text(row, 1);
    char *path = place_path(id, slug);
    json_object_set_new(o, "id", json_integer(id));
    json_object_set_new(o, "path", json_string(path));
    free(path);
    set_text(o, "name", db_col_text(row, 2));
    set_text(o, "commune", db_col_text(row, 3));
    set_text(o, "postal_code", db_col_text(row, 4));
    set_list(o, "types", db_col_text(row, 5), VOCAB_TYPOLOGIE, true);
    set_list(o, "services", db_col_text(row, 6), VOCAB_SERVICES, true);
    set_list(o, "fees", db_col_text(row, 7), VOCAB_FEES, true);
    set_fees_text(o, NULL);
    if (sqlite3_column_int(row, 8)) json_object_set_new(o, "pass_numerique", json_true());
    set_phone(o, db_col_text(row, 9));
    set_freshness(o, db_col_text(row, 10), db_col_text(row, 11), now);
    *valid_until = now - now % 86400 + 86400;
    if (sqlite3_column_type(row, 12) != SQLITE_NULL) {
        json_object_set_new(o, "latitude", json_real(sqlite3_column_double(row, 12)));
        json_object_set_new(o, "longitude", json_real(sqlite3_column_double(row, 13)));
    }
    set_text(o, "hours", db_col_text(row, 14));
    if (db_col_text(row, 15)) json_object_set_new(o, "closed", json_true());
    char *hours = place_effective_hours(c, id, db_col_text(row, 14), db_col_text(row, 16),
                                        db_col_text(row, 17), now, NULL);
    place_hours_view(o, hours, db_col_text(row, 16), db_col_text(row, 17),
                     db_col_double_or_nan(row, 12), db_col_double_or_nan(row, 13), now, 1,
                     valid_until);
    free(hours);
    return o;
}

/* Badges: national programmes, labels and first-class facts, in words. */
static json_t *badges(sqlite3_stmt *s)
{
    json_t *a = list_of(db_col_text(s, C_PROGRAMMES), VOCAB_PROGRAMMES, true);
    json_t *labels = list_of(db_col_text(s, C_LABELS), VOCAB_LABELS, true);
    json_array_extend(a, labels);
    json_decref(labels);
    json_t *other = list_of(db_col_text(s, C_OTHER_LABELS), VOCAB_LABELS, false);
    json_array_extend(a, other);
    json_decref(other);
    return a;
}

json_t *place_view(db_conn *c, int64_t id, int64_t *updated_at)
{
    sqlite3_stmt *s = db_stmt(c, Q_PLACE);
    db_bind_int(s, ":id", id);
    if (sqlite3_step(s) != SQLITE_ROW) {
        sqlite3_reset(s);
        return NULL;
    }
    json_t *o = json_object();
    char *path = place_path(id, db_col_text(s, C_SLUG));
    json_object_set_new(o, "id", json_integer(id));
    json_object_set_new(o, "path", json_string(path));
    free(path);
    set_text(o, "slug", db_col_text(s, C_SLUG));
    set_text(o, "name", db_col_text(s, C_NAME));
    set_text(o, "commune", db_col_text(s, C_COMMUNE));
    set_text(o, "postal_code", db_col_text(s, C_POSTAL));
    set_text(o, "insee_code", db_col_text(s, C_INSEE));
    set_text(o, "address", db_col_text(s, C_ADDRESS));
    set_text(o, "address_extra", db_col_text(s, C_ADDRESS_EXTRA));
    if (sqlite3_column_type(s, C_LAT) != SQLITE_NULL) {
        double lat = sqlite3_column_double(s, C_LAT), lon = sqlite3_column_double(s, C_LON);
        json_object_set_new(o, "latitude", json_real(lat));
        json_object_set_new(o, "longitude", json_real(lon));
        char *osm = xasprintf("https://www.openstreetmap.org/?mlat=%.6f&mlon=%.6f#map=18/%.6f/%.6f",
                              lat, lon, lat, lon);
        json_object_set_new(o, "osm_url", json_string(osm));
        free(osm);
    }
    set_list(o, "types", db_col_text(s, C_TYPES), VOCAB_TYPOLOGIE, true);
    set_phone(o, db_col_text(s, C_PHONE));
    set_list(o, "emails", db_col_text(s, C_EMAILS), VOCAB_KIND_COUNT, false);
    set_list(o, "websites", db_col_text(s, C_WEBSITE), VOCAB_KIND_COUNT, false);
    set_text(o, "hours", db_col_text(s, C_HOURS));
    set_text(o, "summary", db_col_text(s, C_SUMMARY));
    /* Rendered by cmark in safe mode when imported or saved, links filtered:
     * the one raw HTML field of the page. */
    set_text(o, "description_html", db_col_text(s, C_DESCRIPTION));
    set_list(o, "itinerance", db_col_text(s, C_ITINERANCE), VOCAB_ITINERANCE, true);
    /* French pages show the schema's words; others their translated labels. */
    set_list(o, "services", db_col_text(s, C_SERVICES), VOCAB_SERVICES,
             i18n_current() != I18N_FRENCH);
    set_list(o, "services_original", db_col_text(s, C_SERVICES_ORIGINAL), VOCAB_KIND_COUNT, false);
    set_list(o, "publics", db_col_text(s, C_PUBLICS), VOCAB_PUBLICS, true);
    set_list(o, "support", db_col_text(s, C_SUPPORT), VOCAB_SUPPORT, true);
    set_list(o, "fees", db_col_text(s, C_FEES), VOCAB_FEES, true);
    set_text(o, "fees_note", db_col_text(s, C_FEES_NOTE));
    set_fees_text(o, db_col_text(s, C_FEES_NOTE));
    set_list(o, "access_modes", db_col_text(s, C_ACCESS_MODES), VOCAB_ACCESS_MODES, true);
    set_list(o, "support_modes", db_col_text(s, C_SUPPORT_MODES), VOCAB_SUPPORT_MODES, true);
    json_t *b = badges(s);
    if (json_array_size(b))
        json_object_set_new(o, "badges", b);
    else
        json_decref(b);
    set_text(o, "accessibility_url", db_col_text(s, C_ACCESSIBILITY_URL));
    set_text(o, "booking_url", db_col_text(s, C_BOOKING_URL));
    if (sqlite3_column_int(s, C_PASS_ACCEPTED))
        json_object_set_new(o, "pass_accepted", json_true());
    if (sqlite3_column_int(s, C_PASS_DISTRIBUTED))
        json_object_set_new(o, "pass_distributed", json_true());
    if (sqlite3_column_int(s, C_FOR_YOU)) json_object_set_new(o, "does_for_you", json_true());
    set_list(o, "languages", db_col_text(s, C_LANGUAGES), VOCAB_KIND_COUNT, false);
    set_text(o, "equipment", db_col_text(s, C_EQUIPMENT));
    set_text(o, "accessibility_notes", db_col_text(s, C_ACCESSIBILITY_NOTES));
    if (sqlite3_column_type(s, C_WHEELCHAIR) != SQLITE_NULL)
        json_object_set_new(
            o, sqlite3_column_int(s, C_WHEELCHAIR) ? "wheelchair_yes" : "wheelchair_no",
            json_true());
    set_freshness(o, db_col_text(s, C_DATE_MAJ), db_col_text(s, C_VERIFIED_AT), now_utc());
    set_text(o, "date_maj", db_col_text(s, C_DATE_MAJ));
    const char *closed = db_col_text(s, C_CLOSED_AT);
    if (closed) {
        json_object_set_new(o, "closed", json_true());
        json_t *d = fr_date_json(closed);
        if (d) json_object_set_new(o, "closed_fr", d);
    }
    set_text(o, "source", db_col_text(s, C_SOURCE));
    set_text(o, "source_id", db_col_text(s, C_SOURCE_ID));
    const char *pivot = db_col_text(s, C_PIVOT);
    if (pivot && strcmp(pivot, "00000000000000") != 0) set_text(o, "pivot", pivot);
    /* Some producers give the structure as its SIREN only: say what it is. */
    const char *structure = db_col_text(s, C_STRUCTURE);
    if (structure && strspn(structure, "0123456789") == strlen(structure)) {
        char *named = xasprintf(_("la structure de SIREN %s"), structure);
        json_object_set_new(o, "structure", json_string(named));
        free(named);
    } else {
        set_text(o, "structure", structure);
    }
    set_text(o, "parent_structure", db_col_text(s, C_PARENT_STRUCTURE));
    set_text(o, "timezone", db_col_text(s, C_TIMEZONE));
    int64_t now = now_utc();
    char *hours =
        place_effective_hours(c, id, db_col_text(s, C_HOURS), db_col_text(s, C_DEPARTEMENT),
                              db_col_text(s, C_TIMEZONE), now, o);
    place_hours_view(o, hours, db_col_text(s, C_DEPARTEMENT), db_col_text(s, C_TIMEZONE),
                     db_col_double_or_nan(s, C_LAT), db_col_double_or_nan(s, C_LON), now, 7, NULL);
    free(hours);
    if (updated_at) *updated_at = sqlite3_column_int64(s, C_UPDATED_AT);
    sqlite3_reset(s);
    return o;
}
