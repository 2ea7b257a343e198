/*
 * export.c — the catalogue in the national schema v1.0.2: one query, three
 * writers (CSV, JSON, GeoJSON). See export.h and docs/export.md.
 *
 * The reference for "valid" is the national library
 * (@gouvfr-anct/lieux-de-mediation-numerique): tests/oracle/validate-export.js
 * runs every exported record through it. Where its patterns are stricter
 * than what producers publish (commune names, street addresses, URLs), the
 * value is cleaned here, idempotently, so that an export imported and
 * exported again gives the same file.
 */
#include "places/export.h"
#include "places/closure.h"
#include "hours/tz.h"
#include "core/phone.h"
#include "core/validate.h"
#include "places/vocab.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

_Static_assert((int)VOCAB_COLUMN_COUNT == (int)EXPORT_COLUMN_COUNT,
               "one column list: the schema's");

/* "Unknown" SIRET the schema tolerates, for a pivot we cannot vouch for. */
static const char PIVOT_UNKNOWN[] = "00000000000000";

/* ------------------------------------------------------------------------ */
/* Formats                                                                   */

bool export_format_parse(const char *name, export_format *out)
{
    if (!name) return false;
    if (strcmp(name, "csv") == 0)
        *out = EXPORT_FORMAT_CSV;
    else if (strcmp(name, "json") == 0)
        *out = EXPORT_FORMAT_JSON;
    else if (strcmp(name, "geojson") == 0)
        *out = EXPORT_FORMAT_GEOJSON;
    else
        return false;
    return true;
}

const char *export_format_extension(export_format f)
{
    switch (f) {
    case EXPORT_FORMAT_CSV:
        return "csv";
    case EXPORT_FORMAT_JSON:
        return "json";
    case EXPORT_FORMAT_GEOJSON:
        return "geojson";
    }
    return "txt";
}

const char *export_format_content_type(export_format f)
{
    switch (f) {
    case EXPORT_FORMAT_CSV:
        return "text/csv; charset=utf-8; header=present";
    case EXPORT_FORMAT_JSON:
        return "application/json; charset=utf-8";
    case EXPORT_FORMAT_GEOJSON:
        return "application/geo+json; charset=utf-8";
    }
    return "text/plain; charset=utf-8";
}

/* ------------------------------------------------------------------------ */
/* Territories                                                               */

static bool all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i])) return false;
    return true;
}

/* "73", "2A", "974": the shape of a département code (upper-cased in place). */
static bool departement_shape(char *code)
{
    size_t n = strlen(code);
    if (n == 2 && code[0] == '2' && (code[1] == 'a' || code[1] == 'b'))
        code[1] = (char)toupper(code[1]);
    if (n == 2)
        return (all_digits(code, 2) && strcmp(code, "20") != 0 && strcmp(code, "00") != 0) ||
               strcmp(code, "2A") == 0 || strcmp(code, "2B") == 0;
    return n == 3 && all_digits(code, 3) && code[0] == '9' && code[1] == '7';
}

bool export_territory_parse(const char *text, export_territory *out, const char **error)
{
    memset(out, 0, sizeof *out);
    *error = NULL;
    const char *colon = text ? strchr(text, ':') : NULL;
    if (!colon) {
        *error = "territoire attendu sous la forme commune:73065, epci:200066793, "
                 "departement:73 ou region:84";
        return false;
    }
    size_t kind_len = (size_t)(colon - text);
    const char *code = colon + 1;
    size_t n = strlen(code);
    if (n == 0 || n >= sizeof out->code) {
        *error = "code de territoire absent ou trop long";
        return false;
    }
    memcpy(out->code, code, n + 1);
    for (char *p = out->code; *p; p++)
        *p = (char)toupper((unsigned char)*p);
    if (kind_len == 7 && strncasecmp(text, "commune", 7) == 0) {
        out->kind = EXPORT_TERRITORY_COMMUNE;
        bool ok = n == 5 && all_digits(out->code + 2, 3) &&
                  (all_digits(out->code, 2) ||
                   (out->code[0] == '2' && (out->code[1] == 'A' || out->code[1] == 'B')));
        if (!ok)
            *error = "code INSEE de commune invalide (5 caractères, par exemple 73065 ou 2A004)";
    } else if (kind_len == 4 && strncasecmp(text, "epci", 4) == 0) {
        out->kind = EXPORT_TERRITORY_EPCI;
        if (!(n == 9 && all_digits(out->code, 9))) *error = "SIREN d'EPCI invalide (9 chiffres)";
    } else if (kind_len == 11 && strncasecmp(text, "departement", 11) == 0) {
        out->kind = EXPORT_TERRITORY_DEPARTEMENT;
        if (!departement_shape(out->code)) *error = "code de département invalide (73, 2A, 974…)";
    } else if (kind_len == 6 && strncasecmp(text, "region", 6) == 0) {
        out->kind = EXPORT_TERRITORY_REGION;
        if (!(n == 2 && all_digits(out->code, 2)))
            *error = "code de région invalide (2 chiffres, par exemple 84)";
    } else {
        *error = "type de territoire inconnu : commune, epci, departement ou region";
    }
    if (*error) {
        memset(out, 0, sizeof *out);
        return false;
    }
    return true;
}

