/*
 * jsonld.c — schema.org JSON-LD of a place. See jsonld.h.
 */
#include "places/jsonld.h"
#include "hours/hours.h"
#include "places/place_view.h"
#include "hours/tz.h"
#include "core/util.h"
#include "places/vocab.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Used by: jsonld_place (the public facts of one open place; never private_contact). */
static const char Q_PLACE[] =
    "SELECT id, slug, name, address, address_extra, postal_code, commune, latitude, longitude,"
    " phone, emails, website, hours, summary, fees, departement, timezone, typologies,"
    " accessibility_url FROM place WHERE id = :id AND closed_at IS NULL";

enum {
    C_ID,
    C_SLUG,
    C_NAME,
    C_ADDRESS,
    C_EXTRA,
    C_POSTAL,
    C_COMMUNE,
    C_LAT,
    C_LON,
    C_PHONE,
    C_EMAILS,
    C_WEBSITE,
    C_HOURS,
    C_SUMMARY,
    C_FEES,
    C_DEP,
    C_TZ,
    C_TYPES,
    C_ACCESS_URL
};

static const char *const DAYS[7] = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                                    "Friday", "Saturday", "Sunday"};

static void set_text(json_t *o, const char *key, const char *v)
{
    if (v && *v) json_object_set_new(o, key, json_string(v));
}

/* '|' list → the first item, or an array when there are several. */
static json_t *list_value(const char *cell)
{
    json_t *a = json_array();
    const char *p = cell;
    while (p && *p) {
        size_t n = strcspn(p, "|");
        if (n) json_array_append_new(a, json_stringn(p, n));
        p += n;
        if (*p) p++;
    }
    if (json_array_size(a) == 1) {
        json_t *one = json_incref(json_array_get(a, 0));
        json_decref(a);
        return one;
    }
    return a;
}

static void hhmm(char out[6], int minutes)
{
    if (minutes >= 1440) minutes = 1439; /* past midnight: schema.org has no "24:30" */
    if (minutes < 0) minutes = 0;
    unsigned h = (unsigned)minutes / 60 % 24, m = (unsigned)minutes % 60;
    out[0] = (char)('0' + h / 10);
    out[1] = (char)('0' + h % 10);
    out[2] = ':';
    out[3] = (char)('0' + m / 10);
    out[4] = (char)('0' + m % 10);
    out[5] = '\0';
}

/* One OpeningHoursSpecification valid on local day `days` only, minutes [from, to) of it. */
static void append_spec(json_t *specs, int64_t days, int from, int to)
{
    int y, m, d;
    tz_civil_from_days(days, &y, &m, &d);
    char date[32], opens[6], closes[6];
    snprintf(date, sizeof date, "%04d-%02d-%02d", y, m, d);
    hhmm(opens, from);
    hhmm(closes, to);
    json_array_append_new(specs, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "@type",
                                           "OpeningHoursSpecification", "dayOfWeek",
                                           DAYS[tz_weekday(days)], "opens", opens, "closes", closes,
                                           "validFrom", date, "validThrough", date));
}

/* The coming 7 local days as OpeningHoursSpecification, each valid on its date. */
static json_t *opening_hours(const char *expr, const char *departement, const char *zone,
                             double latitude, double longitude, int64_t now)
{
    if (!expr || !*expr) return NULL;
    hours_schedule *schedule = hours_parse(expr, NULL);
    if (!schedule) return NULL;
    hours_context ctx;
    if (hours_context_init(&ctx, departement, zone) != 0) {
        hours_free(schedule);
        return NULL;
    }
    hours_context_set_position(&ctx, latitude, longitude); /* sunrise, sunset */
    json_t *specs = json_array();
    int64_t today = tz_floor_div(tz_utc_to_local(ctx.zone, now), 86400);
    for (int i = 0; i < 7; i++) {
        int y, m, d;
        tz_civil_from_days(today + i, &y, &m, &d);
        hours_day_info info;
        hours_day(schedule, &ctx, y, m, d, &info);
        for (int k = 0; k < info.range_count; k++) {
            if (info.ranges[k].unknown) continue;
            append_spec(specs, today + i, info.ranges[k].start, info.ranges[k].end);
            /* "Fr 19:00-11:00": the part after midnight is the next day's, on its date. */
            if (info.ranges[k].end > 1440)
                append_spec(specs, today + i + 1, 0, info.ranges[k].end - 1440);
        }
    }
    hours_free(schedule);
    return specs;
}