/* Used by: export_territory_exists (is this a known commune?). */
static const char Q_COMMUNE_EXISTS[] = "SELECT 1 FROM commune WHERE insee = :code";
/* Used by: export_territory_exists (is this a known EPCI?). */
static const char Q_EPCI_EXISTS[] = "SELECT 1 FROM epci WHERE siren = :code";
/* Used by: export_territory_exists (is this a known département?). */
static const char Q_DEPARTEMENT_EXISTS[] = "SELECT 1 FROM departement WHERE code = :code";
/* Used by: export_territory_exists (is this a known région?). */
static const char Q_REGION_EXISTS[] = "SELECT 1 FROM region WHERE code = :code";

bool export_territory_exists(db_conn *c, const export_territory *t)
{
    const char *sql = NULL;
    switch (t->kind) {
    case EXPORT_TERRITORY_NONE:
        return true;
    case EXPORT_TERRITORY_COMMUNE:
        sql = Q_COMMUNE_EXISTS;
        break;
    case EXPORT_TERRITORY_EPCI:
        sql = Q_EPCI_EXISTS;
        break;
    case EXPORT_TERRITORY_DEPARTEMENT:
        sql = Q_DEPARTEMENT_EXISTS;
        break;
    case EXPORT_TERRITORY_REGION:
        sql = Q_REGION_EXISTS;
        break;
    }
    sqlite3_stmt *s = db_stmt(c, sql);
    db_bind_text(s, ":code", t->code);
    bool found = sqlite3_step(s) == SQLITE_ROW;
    sqlite3_reset(s);
    return found;
}

void export_territory_slug(const export_territory *t, buf *out)
{
    switch (t->kind) {
    case EXPORT_TERRITORY_NONE:
        buf_puts(out, "france");
        return;
    case EXPORT_TERRITORY_COMMUNE:
        buf_puts(out, "commune-");
        break;
    case EXPORT_TERRITORY_EPCI:
        buf_puts(out, "epci-");
        break;
    case EXPORT_TERRITORY_DEPARTEMENT:
        buf_puts(out, "departement-");
        break;
    case EXPORT_TERRITORY_REGION:
        buf_puts(out, "region-");
        break;
    }
    buf_puts(out, t->code);
}

char *export_file_name(const export_filter *f, export_format format, int64_t now)
{
    time_t t = (time_t)now;
    struct tm tm;
    gmtime_r(&t, &tm);
    buf b = {0};
    buf_printf(&b, "%04d%02d%02d_repere_lieux-de-mediation-numerique_", tm.tm_year + 1900,
               tm.tm_mon + 1, tm.tm_mday);
    if (f->search) {
        buf_puts(&b, "recherche");
    } else if (f->territory.kind != EXPORT_TERRITORY_NONE) {
        export_territory_slug(&f->territory, &b);
    } else if (f->departement && *f->departement) {
        buf_puts(&b, "departement-");
        for (const char *p = f->departement; *p; p++)
            if (isalnum((unsigned char)*p)) buf_putc(&b, *p);
    } else {
        buf_puts(&b, "france");
    }
    buf_printf(&b, ".%s", export_format_extension(format));
    return buf_steal(&b);
}

/* ------------------------------------------------------------------------ */
/* Timestamps                                                                */

static bool two_digits(const char *s, int *v)
{
    if (!isdigit((unsigned char)s[0]) || !isdigit((unsigned char)s[1])) return false;
    *v = (s[0] - '0') * 10 + (s[1] - '0');
    return true;
}

bool export_parse_timestamp(const char *text, char out[21])
{
    if (!text) return false;
    size_t n = strlen(text);
    if (n < 10 || n > 40 || !all_digits(text, 4) || text[4] != '-' || text[7] != '-') return false;
    int year = atoi(text), month, day, hour = 0, minute = 0, second = 0;
    if (!two_digits(text + 5, &month) || !two_digits(text + 8, &day)) return false;
    if (year < 1970 || year > 9999 || !calendar_valid_day(year, month, day)) return false;
    const char *p = text + 10;
    int offset_minutes = 0;
    if (*p) {
        if (*p != 'T' && *p != 't' && *p != ' ') return false;
        p++;
        if (!two_digits(p, &hour) || p[2] != ':' || !two_digits(p + 3, &minute)) return false;
        p += 5;
        if (*p == ':') {
            if (!two_digits(p + 1, &second)) return false;
            p += 3;
            if (*p == '.') /* fractions of a second: ignored */
                for (p++; isdigit((unsigned char)*p); p++) {
                }
        }
        if (hour > 23 || minute > 59 || second > 59) return false;
        if (*p == 'Z' || *p == 'z') {
            p++;
        } else if (*p == '+' || *p == '-') {
            int oh, om;
            if (!two_digits(p + 1, &oh) || p[3] != ':' || !two_digits(p + 4, &om) || oh > 14 ||
                om > 59)
                return false;
            offset_minutes = (oh * 60 + om) * (*p == '+' ? 1 : -1);
            p += 6;
        } else {
            return false; /* a local time without zone is ambiguous */
        }
        if (*p) return false;
    }
    struct tm tm = {.tm_year = year - 1900,
                    .tm_mon = month - 1,
                    .tm_mday = day,
                    .tm_hour = hour,
                    .tm_min = minute,
                    .tm_sec = second};
    time_t t = timegm(&tm) - (time_t)offset_minutes * 60;
    if (t < 0) t = 0;
    struct tm u;
    gmtime_r(&t, &u);
    if (u.tm_year + 1900 > 9999) return false;
    char text_out[64];
    snprintf(text_out, sizeof text_out, "%04d-%02d-%02dT%02d:%02d:%02dZ", u.tm_year + 1900,
             u.tm_mon + 1, u.tm_mday, u.tm_hour, u.tm_min, u.tm_sec);
    memcpy(out, text_out, 21);
    out[20] = '\0';
    return true;
}

bool export_timestamp_seconds(const char *stamp, int64_t *seconds)
{
    static const char shape[] = "dddd-dd-ddTdd:dd:ddZ";
    if (!stamp || strlen(stamp) != sizeof shape - 1) return false;
    for (size_t i = 0; shape[i]; i++)
        if (shape[i] == 'd' ? !isdigit((unsigned char)stamp[i]) : stamp[i] != shape[i])
            return false;
    int year = atoi(stamp), month, day, hour, minute, second;
    two_digits(stamp + 5, &month);
    two_digits(stamp + 8, &day);
    two_digits(stamp + 11, &hour);
    two_digits(stamp + 14, &minute);
    two_digits(stamp + 17, &second);
    if (!calendar_valid_day(year, month, day) || hour > 23 || minute > 59 || second > 59)
        return false;
    *seconds = tz_days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second;
    return true;
}

/* ------------------------------------------------------------------------ */
/* Pure cleaners                                                             */

/* National country codes the schema accepts, and the length of the number after them. */
bool export_phone(const char *stored, char out[17])
{
    char e164[PHONE_E164_MAX];
    if (!stored || !phone_normalize(stored, e164)) return false;
    static const char *const CODES[] = {"33",  "262", "269", "508", "590",
                                        "594", "596", "681", "687", "689"};
    const char *digits = e164 + 1;
    for (size_t i = 0; i < ARRAY_LEN(CODES); i++) {
        size_t cl = strlen(CODES[i]);
        if (strncmp(digits, CODES[i], cl) != 0) continue;
        const char *rest = digits + cl;
        size_t n = strlen(rest);
        /* The library wants nine digits not starting with 0, or six digits
         * (New Caledonia, Wallis-et-Futuna, French Polynesia). */
        if ((n == 9 && rest[0] != '0') || n == 6) {
            memcpy(out, e164, strlen(e164) + 1);
            return true;
        }
        return false;
    }
    return false;
}

void export_format_coordinate(double v, char out[32])
{
    /* Most values were typed or imported with at most 15 significant digits:
     * then %.15g (trailing zeros dropped) reads back exactly and is already
     * the shortest such text, in one try instead of one per digit. */
    snprintf(out, 32, "%.15g", v);
    if (!strchr(out, 'e') && strtod(out, NULL) == v) return;
    for (int precision = 1; precision <= 17; precision++) {
        snprintf(out, 32, "%.*g", precision, v);
        if (strtod(out, NULL) == v) break;
    }
    /* %g may choose an exponent for tiny values: the schema wants plain decimals. */
    if (strchr(out, 'e')) {
        snprintf(out, 32, "%.10f", v);
        size_t n = strlen(out);
        while (n > 1 && out[n - 1] == '0')
            out[--n] = '\0';
        if (out[n - 1] == '.') out[n - 1] = '\0';
    }
}

/* Decode one UTF-8 code point at s (valid UTF-8 assumed); returns its length. */
static size_t utf8_decode(const unsigned char *s, unsigned *cp)
{
    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    if ((s[0] & 0xE0) == 0xC0 && s[1]) {
        *cp = ((s[0] & 0x1Fu) << 6) | (s[1] & 0x3Fu);
        return 2;
    }
    if ((s[0] & 0xF0) == 0xE0 && s[1] && s[2]) {
        *cp = ((s[0] & 0x0Fu) << 12) | ((s[1] & 0x3Fu) << 6) | (s[2] & 0x3Fu);
        return 3;
    }
    if ((s[0] & 0xF8) == 0xF0 && s[1] && s[2] && s[3]) {
        *cp = ((s[0] & 0x07u) << 18) | ((s[1] & 0x3Fu) << 12) | ((s[2] & 0x3Fu) << 6) |
              (s[3] & 0x3Fu);
        return 4;
    }
    *cp = 0xFFFD;
    return 1;
}

/* The library's letter ranges: A-Z a-z 0-9 À-Ö Ø-ö ø-ÿ Œ œ-Ÿ. */
static bool library_letter(unsigned cp)
{
    return (cp < 0x80 && isalnum((int)cp)) || (cp >= 0xC0 && cp <= 0xD6) ||
           (cp >= 0xD8 && cp <= 0xF6) || (cp >= 0xF8 && cp <= 0xFF) || (cp >= 0x152 && cp <= 0x178);
}

/* JavaScript's \s (Unicode white space). */
static bool js_space(unsigned cp)
{
    return cp == ' ' || (cp >= 0x09 && cp <= 0x0D) || cp == 0xA0 || cp == 0x1680 ||
           (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F ||
           cp == 0x205F || cp == 0x3000 || cp == 0xFEFF;
}

/*
 * Keep letters and the characters `extra` allows (ASCII) plus those of
 * `extra_cp` (code points); white space and anything else become one
 * space; trimmed. Idempotent.
 */
static bool clean_text(const char *s, const char *extra, const unsigned *extra_cp, size_t n_extra,
                       buf *out)
{
    if (!s) return false;
    size_t start = out->len;
    bool pending_space = false;
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        unsigned cp;
        size_t len = utf8_decode(p, &cp);
        bool keep = library_letter(cp) || (cp < 0x80 && cp && strchr(extra, (int)cp));
        for (size_t i = 0; !keep && i < n_extra; i++)
            keep = cp == extra_cp[i];
        if (keep && !js_space(cp)) {
            if (pending_space && out->len > start) buf_putc(out, ' ');
            pending_space = false;
            buf_append(out, p, len);
        } else {
            pending_space = true;
        }
        p += len;
    }
    return out->len > start;
}