json_t *jsonld_place(db_conn *c, int64_t id, const char *origin, int64_t now)
{
    sqlite3_stmt *s = db_stmt(c, Q_PLACE);
    db_bind_int(s, ":id", id);
    if (sqlite3_step(s) != SQLITE_ROW) {
        sqlite3_reset(s);
        return NULL;
    }
    json_t *o = json_pack("{s:s, s:s}", "@context", "https://schema.org", "@type", "LocalBusiness");
    char *path = place_path(id, db_col_text(s, C_SLUG));
    char *url = xasprintf("%s%s", origin ? origin : "", path);
    json_object_set_new(o, "@id", json_string(url));
    json_object_set_new(o, "url", json_string(url));
    free(url);
    free(path);
    set_text(o, "name", db_col_text(s, C_NAME));
    set_text(o, "description", db_col_text(s, C_SUMMARY));
    json_t *address = json_pack("{s:s, s:s}", "@type", "PostalAddress", "addressCountry", "FR");
    const char *street = db_col_text(s, C_ADDRESS), *extra = db_col_text(s, C_EXTRA);
    if (street && extra) {
        char *both = xasprintf("%s, %s", street, extra);
        set_text(address, "streetAddress", both);
        free(both);
    } else {
        set_text(address, "streetAddress", street);
    }
    set_text(address, "postalCode", db_col_text(s, C_POSTAL));
    set_text(address, "addressLocality", db_col_text(s, C_COMMUNE));
    json_object_set_new(o, "address", address);
    if (sqlite3_column_type(s, C_LAT) != SQLITE_NULL)
        json_object_set_new(o, "geo",
                            json_pack("{s:s, s:f, s:f}", "@type", "GeoCoordinates", "latitude",
                                      sqlite3_column_double(s, C_LAT), "longitude",
                                      sqlite3_column_double(s, C_LON)));
    set_text(o, "telephone", db_col_text(s, C_PHONE));
    if (db_col_text(s, C_EMAILS))
        json_object_set_new(o, "email", list_value(db_col_text(s, C_EMAILS)));
    if (db_col_text(s, C_WEBSITE))
        json_object_set_new(o, "sameAs", list_value(db_col_text(s, C_WEBSITE)));
    const char *fees = db_col_text(s, C_FEES);
    if (fees && strcmp(fees, "Gratuit") == 0)
        json_object_set_new(o, "isAccessibleForFree", json_true());
    else if (fees && strstr(fees, "Payant"))
        json_object_set_new(o, "isAccessibleForFree", json_false());
    json_t *types = json_array();
    const char *t = db_col_text(s, C_TYPES);
    while (t && *t) {
        size_t n = strcspn(t, "|");
        char *code = xstrndup(t, n);
        json_array_append_new(types, json_string(vocab_label(VOCAB_TYPOLOGIE, code)));
        free(code);
        t += n;
        if (*t) t++;
    }
    if (json_array_size(types))
        json_object_set_new(o, "keywords", types);
    else
        json_decref(types);
    json_t *specs =
        opening_hours(db_col_text(s, C_HOURS), db_col_text(s, C_DEP), db_col_text(s, C_TZ),
                      db_col_double_or_nan(s, C_LAT), db_col_double_or_nan(s, C_LON), now);
    if (specs) json_object_set_new(o, "openingHoursSpecification", specs);
    sqlite3_reset(s);
    return o;
}

char *jsonld_script_text(const json_t *value)
{
    char *raw = json_dumps(value, JSON_COMPACT);
    buf b = {0};
    for (const char *p = raw ? raw : "null"; *p; p++) {
        unsigned char ch = (unsigned char)*p;
        if (ch == '<')
            buf_puts(&b, "\\u003c");
        else if (ch == '>')
            buf_puts(&b, "\\u003e");
        else if (ch == '&')
            buf_puts(&b, "\\u0026");
        else if (ch == 0xE2 && (unsigned char)p[1] == 0x80 &&
                 ((unsigned char)p[2] == 0xA8 || (unsigned char)p[2] == 0xA9)) {
            buf_puts(&b, (unsigned char)p[2] == 0xA8 ? "\\u2028" : "\\u2029");
            p += 2;
        } else
            buf_putc(&b, *p);
    }
    free(raw);
    return buf_steal(&b);
}

char *jsonld_place_script(db_conn *c, int64_t id, const char *origin, int64_t now)
{
    json_t *o = jsonld_place(c, id, origin, now);
    if (!o) return NULL;
    char *text = jsonld_script_text(o);
    json_decref(o);
    return text;
}