bool export_clean_commune(const char *commune, buf *out)
{
    static const unsigned extra_cp[] = {0x2019}; /* ’ */
    return clean_text(commune, "-'", extra_cp, ARRAY_LEN(extra_cp), out);
}

bool export_clean_address(const char *address, buf *out)
{
    static const unsigned extra_cp[] = {0xB0, 0x2013, 0x2019}; /* ° – ’ */
    return clean_text(address, "-,().&:+|;'/", extra_cp, ARRAY_LEN(extra_cp), out);
}

static bool word_char(unsigned char c)
{
    return isalnum(c) || c == '_';
}

/* Append s[0..n) with every byte outside `allowed` (besides \w) percent-encoded. */
static void encode_part(buf *out, const char *s, size_t n, const char *allowed)
{
    static const char HEX[] = "0123456789ABCDEF";
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (word_char(c) || (c < 0x80 && c && strchr(allowed, c))) {
            buf_putc(out, (char)c);
        } else {
            buf_putc(out, '%');
            buf_putc(out, HEX[c >> 4]);
            buf_putc(out, HEX[c & 15]);
        }
    }
}

bool export_clean_url(const char *url, buf *out)
{
    if (!url) return false;
    const char *colon = strchr(url, ':');
    if (!colon) return false;
    size_t scheme_len = (size_t)(colon - url);
    if (scheme_len < 3 || scheme_len > 9) return false;
    for (size_t i = 0; i < scheme_len; i++)
        if (!isalpha((unsigned char)url[i])) return false;
    const char *p = colon + 1;
    bool slashes = strncmp(p, "//", 2) == 0;
    if (slashes) p += 2;
    size_t host_len = strcspn(p, "/?#");
    const char *host = p;
    const char *at = memchr(host, '@', host_len);
    const char *userinfo = NULL;
    size_t userinfo_len = 0;
    if (at) {
        userinfo = host;
        userinfo_len = (size_t)(at - host);
        host_len -= userinfo_len + 1;
        host = at + 1;
        for (size_t i = 0; i < userinfo_len; i++)
            if (!word_char((unsigned char)userinfo[i]) && !strchr(";:&=+$,-", userinfo[i]))
                return false;
    }
    /* Default ports say nothing: drop them; any other port cannot be written. */
    size_t name_len = host_len;
    const char *port = memchr(host, ':', host_len);
    if (port) {
        name_len = (size_t)(port - host);
        size_t plen = host_len - name_len - 1;
        bool is_default = (plen == 2 && memcmp(port + 1, "80", 2) == 0) ||
                          (plen == 3 && memcmp(port + 1, "443", 3) == 0);
        if (!is_default) return false;
    }
    if (name_len == 0) return false;
    for (size_t i = 0; i < name_len; i++)
        if (!isalnum((unsigned char)host[i]) && host[i] != '.' && host[i] != '-') return false;
    size_t start = out->len;
    buf_append(out, url, scheme_len + 1);
    if (slashes) buf_puts(out, "//");
    if (userinfo) {
        buf_append(out, userinfo, userinfo_len);
        buf_putc(out, '@');
    }
    buf_append(out, host, name_len);
    p = host + host_len;
    size_t path_len = strcspn(p, "?#");
    if (path_len) {
        if (p[0] != '/') {
            out->len = start;
            out->data[start] = '\0';
            return false;
        }
        encode_part(out, p, path_len, "+~,%@/.-");
    }
    p += path_len;
    if (*p == '?') {
        p++;
        size_t query_len = strcspn(p, "#");
        buf_putc(out, '?');
        encode_part(out, p, query_len, "-+=&;%@.");
        p += query_len;
    }
    if (*p == '#') {
        /* A fragment may not hold '%': keep it only when it fits as is. */
        p++;
        bool fits = true;
        for (const char *f = p; *f; f++)
            if (!word_char((unsigned char)*f) && !strchr(".!/\\", *f)) fits = false;
        if (fits && *p) {
            buf_putc(out, '#');
            buf_puts(out, p);
        }
    }
    return true;
}

/* ------------------------------------------------------------------------ */
/* The query                                                                 */

/*
 * Used by: export_query_open — every export, the API list and the embed.
 * Ids shared by two sources are prefixed with the source to stay unique
 * (shared_ids: the index read once per catalogue version).
 * Never reads private_contact. Two forms: the whole catalogue (Q_EXPORT), and
 * the hits of a search (src/search.c) given in :ids as a JSON array
 * (Q_EXPORT_IDS) — a separate statement so that SQLite looks the ids up
 * instead of scanning every place ("(:ids IS NULL OR p.id IN …)" cannot use
 * the primary key).
 */
#define EXPORT_SELECT                                                                              \
    "SELECT p.id, p.slug, p.updated_at, p.closed_at,"                                              \
    " p.source_id,"                                                                                \
    " p.pivot, p.name, p.commune, p.postal_code, coalesce(p.insee_code, p.commune_insee),"         \
    " p.address, p.address_extra, p.latitude, p.longitude, p.typologies, p.phone, p.emails,"       \
    " p.website, p.hours, p.summary, p.description_md, p.source, p.itinerance,"                    \
    " p.parent_structure,"                                                                         \
    " CASE WHEN p.verified_at IS NOT NULL AND substr(p.verified_at, 1, 10) > p.date_maj"           \
    "      THEN substr(p.verified_at, 1, 10) ELSE p.date_maj END,"                                 \
    " p.services, p.publics, p.support, p.fees, p.programmes, p.labels, p.other_labels,"           \
    " p.access_modes, p.support_modes, p.accessibility_url, p.booking_url"                         \
    " FROM place p"
#define EXPORT_CONDITIONS                                                                          \
    " AND (:dep IS NULL OR p.departement = :dep)" EXPORT_TERRITORY_SQL                             \
    " AND (:modified_after IS NULL OR p.updated_at > :modified_after)"
#define EXPORT_CURSOR                                                                              \
    " AND (:after_u IS NULL OR p.updated_at > :after_u"                                            \
    "      OR (p.updated_at = :after_u AND p.id > :after_id))"                                     \
    " ORDER BY p.updated_at, p.id LIMIT :limit"
#define EXPORT_IDS " AND p.id IN (SELECT value FROM json_each(:ids))"

static const char Q_EXPORT[] =
    EXPORT_SELECT " WHERE (p.closed_at IS NULL OR :include_closed)" EXPORT_CONDITIONS EXPORT_CURSOR;
/* Used by: export_query_open, with the ids of a search. */
static const char Q_EXPORT_IDS[] = EXPORT_SELECT
    " WHERE (p.closed_at IS NULL OR :include_closed)" EXPORT_IDS EXPORT_CONDITIONS EXPORT_CURSOR;

/* Used by: export_count — the same conditions as Q_EXPORT, counted. */
static const char Q_EXPORT_COUNT[] =
    "SELECT COUNT(*) FROM place p"
    " WHERE (p.closed_at IS NULL OR :include_closed)" EXPORT_CONDITIONS;
/* Used by: export_count — the same conditions as Q_EXPORT_IDS, counted. */
static const char Q_EXPORT_COUNT_IDS[] =
    "SELECT COUNT(*) FROM place p"
    " WHERE (p.closed_at IS NULL OR :include_closed)" EXPORT_IDS EXPORT_CONDITIONS;

enum {
    QC_PLACE_ID,
    QC_SLUG,
    QC_UPDATED_AT,
    QC_CLOSED_AT,
    QC_FIRST_FIELD /* then the 32 columns */
};

enum { EXPORT_MAX_CLOSURES = 32 /* closures of one place folded into its hours */ };

struct export_query {
    db_conn *c;
    char **shared; /* shared_ids: a copy, sorted */
    size_t shared_count;
    sqlite3_stmt *stmt;
    char today[11]; /* closures that ended before this date are not exported */
    size_t count;
    bool done;
    buf cells[EXPORT_COLUMN_COUNT]; /* cleaned values of the current record */
    char coordinates[2][32];
};

/* An empty ids string binds NULL, which meant "no restriction". */
static bool has_ids(const export_filter *f)
{
    return f->ids && *f->ids;
}

static void bind_filter(sqlite3_stmt *s, const export_filter *f, bool cursor)
{
    db_bind_int(s, ":include_closed", f->include_closed ? 1 : 0);
    if (has_ids(f)) db_bind_text(s, ":ids", f->ids);
    db_bind_text(s, ":dep", f->departement);
    const export_territory *t = &f->territory;
    db_bind_text(s, ":t_commune", t->kind == EXPORT_TERRITORY_COMMUNE ? t->code : NULL);
    db_bind_text(s, ":t_epci", t->kind == EXPORT_TERRITORY_EPCI ? t->code : NULL);
    db_bind_text(s, ":t_dep", t->kind == EXPORT_TERRITORY_DEPARTEMENT ? t->code : NULL);
    db_bind_text(s, ":t_region", t->kind == EXPORT_TERRITORY_REGION ? t->code : NULL);
    db_bind_text(s, ":modified_after", f->modified_after);
    if (!cursor) return;
    db_bind_text(s, ":after_u", f->after_updated_at);
    db_bind_int(s, ":after_id", f->after_id);
    db_bind_int(s, ":limit", f->limit > 0 ? f->limit : -1);
}

/* Used by: shared_ids — the ids that two sources or more give to their places. */
static const char Q_SHARED_IDS[] =
    "SELECT source_id FROM place WHERE source_id IS NOT NULL AND source IS NOT NULL"
    " GROUP BY source_id HAVING count(DISTINCT source) > 1 ORDER BY source_id";

/* The ids that two sources share, kept for the catalogue version (and the
 * database file) they were read at: reading them is a scan of the index
 * (0.1 s at 300 000 places), asking the index for each record exported
 * was 15 % of an API page. Usually none. */
static struct {
    pthread_mutex_t lock;
    char *file;
    int64_t version;
    char **ids; /* sorted (strcmp) */
    size_t count;
} shared_cache = {.lock = PTHREAD_MUTEX_INITIALIZER};

static void free_ids(char **ids, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(ids[i]);
    free(ids);
}

/* A copy of the shared ids for the catalogue as c sees it now. */
static char **shared_ids(db_conn *c, size_t *count)
{
    int64_t version = db_conn_version(c);
    const char *file = sqlite3_db_filename(db_handle(c), "main");
    if (!file) file = "";
    pthread_mutex_lock(&shared_cache.lock);
    bool fresh = shared_cache.file && shared_cache.version == version &&
                 strcmp(shared_cache.file, file) == 0;
    if (!fresh) {
        char **ids = NULL;
        size_t n = 0, cap = 0;
        sqlite3_stmt *s = db_stmt(c, Q_SHARED_IDS);
        while (sqlite3_step(s) == SQLITE_ROW) {
            if (n == cap) ids = xrealloc(ids, (cap = cap ? cap * 2 : 8) * sizeof *ids);
            ids[n++] = xstrdup(db_col_text(s, 0));
        }
        sqlite3_reset(s);
        if (n) qsort(ids, n, sizeof *ids, str_ptr_cmp); /* SQLite's collation may differ */
        free_ids(shared_cache.ids, shared_cache.count);
        free(shared_cache.file);
        shared_cache.file = xstrdup(file);
        shared_cache.version = version;
        shared_cache.ids = ids;
        shared_cache.count = n;
    }
    *count = shared_cache.count;
    char **copy = xmalloc((*count ? *count : 1) * sizeof *copy);
    for (size_t i = 0; i < *count; i++)
        copy[i] = xstrdup(shared_cache.ids[i]);
    pthread_mutex_unlock(&shared_cache.lock);
    return copy;
}

export_query *export_query_open(db_conn *c, const export_filter *f)
{
    export_query *q = xcalloc(1, sizeof *q);
    q->c = c;
    q->shared = shared_ids(c, &q->shared_count);
    time_t now = (time_t)now_utc();
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(q->today, sizeof q->today, "%Y-%m-%d", &tm);
    q->stmt = db_stmt(c, has_ids(f) ? Q_EXPORT_IDS : Q_EXPORT);
    bind_filter(q->stmt, f, true);
    return q;
}

long export_count(db_conn *c, const export_filter *f)
{
    sqlite3_stmt *s = db_stmt(c, has_ids(f) ? Q_EXPORT_COUNT_IDS : Q_EXPORT_COUNT);
    bind_filter(s, f, false);
    long n = sqlite3_step(s) == SQLITE_ROW ? (long)sqlite3_column_int64(s, 0) : 0;
    sqlite3_reset(s);
    return n;
}

size_t export_query_count(const export_query *q)
{
    return q->count;
}

void export_query_close(export_query *q)
{
    if (!q) return;
    sqlite3_reset(q->stmt);
    for (size_t i = 0; i < EXPORT_COLUMN_COUNT; i++)
        buf_free(&q->cells[i]);
    free_ids(q->shared, q->shared_count);
    free(q);
}

typedef struct vocab_join {
    buf *out;
    vocab_kind kind;
} vocab_join;

static void join_exact(const char *item, void *ctx)
{
    vocab_join *j = ctx;
    const char *exact = vocab_canonical(j->kind, item);
    if (!exact) return; /* never emit a value outside the national vocabulary */
    /* no duplicates */
    size_t n = strlen(exact);
    const char *p = j->out->data;
    while (p && *p) {
        size_t len = strcspn(p, "|");
        if (len == n && memcmp(p, exact, n) == 0) return;
        p += len;
        if (*p) p++;
    }
    if (j->out->len) buf_putc(j->out, '|');
    buf_append(j->out, exact, n);
}

/* A '|' list of free items (e-mails, web sites, other labels): blanks trimmed, empties dropped. */
static void join_free(const char *item, void *ctx)
{
    vocab_join *j = ctx;
    if (strchr(item, '|')) return;
    if (j->out->len) buf_putc(j->out, '|');
    buf_puts(j->out, item);
}

static const char *buf_or_null(buf *b)
{
    return b->len ? b->data : NULL;
}

/*
 * Opening hours as exported: the regular expression with the place's
 * current and coming temporary closures and exceptional hours (issue 4,
 * src/closure.c) appended as the last rules, which win for their dates
 * ("…; 2026 Aug 12-2026 Aug 26 off \"Fermeture estivale\""): valid OSM
 * syntax, so re-users see the closures without knowing about them.
 */
static const char *export_hours(export_query *q, int64_t place_id, buf *out, const char *hours)
{
    closure list[EXPORT_MAX_CLOSURES];
    size_t n = closures_load(q->c, place_id, q->today, list, EXPORT_MAX_CLOSURES);
    char *folded = closures_fold(hours, list, n);
    for (size_t i = 0; i < n; i++)
        closure_clear(&list[i]);
    if (!folded) return NULL;
    buf_puts(out, folded);
    free(folded);
    return out->data;
}

/* The pivot and INSEE code go out only in the form the schema's validator
 * takes: the rule of core/validate.c, and already written as it normalises. */
static bool pivot_valid(const char *p)
{
    char normal[VALIDATE_PIVOT_SIZE];
    return p && validate_pivot(p, normal, NULL) && strcmp(normal, p) == 0;
}

static bool insee_valid(const char *s)
{
    char normal[VALIDATE_INSEE_SIZE];
    return s && validate_insee_code(s, normal, NULL) && strcmp(normal, s) == 0;
}

bool export_query_next(export_query *q, export_record *out)
{
    memset(out, 0, sizeof *out);
    if (q->done) return false;
    sqlite3_stmt *s = q->stmt;
    if (sqlite3_step(s) != SQLITE_ROW) {
        q->done = true;
        sqlite3_reset(s);
        return false;
    }
    for (size_t i = 0; i < EXPORT_COLUMN_COUNT; i++)
        buf_reset(&q->cells[i]);
    out->place_id = sqlite3_column_int64(s, QC_PLACE_ID);
    out->slug = db_col_text(s, QC_SLUG);
    out->updated_at = db_col_text(s, QC_UPDATED_AT);
    out->closed_at = db_col_text(s, QC_CLOSED_AT);
    const char **f = out->fields;
    for (int i = 0; i < EXPORT_COLUMN_COUNT; i++) {
        const char *v = db_col_text(s, QC_FIRST_FIELD + i);
        f[i] = v && *v ? v : NULL;
    }
    buf *cells = q->cells;
    /* An id two sources share goes out as "source:id". */
    const char *source = db_col_text(s, QC_FIRST_FIELD + EXPORT_SOURCE);
    if (f[EXPORT_ID] && source && q->shared_count &&
        bsearch(&f[EXPORT_ID], q->shared, q->shared_count, sizeof *q->shared, str_ptr_cmp)) {
        buf_printf(&cells[EXPORT_ID], "%s:%s", source, f[EXPORT_ID]);
        f[EXPORT_ID] = cells[EXPORT_ID].data;
    }

    if (!pivot_valid(f[EXPORT_PIVOT])) f[EXPORT_PIVOT] = PIVOT_UNKNOWN;
    f[EXPORT_COMMUNE] = export_clean_commune(f[EXPORT_COMMUNE], &cells[EXPORT_COMMUNE])
                            ? cells[EXPORT_COMMUNE].data
                            : NULL;
    f[EXPORT_ADRESSE] = export_clean_address(f[EXPORT_ADRESSE], &cells[EXPORT_ADRESSE])
                            ? cells[EXPORT_ADRESSE].data
                            : NULL;
    if (!insee_valid(f[EXPORT_CODE_INSEE])) f[EXPORT_CODE_INSEE] = NULL;

    int lat_col = QC_FIRST_FIELD + EXPORT_LATITUDE, lon_col = QC_FIRST_FIELD + EXPORT_LONGITUDE;
    f[EXPORT_LATITUDE] = f[EXPORT_LONGITUDE] = NULL;
    if (sqlite3_column_type(s, lat_col) != SQLITE_NULL &&
        sqlite3_column_type(s, lon_col) != SQLITE_NULL) {
        out->has_position = true;
        out->latitude = sqlite3_column_double(s, lat_col);
        out->longitude = sqlite3_column_double(s, lon_col);
        export_format_coordinate(out->latitude, q->coordinates[0]);
        export_format_coordinate(out->longitude, q->coordinates[1]);
        f[EXPORT_LATITUDE] = q->coordinates[0];
        f[EXPORT_LONGITUDE] = q->coordinates[1];
    }

    char phone[17];
    if (export_phone(f[EXPORT_TELEPHONE], phone)) {
        buf_puts(&cells[EXPORT_TELEPHONE], phone);
        f[EXPORT_TELEPHONE] = cells[EXPORT_TELEPHONE].data;
    } else {
        f[EXPORT_TELEPHONE] = NULL;
    }

    static const struct {
        int column;
        vocab_kind kind;
    } LISTS[] = {
        {EXPORT_TYPOLOGIE, VOCAB_TYPOLOGIE},
        {EXPORT_ITINERANCE, VOCAB_ITINERANCE},
        {EXPORT_SERVICES, VOCAB_SERVICES},
        {EXPORT_PUBLICS, VOCAB_PUBLICS},
        {EXPORT_PRISE_EN_CHARGE, VOCAB_SUPPORT},
        {EXPORT_FRAIS, VOCAB_FEES},
        {EXPORT_DISPOSITIFS, VOCAB_PROGRAMMES},
        {EXPORT_FORMATIONS_LABELS, VOCAB_LABELS},
        {EXPORT_MODALITES_ACCES, VOCAB_ACCESS_MODES},
        {EXPORT_MODALITES_ACCOMPAGNEMENT, VOCAB_SUPPORT_MODES},
    };
    for (size_t i = 0; i < ARRAY_LEN(LISTS); i++) {
        int col = LISTS[i].column;
        vocab_join j = {&cells[col], LISTS[i].kind};
        vocab_split(f[col], join_exact, &j);
        f[col] = buf_or_null(&cells[col]);
    }
    static const int FREE_LISTS[] = {EXPORT_COURRIELS, EXPORT_SITE_WEB, EXPORT_AUTRES_LABELS};
    for (size_t i = 0; i < ARRAY_LEN(FREE_LISTS); i++) {
        int col = FREE_LISTS[i];
        vocab_join j = {&cells[col], VOCAB_KIND_COUNT};
        /* split on '|' only: these items may hold ';' in theory, never '|' */
        const char *v = f[col];
        while (v && *v) {
            size_t n = strcspn(v, "|");
            char *item = xstrndup(v, n);
            char *t = str_trim(item);
            if (*t) join_free(t, &j);
            free(item);
            v += n;
            if (*v) v++;
        }
        f[col] = buf_or_null(&cells[col]);
    }
    static const int URLS[] = {EXPORT_FICHE_ACCES_LIBRE, EXPORT_PRISE_RDV};
    for (size_t i = 0; i < ARRAY_LEN(URLS); i++) {
        int col = URLS[i];
        f[col] = export_clean_url(f[col], &cells[col]) ? cells[col].data : NULL;
    }
    f[EXPORT_HORAIRES] =
        export_hours(q, out->place_id, &cells[EXPORT_HORAIRES], f[EXPORT_HORAIRES]);
    q->count++;
    return true;
}

/* ------------------------------------------------------------------------ */
/* Writers                                                                   */

void export_csv_cell(buf *out, const char *value)
{
    if (!value) return;
    /* A place named =HYPERLINK(…) must stay text when the open-data file is
     * opened in a spreadsheet: a leading apostrophe, as OWASP recommends. */
    bool neutralise = !validate_csv_safe(value);
    if (!neutralise && !strpbrk(value, ",\"\r\n")) {
        buf_puts(out, value);
        return;
    }
    buf_putc(out, '"');
    if (neutralise) buf_putc(out, '\'');
    for (const char *p = value; *p; p++) {
        if (*p == '"') buf_putc(out, '"');
        buf_putc(out, *p);
    }
    buf_putc(out, '"');
}

void export_csv_header(buf *out)
{
    for (int i = 0; i < EXPORT_COLUMN_COUNT; i++) {
        if (i) buf_putc(out, ',');
        buf_puts(out, EXPORT_COLUMNS[i]);
    }
    buf_puts(out, "\r\n");
}

void export_csv_row(buf *out, const export_record *r)
{
    for (int i = 0; i < EXPORT_COLUMN_COUNT; i++) {
        if (i) buf_putc(out, ',');
        export_csv_cell(out, r->fields[i]);
    }
    buf_puts(out, "\r\n");
}

void export_json_fields(buf *out, const export_record *r)
{
    buf_putc(out, '{');
    for (int i = 0; i < EXPORT_COLUMN_COUNT; i++) {
        /* the schema's names: plain ASCII, nothing to escape */
        buf_puts(out, i ? ",\"" : "\"");
        buf_puts(out, EXPORT_COLUMNS[i]);
        buf_puts(out, "\":");
        if (i == EXPORT_LATITUDE || i == EXPORT_LONGITUDE) {
            if (r->has_position)
                buf_json_real(out, i == EXPORT_LATITUDE ? r->latitude : r->longitude);
            else
                buf_puts(out, "null");
        } else {
            buf_json_string(out, r->fields[i]);
        }
    }
}

void export_json_record(buf *out, const export_record *r)
{
    export_json_fields(out, r);
    buf_putc(out, '}');
}

void export_geojson_feature_open(buf *out, const export_record *r)
{
    buf_puts(out, "{\"type\":\"Feature\",\"geometry\":");
    if (r->has_position) {
        buf_puts(out, "{\"type\":\"Point\",\"coordinates\":[");
        buf_json_real(out, r->longitude);
        buf_putc(out, ',');
        buf_json_real(out, r->latitude);
        buf_puts(out, "]}");
    } else {
        buf_puts(out, "null");
    }
    buf_puts(out, ",\"properties\":");
}

int export_sink_file(void *ctx, const char *data, size_t len)
{
    return fwrite(data, 1, len, (FILE *)ctx) == len ? 0 : -1;
}

int export_sink_buf(void *ctx, const char *data, size_t len)
{
    buf_append((buf *)ctx, data, len);
    return 0;
}

int export_write(db_conn *c, const export_filter *f, export_format format, export_sink sink,
                 void *ctx, size_t *count)
{
    buf chunk = {0};
    switch (format) {
    case EXPORT_FORMAT_CSV:
        export_csv_header(&chunk);
        break;
    case EXPORT_FORMAT_JSON:
        buf_puts(&chunk, "[");
        break;
    case EXPORT_FORMAT_GEOJSON:
        buf_puts(&chunk, "{\"type\":\"FeatureCollection\",\"features\":[");
        break;
    }
    export_query *q = export_query_open(c, f);
    export_record rec;
    int rc = 0;
    bool first = true;
    while (rc == 0 && export_query_next(q, &rec)) {
        switch (format) {
        case EXPORT_FORMAT_CSV:
            export_csv_row(&chunk, &rec);
            break;
        case EXPORT_FORMAT_JSON:
            buf_puts(&chunk, first ? "\n" : ",\n");
            export_json_record(&chunk, &rec);
            break;
        case EXPORT_FORMAT_GEOJSON:
            buf_puts(&chunk, first ? "\n" : ",\n");
            export_geojson_feature_open(&chunk, &rec);
            export_json_record(&chunk, &rec);
            buf_putc(&chunk, '}');
            break;
        }
        first = false;
        /* Hand the bytes over every few records, not the whole file at once. */
        if (chunk.len >= 64 * 1024) {
            rc = sink(ctx, chunk.data, chunk.len);
            buf_reset(&chunk);
        }
    }
    if (count) *count = export_query_count(q);
    export_query_close(q);
    if (format == EXPORT_FORMAT_JSON) buf_puts(&chunk, first ? "]\n" : "\n]\n");
    if (format == EXPORT_FORMAT_GEOJSON) buf_puts(&chunk, first ? "]}\n" : "\n]}\n");
    if (rc == 0 && chunk.len) rc = sink(ctx, chunk.data, chunk.len);
    buf_free(&chunk);
    return rc;
}
