/*
 * geo.c — distances, name keys, classification of the "Où ?" field, and
 * the gazetteer: loading the files of data/gazetteer into the tables of migration
 * 0002 and the queries that resolve an input to communes or a département.
 *
 * The data files and how they are made: docs/gazetteer.md. The key rule of
 * geo_name_key() is mirrored by nameKey() in scripts/gazetteer/build.js,
 * which only uses it to match GeoNames names; the search keys stored in the
 * database are computed here, by the same function that folds the input.
 */
#include "geo/geo.h"
#include "core/db.h"
#include "core/util.h"

#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EARTH_RADIUS_KM 6371.0088
#define DEG_TO_RAD (3.14159265358979323846 / 180.0)
/* Kilometres per degree of latitude on the mean sphere. */
#define KM_PER_DEGREE (EARTH_RADIUS_KM * DEG_TO_RAD)

/* ---- distances ---- */

double geo_distance_km(double lat1, double lon1, double lat2, double lon2)
{
    double dlat = (lat2 - lat1) * DEG_TO_RAD, dlon = (lon2 - lon1) * DEG_TO_RAD;
    double s1 = sin(dlat / 2), s2 = sin(dlon / 2);
    double a = s1 * s1 + cos(lat1 * DEG_TO_RAD) * cos(lat2 * DEG_TO_RAD) * s2 * s2;
    if (a > 1) a = 1;
    return 2 * EARTH_RADIUS_KM * asin(sqrt(a));
}

geo_bbox geo_bbox_around(double lat, double lon, double radius_km)
{
    if (radius_km < 0) radius_km = 0;
    double dlat = radius_km / KM_PER_DEGREE;
    geo_bbox b = {lat - dlat, lat + dlat, -180, 180};
    /* A box that contains a pole spans every longitude. */
    if (b.min_lat <= -90 || b.max_lat >= 90) {
        if (b.min_lat < -90) b.min_lat = -90;
        if (b.max_lat > 90) b.max_lat = 90;
        return b;
    }
    /* The widest parallel inside the box is the one nearest the equator. */
    double widest = fabs(lat) - dlat;
    double c = widest <= 0 ? 1 : cos(widest * DEG_TO_RAD);
    if (c > 1e-6) {
        double dlon = dlat / c;
        if (dlon < 180) {
            b.min_lon = lon - dlon;
            b.max_lon = lon + dlon;
        }
    }
    return b;
}

/* ---- names ---- */

static const struct {
    const char *abbreviation, *word;
} name_abbreviations[] = {
    {"st", "saint"},
    {"ste", "sainte"},
    {"sts", "saints"},
    {"stes", "saintes"},
};

/* Ordinal suffixes after a number: 1er, 1ere, 3e, 3eme (from "3ème"), 2nd. */
static const char *const ordinal_suffixes[] = {"",   "e",  "er", "ere", "eme",
                                               "em", "me", "nd", "nde"};

/* If the word w (length n) is a number with an optional ordinal suffix,
 * append the number without leading zeros to b and return true. */
static bool append_ordinal(buf *b, const char *w, size_t n)
{
    size_t digits = 0;
    while (digits < n && isdigit((unsigned char)w[digits]))
        digits++;
    if (digits == 0) return false;
    bool suffix_ok = false;
    for (size_t i = 0; i < ARRAY_LEN(ordinal_suffixes); i++) {
        const char *s = ordinal_suffixes[i];
        if (strlen(s) == n - digits && memcmp(w + digits, s, n - digits) == 0) suffix_ok = true;
    }
    if (!suffix_ok) return false;
    size_t start = 0;
    while (start + 1 < digits && w[start] == '0')
        start++;
    buf_append(b, w + start, digits - start);
    return true;
}

char *geo_name_key(const char *s)
{
    char *folded = text_fold(s ? s : "");
    buf b = {0};
    buf_reserve(&b, strlen(folded) + 16);
    const char *p = folded;
    while (*p) {
        const char *end = strchr(p, ' ');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        if (b.len) buf_putc(&b, ' ');
        bool done = false;
        for (size_t i = 0; i < ARRAY_LEN(name_abbreviations) && !done; i++) {
            const char *a = name_abbreviations[i].abbreviation;
            if (strlen(a) == n && memcmp(p, a, n) == 0) {
                buf_puts(&b, name_abbreviations[i].word);
                done = true;
            }
        }
        if (!done && !append_ordinal(&b, p, n)) buf_append(&b, p, n);
        p += n;
        if (*p == ' ') p++;
    }
    free(folded);
    if (b.len == 0) {
        buf_free(&b);
        return xstrdup("");
    }
    return buf_steal(&b);
}

char *geo_key_without_article(const char *key)
{
    static const char *const articles[] = {"le ", "la ", "les ", "l "};
    for (size_t i = 0; i < ARRAY_LEN(articles); i++)
        if (str_starts_with(key, articles[i]) && key[strlen(articles[i])] != '\0')
            return xstrdup(key + strlen(articles[i]));
    return NULL;
}

/* ---- the "Où ?" field ---- */

/* Copy input into out (size bytes): trimmed; when only digits and blanks,
 * blanks removed. Returns false when it does not fit. */
static bool compact_input(const char *input, char *out, size_t size)
{
    const char *s = input ? input : "";
    while (isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1]))
        n--;
    bool digits_and_blanks = n > 0;
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i]) && !isspace((unsigned char)s[i]))
            digits_and_blanks = false;
    size_t len = 0;
    for (size_t i = 0; i < n; i++) {
        if (digits_and_blanks && isspace((unsigned char)s[i])) continue;
        if (len + 1 >= size) {
            if (size) out[0] = '\0';
            return false;
        }
        out[len++] = s[i];
    }
    if (size) out[len] = '\0';
    return size > 0;
}

static bool all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i])) return false;
    return true;
}

static bool is_corsica(const char *s)
{
    return s[0] == '2' && (s[1] == 'A' || s[1] == 'a' || s[1] == 'B' || s[1] == 'b');
}

geo_query_kind geo_classify(const char *input)
{
    char s[16];
    if (!compact_input(input, s, sizeof s)) {
        /* Too long to be a code: text, unless it is only blanks/digits. */
        const char *p = input ? input : "";
        while (isspace((unsigned char)*p))
            p++;
        if (!*p) return GEO_QUERY_EMPTY;
        for (; *p; p++)
            if (!isdigit((unsigned char)*p) && !isspace((unsigned char)*p)) return GEO_QUERY_TEXT;
        return GEO_QUERY_BAD_CODE;
    }
    size_t n = strlen(s);
    if (n == 0) return GEO_QUERY_EMPTY;
    if (all_digits(s, n)) {
        int two = n >= 2 ? (s[0] - '0') * 10 + (s[1] - '0') : 0;
        switch (n) {
        case 1:
            return s[0] != '0' ? GEO_QUERY_DEPARTEMENT : GEO_QUERY_BAD_CODE;
        case 2:
            return two >= 1 && two <= 95 && two != 20 ? GEO_QUERY_DEPARTEMENT : GEO_QUERY_BAD_CODE;
        case 3:
            return two == 97 && s[2] >= '1' && s[2] <= '6' ? GEO_QUERY_DEPARTEMENT
                                                           : GEO_QUERY_BAD_CODE;
        case 5:
            if (two >= 1 && two <= 95) return GEO_QUERY_POSTAL_CODE;
            if (two == 97 && s[2] >= '1' && s[2] <= '8') return GEO_QUERY_POSTAL_CODE;
            return GEO_QUERY_BAD_CODE;
        default:
            return GEO_QUERY_BAD_CODE;
        }
    }
    if (n == 2 && is_corsica(s)) return GEO_QUERY_DEPARTEMENT;
    if (n == 5 && is_corsica(s) && all_digits(s + 2, 3)) return GEO_QUERY_INSEE;
    return GEO_QUERY_TEXT;
}

bool geo_code_normalise(const char *input, char *out, size_t size)
{
    char tmp[16];
    size_t n = 0;
    for (const char *p = input ? input : ""; *p; p++) {
        if (isspace((unsigned char)*p)) continue;
        if (n + 1 >= sizeof tmp) {
            if (size) out[0] = '\0';
            return false;
        }
        tmp[n++] = (char)toupper((unsigned char)*p);
    }
    tmp[n] = '\0';
    if (n == 1 && isdigit((unsigned char)tmp[0])) {
        tmp[2] = '\0';
        tmp[1] = tmp[0];
        tmp[0] = '0';
        n = 2;
    }
    if (n + 1 > size) {
        if (size) out[0] = '\0';
        return false;
    }
    memcpy(out, tmp, n + 1);
    return true;
}

/* ---- SQLite helpers ---- */

static void report(sqlite3 *handle, const char *what)
{
    fprintf(stderr, "repere: gazetteer: %s: %s\n", what, sqlite3_errmsg(handle));
}

/* The gazetteer loader's statements run once, at start-up, in the writer's
 * transaction, on the raw handle the loader is given: prepared here and
 * finalized after the load. Every query served at request time goes through
 * the statement cache instead (db_stmt_try on the caller's connection). */
static sqlite3_stmt *prepare(sqlite3 *handle, const char *sql)
{
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v3(handle, sql, -1, 0, &s, NULL) != SQLITE_OK) {
        report(handle, "prepare");
        sqlite3_finalize(s);
        return NULL;
    }
    return s;
}

/* Bind text (n bytes, or -1 for NUL-terminated) to a named parameter; an
 * empty value binds NULL. The value must outlive the step. */
static int bind_text(sqlite3_stmt *s, const char *name, const char *value, int n)
{
    int i = sqlite3_bind_parameter_index(s, name);
    if (!value || n == 0 || (n < 0 && !*value)) return sqlite3_bind_null(s, i);
    return sqlite3_bind_text(s, i, value, n, SQLITE_STATIC);
}

static int bind_int(sqlite3_stmt *s, const char *name, int64_t value)
{
    return sqlite3_bind_int64(s, sqlite3_bind_parameter_index(s, name), value);
}

static int bind_double(sqlite3_stmt *s, const char *name, double value)
{
    return sqlite3_bind_double(s, sqlite3_bind_parameter_index(s, name), value);
}

/* Step a statement that returns no row, then reset it. */
static bool run(sqlite3 *handle, sqlite3_stmt *s, const char *what)
{
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    if (rc != SQLITE_DONE) {
        report(handle, what);
        return false;
    }
    return true;
}

/* Copy NUL-terminated UTF-8 into dst (size bytes), cut on a character
 * boundary if it does not fit. */
static void copy_text(char *dst, size_t size, const unsigned char *src)
{
    const char *s = src ? (const char *)src : "";
    size_t n = strlen(s);
    if (n >= size) {
        n = size - 1;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--;
    }
    memcpy(dst, s, n);
    dst[n] = '\0';
}

/* ---- loader ---- */

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    buf b = {0};
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        buf_append(&b, chunk, n);
    bool failed = ferror(f) != 0;
    fclose(f);
    if (failed) {
        buf_free(&b);
        return NULL;
    }
    if (!b.data) buf_reserve(&b, 1);
    *len = b.len;
    return buf_steal(&b);
}

/* FNV-1a, 64 bits: enough to notice that a data file changed. */
static uint64_t fnv1a(uint64_t h, const void *data, size_t n)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

enum { FILE_REGIONS, FILE_DEPARTEMENTS, FILE_EPCI, FILE_COMMUNES, FILE_FORMER, FILE_COUNT };

static const struct {
    const char *name, *header;
    int columns;
} gazetteer_files[FILE_COUNT] = {
    [FILE_REGIONS] = {"regions.tsv", "code\tname", 2},
    [FILE_DEPARTEMENTS] = {"departements.tsv", "code\tname\tregion", 3},
    [FILE_EPCI] = {"epci.tsv", "siren\tname", 2},
    [FILE_COMMUNES] = {"communes.tsv",
                       "insee\tname\tdep\tparent\tepci\tpopulation\tlat\tlon\tsource\tpostcodes",
                       10},
    [FILE_FORMER] = {"former.tsv", "code\tname\tinsee\tkind", 4},
};

/* A line cursor over a file held in memory; lines are NUL-terminated in place. */
typedef struct tsv {
    char *next;
    char *end;
    int line;
} tsv;

/* Next line split on tabs into at most `max` fields (NUL-terminated in
 * place). Returns the number of fields, 0 at the end of the file. */
static int tsv_row(tsv *t, char **fields, int max)
{
    if (t->next >= t->end) return 0;
    char *line = t->next;
    char *nl = memchr(line, '\n', (size_t)(t->end - line));
    char *stop = nl ? nl : t->end;
    t->next = nl ? nl + 1 : t->end;
    *stop = '\0';
    if (stop > line && stop[-1] == '\r') stop[-1] = '\0';
    t->line++;
    int n = 0;
    char *p = line;
    for (;;) {
        char *tab = strchr(p, '\t');
        if (n < max) fields[n] = p;
        n++;
        if (!tab) break;
        *tab = '\0';
        p = tab + 1;
    }
    return n;
}

/* Locale-independent decimal number ("-20.88231"); false when malformed. */
static bool parse_decimal(const char *s, double *out)
{
    double sign = 1, v = 0, scale = 1;
    if (*s == '-') {
        sign = -1;
        s++;
    }
    if (!isdigit((unsigned char)*s)) return false;
    while (isdigit((unsigned char)*s))
        v = v * 10 + (*s++ - '0');
    if (*s == '.') {
        s++;
        if (!isdigit((unsigned char)*s)) return false;
        while (isdigit((unsigned char)*s)) {
            scale /= 10;
            v += (*s++ - '0') * scale;
        }
    }
    if (*s) return false;
    *out = sign * v;
    return true;
}

static bool parse_integer(const char *s, int64_t *out)
{
    if (!*s || strlen(s) > 12 || !all_digits(s, strlen(s))) return false;
    *out = strtoll(s, NULL, 10);
    return true;
}

/* used by: geo_gazetteer_load — is this data already loaded? */
static const char q_loaded_checksum[] = "SELECT value FROM gazetteer_meta WHERE key = 'checksum'"
                                        " AND EXISTS (SELECT 1 FROM commune)";

/* used by: geo_gazetteer_load — empty the tables, children first. */
static const char *const q_clear[] = {
    "DELETE FROM commune_former_key",  "DELETE FROM commune_former", "DELETE FROM commune_key",
    "DELETE FROM commune_postal_code", "DELETE FROM commune",        "DELETE FROM epci",
    "DELETE FROM departement",         "DELETE FROM region",
};

/* used by: geo_gazetteer_load — one statement per table. */
static const char q_insert_region[] = "INSERT INTO region(code, name) VALUES (:code, :name)";
static const char q_insert_departement[] =
    "INSERT INTO departement(code, name, name_key, region) VALUES (:code, :name, :key, :region)";
static const char q_insert_epci[] = "INSERT INTO epci(siren, name) VALUES (:siren, :name)";
static const char q_insert_commune[] =
    "INSERT INTO commune(insee, name, name_key, departement, region, epci, parent, population,"
    " latitude, longitude, coord_source)"
    " VALUES (:insee, :name, :key, :dep, (SELECT region FROM departement WHERE code = :dep),"
    " :epci, :parent, :population, :lat, :lon, :source)";
static const char q_insert_key[] =
    "INSERT OR IGNORE INTO commune_key(key, insee) VALUES (:key, :insee)";
static const char q_insert_former[] =
    "INSERT OR IGNORE INTO commune_former(code, name, insee, kind)"
    " VALUES (:code, :name, :insee, :kind)";
static const char q_insert_former_key[] =
    "INSERT OR IGNORE INTO commune_former_key(key, code, insee) VALUES (:key, :code, :insee)";
static const char q_insert_postal_code[] =
    "INSERT OR IGNORE INTO commune_postal_code(postal_code, insee) VALUES (:code, :insee)";

/* used by: geo_gazetteer_load — population-weighted centroid of each
 * département (arrondissements left out: their city is already counted). */
static const char q_departement_centroids[] =
    "UPDATE departement SET"
    " latitude = (SELECT coalesce(sum(population * latitude) / nullif(sum(population), 0),"
    "   avg(latitude)) FROM commune WHERE commune.departement = departement.code"
    "   AND parent IS NULL),"
    " longitude = (SELECT coalesce(sum(population * longitude) / nullif(sum(population), 0),"
    "   avg(longitude)) FROM commune WHERE commune.departement = departement.code"
    "   AND parent IS NULL)";

/* used by: geo_gazetteer_load — remember what was loaded. */
static const char q_set_meta[] =
    "INSERT OR REPLACE INTO gazetteer_meta(key, value) VALUES"
    " ('checksum', :checksum), ('loaded_at', strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))";

typedef struct loader {
    sqlite3 *handle;
    const char *dir;
    sqlite3_stmt *region, *departement, *epci, *commune, *key, *postal_code, *former, *former_key;
    int communes, former_count;
} loader;

static bool bad_row(const loader *l, int file, const tsv *t, const char *why)
{
    fprintf(stderr, "repere: gazetteer: %s/%s line %d: %s\n", l->dir, gazetteer_files[file].name,
            t->line, why);
    return false;
}

static bool insert_key(loader *l, const char *key, const char *insee)
{
    if (!*key) return true;
    bind_text(l->key, ":key", key, -1);
    bind_text(l->key, ":insee", insee, -1);
    return run(l->handle, l->key, "insert commune key");
}

/* Insert every search key of one commune: its name key, the key without
 * leading article, and for arrondissements the key without the trailing
 * word "arrondissement" ("lyon 3"). */
static bool insert_keys(loader *l, const char *key, const char *insee)
{
    bool ok = insert_key(l, key, insee);
    char *bare = geo_key_without_article(key);
    if (bare) {
        ok = ok && insert_key(l, bare, insee);
        free(bare);
    }
    static const char suffix[] = " arrondissement";
    if (str_ends_with(key, suffix) && strlen(key) > strlen(suffix)) {
        char *city = xstrndup(key, strlen(key) - strlen(suffix));
        ok = ok && insert_key(l, city, insee);
        free(city);
    }
    return ok;
}

static bool load_file(loader *l, int file, char *text, size_t len)
{
    tsv t = {text, text + len, 0};
    char *f[10];
    int n = tsv_row(&t, f, 10);
    if (n != gazetteer_files[file].columns) return bad_row(l, file, &t, "unexpected header");
    /* Rebuild the header to compare it whole. */
    buf h = {0};
    for (int i = 0; i < n; i++) {
        if (i) buf_putc(&h, '\t');
        buf_puts(&h, f[i]);
    }
    bool same = strcmp(h.data, gazetteer_files[file].header) == 0;
    buf_free(&h);
    if (!same) return bad_row(l, file, &t, "unexpected header");

    while ((n = tsv_row(&t, f, 10)) > 0) {
        if (n == 1 && !*f[0]) continue; /* blank line */
        if (n != gazetteer_files[file].columns)
            return bad_row(l, file, &t, "wrong number of columns");
        switch (file) {
        case FILE_REGIONS:
            bind_text(l->region, ":code", f[0], -1);
            bind_text(l->region, ":name", f[1], -1);
            if (!run(l->handle, l->region, "insert region"))
                return bad_row(l, file, &t, "rejected");
            break;
        case FILE_DEPARTEMENTS: {
            char *key = geo_name_key(f[1]);
            char *bare = geo_key_without_article(key);
            bind_text(l->departement, ":code", f[0], -1);
            bind_text(l->departement, ":name", f[1], -1);
            bind_text(l->departement, ":key", bare ? bare : key, -1);
            bind_text(l->departement, ":region", f[2], -1);
            bool ok = run(l->handle, l->departement, "insert departement");
            free(bare);
            free(key);
            if (!ok) return bad_row(l, file, &t, "rejected");
            break;
        }
        case FILE_EPCI:
            bind_text(l->epci, ":siren", f[0], -1);
            bind_text(l->epci, ":name", f[1], -1);
            if (!run(l->handle, l->epci, "insert epci")) return bad_row(l, file, &t, "rejected");
            break;
        case FILE_COMMUNES: {
            int64_t population;
            double lat, lon;
            if (strlen(f[0]) != 5 || !*f[1]) return bad_row(l, file, &t, "bad code or name");
            if (!parse_integer(f[5], &population)) return bad_row(l, file, &t, "bad population");
            if (!parse_decimal(f[6], &lat) || !parse_decimal(f[7], &lon) || lat < -90 || lat > 90 ||
                lon < -180 || lon > 180)
                return bad_row(l, file, &t, "bad coordinates");
            if (strlen(f[8]) != 1) return bad_row(l, file, &t, "bad coordinate source");
            char *key = geo_name_key(f[1]);
            sqlite3_stmt *s = l->commune;
            bind_text(s, ":insee", f[0], -1);
            bind_text(s, ":name", f[1], -1);
            bind_text(s, ":key", key, -1);
            bind_text(s, ":dep", f[2], -1);
            bind_text(s, ":parent", f[3], -1);
            bind_text(s, ":epci", f[4], -1);
            bind_int(s, ":population", population);
            bind_double(s, ":lat", lat);
            bind_double(s, ":lon", lon);
            bind_text(s, ":source", f[8], -1);
            bool ok = run(l->handle, s, "insert commune") && insert_keys(l, key, f[0]);
            free(key);
            if (!ok) return bad_row(l, file, &t, "rejected");
            for (char *p = f[9]; ok && *p;) {
                size_t k = strcspn(p, ",");
                if (k != 5 || !all_digits(p, 5)) return bad_row(l, file, &t, "bad postal code");
                bind_text(l->postal_code, ":code", p, 5);
                bind_text(l->postal_code, ":insee", f[0], -1);
                ok = run(l->handle, l->postal_code, "insert postal code");
                p += k;
                if (*p == ',') p++;
            }
            if (!ok) return bad_row(l, file, &t, "rejected");
            l->communes++;
            break;
        }
        case FILE_FORMER: {
            if (strlen(f[0]) != 5 || strlen(f[2]) != 5 || strlen(f[3]) != 1 ||
                !strchr("DAC", f[3][0]))
                return bad_row(l, file, &t, "bad code or kind");
            bind_text(l->former, ":code", f[0], -1);
            /* name is NOT NULL: '' (not NULL) when the source has none. */
            sqlite3_bind_text(l->former, sqlite3_bind_parameter_index(l->former, ":name"), f[1], -1,
                              SQLITE_STATIC);
            bind_text(l->former, ":insee", f[2], -1);
            bind_text(l->former, ":kind", f[3], -1);
            if (!run(l->handle, l->former, "insert former commune"))
                return bad_row(l, file, &t, "rejected");
            if (!f[1][0]) break;
            char *key = geo_name_key(f[1]);
            char *bare = geo_key_without_article(key);
            bool ok = true;
            for (int k = 0; k < 2 && ok; k++) {
                const char *one = k ? bare : key;
                if (!one || !*one) continue;
                bind_text(l->former_key, ":key", one, -1);
                bind_text(l->former_key, ":code", f[0], -1);
                bind_text(l->former_key, ":insee", f[2], -1);
                ok = run(l->handle, l->former_key, "insert former commune key");
            }
            free(bare);
            free(key);
            if (!ok) return bad_row(l, file, &t, "rejected");
            l->former_count++;
            break;
        }
        default:
            break;
        }
    }
    return true;
}

/* Is `checksum` the one of the data already loaded? */
static bool read_checksum(sqlite3 *handle, const char *checksum, bool *unchanged)
{
    sqlite3_stmt *s = prepare(handle, q_loaded_checksum);
    if (!s) return false;
    int step = sqlite3_step(s);
    if (step == SQLITE_ROW)
        *unchanged = strcmp((const char *)sqlite3_column_text(s, 0), checksum) == 0;
    else if (step != SQLITE_DONE)
        report(handle, "read gazetteer_meta");
    sqlite3_finalize(s);
    return step == SQLITE_ROW || step == SQLITE_DONE;
}

static bool write_checksum(sqlite3 *handle, const char *checksum)
{
    sqlite3_stmt *s = prepare(handle, q_set_meta);
    if (!s) return false;
    bind_text(s, ":checksum", checksum, -1);
    bool ok = run(handle, s, "write gazetteer_meta");
    sqlite3_finalize(s);
    return ok;
}

/* Empty the tables and load every file, then compute the centroids. */
static bool replace_all(loader *l, char **text, const size_t *len)
{
    sqlite3 *handle = l->handle;
    for (size_t i = 0; i < ARRAY_LEN(q_clear); i++)
        if (sqlite3_exec(handle, q_clear[i], NULL, NULL, NULL) != SQLITE_OK) {
            report(handle, q_clear[i]);
            return false;
        }
    bool ok = (l->region = prepare(handle, q_insert_region)) &&
              (l->departement = prepare(handle, q_insert_departement)) &&
              (l->epci = prepare(handle, q_insert_epci)) &&
              (l->commune = prepare(handle, q_insert_commune)) &&
              (l->key = prepare(handle, q_insert_key)) &&
              (l->postal_code = prepare(handle, q_insert_postal_code)) &&
              (l->former = prepare(handle, q_insert_former)) &&
              (l->former_key = prepare(handle, q_insert_former_key));
    /* Parents before children: régions, départements, EPCI, communes. */
    for (int i = 0; ok && i < FILE_COUNT; i++)
        ok = load_file(l, i, text[i], len[i]);
    if (ok && sqlite3_exec(handle, q_departement_centroids, NULL, NULL, NULL) != SQLITE_OK) {
        report(handle, "département centroids");
        ok = false;
    }
    sqlite3_finalize(l->region);
    sqlite3_finalize(l->departement);
    sqlite3_finalize(l->epci);
    sqlite3_finalize(l->commune);
    sqlite3_finalize(l->key);
    sqlite3_finalize(l->postal_code);
    sqlite3_finalize(l->former);
    sqlite3_finalize(l->former_key);
    return ok;
}

int geo_gazetteer_load(sqlite3 *handle, const char *dir)
{
    char *text[FILE_COUNT] = {0};
    size_t len[FILE_COUNT] = {0};
    uint64_t h = 0xcbf29ce484222325ULL;
    int rc = -1;
    for (int i = 0; i < FILE_COUNT; i++) {
        char *path = xasprintf("%s/%s", dir, gazetteer_files[i].name);
        text[i] = slurp(path, &len[i]);
        if (!text[i]) {
            fprintf(stderr, "repere: gazetteer: cannot read %s\n", path);
            free(path);
            goto out;
        }
        free(path);
        h = fnv1a(h, gazetteer_files[i].name, strlen(gazetteer_files[i].name) + 1);
        h = fnv1a(h, text[i], len[i]);
    }
    char checksum[17];
    snprintf(checksum, sizeof checksum, "%016llx", (unsigned long long)h);

    /* Outside a transaction take the write lock now (a deferred one could
     * fail to upgrade); inside the caller's, nest with a savepoint. */
    bool own = sqlite3_get_autocommit(handle) != 0;
    if (sqlite3_exec(handle, own ? "BEGIN IMMEDIATE" : "SAVEPOINT geo_gazetteer_load", NULL, NULL,
                     NULL) != SQLITE_OK) {
        report(handle, "begin");
        goto out;
    }

    loader l = {.handle = handle, .dir = dir};
    bool unchanged = false;
    bool ok =
        read_checksum(handle, checksum, &unchanged) && (unchanged || replace_all(&l, text, len));
    if (ok && !unchanged) ok = write_checksum(handle, checksum);

    const char *end = own ? (ok ? "COMMIT" : "ROLLBACK")
                          : (ok ? "RELEASE geo_gazetteer_load"
                                : "ROLLBACK TO geo_gazetteer_load; RELEASE geo_gazetteer_load");
    if (sqlite3_exec(handle, end, NULL, NULL, NULL) != SQLITE_OK) {
        report(handle, end);
        if (own && ok) sqlite3_exec(handle, "ROLLBACK", NULL, NULL, NULL);
        ok = false;
    }
    if (ok) {
        rc = 0;
        if (!unchanged)
            fprintf(stderr, "repere: gazetteer loaded from %s: %d communes, %d former names (%s)\n",
                    dir, l.communes, l.former_count, checksum);
    }
out:
    for (int i = 0; i < FILE_COUNT; i++)
        free(text[i]);
    return rc;
}

/* ---- resolution queries ---- */

/* The columns every commune query returns, in the order read_commune expects.
 * Postal codes are sorted in C (group_concat has no guaranteed order). */
#define COMMUNE_COLUMNS                                                                            \
    "c.insee, coalesce(c.parent, ''), c.departement, c.name, d.name,"                              \
    " (SELECT group_concat(p.postal_code, ' ') FROM commune_postal_code p"                         \
    "   WHERE p.insee = c.insee),"                                                                 \
    " c.population, c.latitude, c.longitude, c.coord_source"

/* Sort a space-separated list of postal codes in place. */
static void sort_postal_codes(char *list)
{
    char *words[64] = {0};
    size_t n = 0;
    char copy[sizeof((geo_commune *)0)->postal_codes];
    copy_text(copy, sizeof copy, (const unsigned char *)list);
    for (char *save = NULL, *w = strtok_r(copy, " ", &save); w && n < ARRAY_LEN(words);
         w = strtok_r(NULL, " ", &save))
        words[n++] = w;
    qsort(words, n, sizeof words[0], str_ptr_cmp);
    buf b = {0};
    for (size_t i = 0; i < n; i++) {
        if (i) buf_putc(&b, ' ');
        buf_puts(&b, words[i]);
    }
    copy_text(list, sizeof((geo_commune *)0)->postal_codes,
              (const unsigned char *)(b.data ? b.data : ""));
    buf_free(&b);
}

static void read_commune(sqlite3_stmt *s, geo_commune *c)
{
    memset(c, 0, sizeof *c);
    copy_text(c->insee, sizeof c->insee, sqlite3_column_text(s, 0));
    copy_text(c->parent, sizeof c->parent, sqlite3_column_text(s, 1));
    copy_text(c->departement, sizeof c->departement, sqlite3_column_text(s, 2));
    copy_text(c->name, sizeof c->name, sqlite3_column_text(s, 3));
    copy_text(c->departement_name, sizeof c->departement_name, sqlite3_column_text(s, 4));
    copy_text(c->postal_codes, sizeof c->postal_codes, sqlite3_column_text(s, 5));
    sort_postal_codes(c->postal_codes);
    c->population = (long)sqlite3_column_int64(s, 6);
    c->latitude = sqlite3_column_double(s, 7);
    c->longitude = sqlite3_column_double(s, 8);
    const unsigned char *src = sqlite3_column_text(s, 9);
    c->coord_source = src ? (char)src[0] : '?';
    c->exact = true;
}

/* Step s to the end, collecting communes; the column after the commune
 * columns, when `with_exact`, says whether the key matched exactly.
 * Resets s (a cached statement). Returns the count or -1. */
static int collect_communes(db_conn *c, sqlite3_stmt *s, bool with_exact, geo_commune **out)
{
    geo_commune *list = NULL;
    size_t n = 0, cap = 0;
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (n == cap) {
            cap = cap ? cap * 2 : 8;
            list = xrealloc(list, cap * sizeof *list);
        }
        read_commune(s, &list[n]);
        if (with_exact) list[n].exact = sqlite3_column_int(s, 10) != 0;
        n++;
    }
    if (rc != SQLITE_DONE) {
        report(db_handle(c), "commune query");
        sqlite3_reset(s);
        free(list);
        *out = NULL;
        return -1;
    }
    sqlite3_reset(s);
    *out = list;
    return (int)n;
}

/* used by: geo_communes_find — exact key matches, then prefix matches
 * (key range [:key, :key_end)), served by commune_key's primary key. */
static const char q_communes_by_key[] =
    "SELECT " COMMUNE_COLUMNS ", m.exact"
    " FROM (SELECT insee, max(key = :key) AS exact FROM commune_key"
    "       WHERE key >= :key AND key < :key_end GROUP BY insee) AS m"
    " JOIN commune c ON c.insee = m.insee"
    " JOIN departement d ON d.code = c.departement"
    " ORDER BY m.exact DESC, c.population DESC, c.insee"
    " LIMIT :max";

int geo_communes_find(db_conn *c, const char *input, size_t max, geo_commune **out)
{
    *out = NULL;
    char *key = geo_name_key(input);
    if (!*key || max == 0) {
        free(key);
        return 0;
    }
    /* Keys hold only [a-z0-9 ]: "~" sorts after all of them, "\x01" before. */
    char *key_end = xasprintf("%s%s", key, strlen(key) >= 2 ? "~" : "\x01");
    sqlite3_stmt *s = db_stmt_try(c, q_communes_by_key);
    int n = -1;
    if (s) {
        bind_text(s, ":key", key, -1);
        bind_text(s, ":key_end", key_end, -1);
        bind_int(s, ":max", (int64_t)(max > INT32_MAX ? INT32_MAX : max));
        n = collect_communes(c, s, true, out);
    }
    free(key_end);
    free(key);
    return n;
}

/* used by: geo_communes_by_postal_code — served by commune_postal_code's
 * primary key. */
static const char q_communes_by_postal_code[] =
    "SELECT " COMMUNE_COLUMNS " FROM commune_postal_code pc"
    " JOIN commune c ON c.insee = pc.insee"
    " JOIN departement d ON d.code = c.departement"
    " WHERE pc.postal_code = :code"
    " ORDER BY c.parent IS NULL, c.population DESC, c.insee"
    " LIMIT :max";

int geo_communes_by_postal_code(db_conn *c, const char *postal_code, size_t max, geo_commune **out)
{
    *out = NULL;
    if (!postal_code || !*postal_code || max == 0) return 0;
    sqlite3_stmt *s = db_stmt_try(c, q_communes_by_postal_code);
    if (!s) return -1;
    bind_text(s, ":code", postal_code, -1);
    bind_int(s, ":max", (int64_t)(max > INT32_MAX ? INT32_MAX : max));
    return collect_communes(c, s, false, out);
}

/* used by: geo_commune_by_insee — commune's primary key. */
static const char q_commune_by_insee[] =
    "SELECT " COMMUNE_COLUMNS " FROM commune c JOIN departement d ON d.code = c.departement"
    " WHERE c.insee = :insee";

int geo_commune_by_insee(db_conn *c, const char *insee, geo_commune *out)
{
    char code[8];
    if (!geo_code_normalise(insee, code, sizeof code) || strlen(code) != 5) return 0;
    sqlite3_stmt *s = db_stmt_try(c, q_commune_by_insee);
    if (!s) return -1;
    bind_text(s, ":insee", code, -1);
    geo_commune *list = NULL;
    int n = collect_communes(c, s, false, &list);
    if (n > 0) *out = list[0];
    free(list);
    return n < 0 ? -1 : n > 0;
}

/* used by: geo_commune_nearest — candidates in a box, served by
 * commune_by_position; the distance is computed in C. */
static const char q_communes_in_box[] =
    "SELECT " COMMUNE_COLUMNS " FROM commune c JOIN departement d ON d.code = c.departement"
    " WHERE c.latitude BETWEEN :min_lat AND :max_lat"
    " AND c.longitude BETWEEN :min_lon AND :max_lon";

int geo_commune_nearest(db_conn *c, double lat, double lon, geo_commune *out)
{
    static const double radii_km[] = {5, 20, 80};
    for (size_t r = 0; r < ARRAY_LEN(radii_km); r++) {
        geo_bbox b = geo_bbox_around(lat, lon, radii_km[r]);
        sqlite3_stmt *s = db_stmt_try(c, q_communes_in_box);
        if (!s) return -1;
        bind_double(s, ":min_lat", b.min_lat);
        bind_double(s, ":max_lat", b.max_lat);
        bind_double(s, ":min_lon", b.min_lon);
        bind_double(s, ":max_lon", b.max_lon);
        geo_commune *list = NULL;
        int n = collect_communes(c, s, false, &list);
        if (n < 0) return -1;
        int best = -1;
        double best_km = radii_km[r];
        for (int i = 0; i < n; i++) {
            double km = geo_distance_km(lat, lon, list[i].latitude, list[i].longitude);
            /* Ties (a city and its arrondissement share a point): the
             * arrondissement, more precise. */
            if (km < best_km || (best >= 0 && km == best_km && list[i].parent[0])) {
                best = i;
                best_km = km;
            }
        }
        if (best >= 0) *out = list[best];
        free(list);
        if (best >= 0) return 1;
    }
    return 0;
}

/* used by: geo_departement_find — by code (primary key) or by name key
 * (departement_by_name_key). */
static const char q_departement[] =
    "SELECT d.code, d.name, d.region, r.name, d.latitude, d.longitude"
    " FROM departement d JOIN region r ON r.code = d.region"
    " WHERE d.code = :code OR d.name_key = :key"
    " ORDER BY d.code = :code DESC LIMIT 1";

int geo_departement_find(db_conn *c, const char *input, geo_departement *out)
{
    char code[8] = "";
    char *key = NULL;
    geo_query_kind kind = geo_classify(input);
    if (kind == GEO_QUERY_DEPARTEMENT) {
        if (!geo_code_normalise(input, code, sizeof code)) return 0;
    } else if (kind == GEO_QUERY_TEXT) {
        char *full = geo_name_key(input);
        key = geo_key_without_article(full);
        if (key)
            free(full);
        else
            key = full;
    } else {
        return 0;
    }
    sqlite3_stmt *s = db_stmt_try(c, q_departement);
    if (!s) {
        free(key);
        return -1;
    }
    /* Bind both; the one not used binds NULL, which matches nothing. */
    bind_text(s, ":code", code, -1);
    bind_text(s, ":key", key, -1);
    int rc = sqlite3_step(s), found = 0;
    if (rc == SQLITE_ROW) {
        memset(out, 0, sizeof *out);
        copy_text(out->code, sizeof out->code, sqlite3_column_text(s, 0));
        copy_text(out->name, sizeof out->name, sqlite3_column_text(s, 1));
        copy_text(out->region, sizeof out->region, sqlite3_column_text(s, 2));
        copy_text(out->region_name, sizeof out->region_name, sqlite3_column_text(s, 3));
        out->latitude = sqlite3_column_double(s, 4);
        out->longitude = sqlite3_column_double(s, 5);
        found = 1;
    } else if (rc != SQLITE_DONE) {
        report(db_handle(c), "département query");
        found = -1;
    }
    sqlite3_reset(s);
    free(key);
    return found;
}

/* ---- former communes and close spellings ---- */

/* used by: geo_former_find — a former name's key (commune_former_key's
 * primary key), with today's commune. */
static const char q_former_by_key[] =
    "SELECT " COMMUNE_COLUMNS ", f.code, f.name"
    " FROM commune_former_key k"
    " JOIN commune_former f ON f.code = k.code AND f.insee = k.insee"
    " JOIN commune c ON c.insee = k.insee"
    " JOIN departement d ON d.code = c.departement"
    " WHERE k.key = :key"
    " ORDER BY c.population DESC, c.insee LIMIT :max";

int geo_former_find(db_conn *c, const char *input, size_t max, geo_former **out)
{
    *out = NULL;
    char *key = geo_name_key(input);
    if (!*key || max == 0) {
        free(key);
        return 0;
    }
    sqlite3_stmt *s = db_stmt_try(c, q_former_by_key);
    if (!s) {
        free(key);
        return -1;
    }
    bind_text(s, ":key", key, -1);
    bind_int(s, ":max", (int64_t)(max > INT32_MAX ? INT32_MAX : max));
    geo_former *list = NULL;
    size_t n = 0, cap = 0;
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (n == cap) list = xrealloc(list, (cap = cap ? cap * 2 : 4) * sizeof *list);
        read_commune(s, &list[n].current);
        copy_text(list[n].code, sizeof list[n].code, sqlite3_column_text(s, 10));
        copy_text(list[n].name, sizeof list[n].name, sqlite3_column_text(s, 11));
        n++;
    }
    sqlite3_reset(s);
    free(key);
    if (rc != SQLITE_DONE) {
        report(db_handle(c), "former commune query");
        free(list);
        return -1;
    }
    *out = list;
    return (int)n;
}

/* used by: geo_former_by_code — an old INSEE code (commune_former's primary
 * key), with today's commune. */
static const char q_former_by_code[] = "SELECT " COMMUNE_COLUMNS ", f.code, f.name"
                                       " FROM commune_former f"
                                       " JOIN commune c ON c.insee = f.insee"
                                       " JOIN departement d ON d.code = c.departement"
                                       " WHERE f.code = :code ORDER BY c.population DESC LIMIT 1";

int geo_former_by_code(db_conn *c, const char *code, geo_former *out)
{
    sqlite3_stmt *s = db_stmt_try(c, q_former_by_code);
    if (!s) return -1;
    bind_text(s, ":code", code, -1);
    int rc = sqlite3_step(s), found = 0;
    if (rc == SQLITE_ROW) {
        read_commune(s, &out->current);
        copy_text(out->code, sizeof out->code, sqlite3_column_text(s, 10));
        copy_text(out->name, sizeof out->name, sqlite3_column_text(s, 11));
        found = 1;
    } else if (rc != SQLITE_DONE) {
        report(db_handle(c), "former commune query");
        found = -1;
    }
    sqlite3_reset(s);
    return found;
}

int geo_edit_distance(const char *a, const char *b, int limit)
{
    size_t n = strlen(a), m = strlen(b);
    if ((n > m ? n - m : m - n) > (size_t)limit) return limit + 1;
    if (n > 64 || m > 64) return strcmp(a, b) == 0 ? 0 : limit + 1;
    /* Optimal string alignment: insertions, deletions, substitutions and
     * transpositions of two neighbours each cost 1. Three rows suffice. */
    int rows[3][65];
    int *prev2 = rows[0], *prev = rows[1], *cur = rows[2];
    for (size_t j = 0; j <= m; j++)
        prev[j] = (int)j;
    for (size_t i = 1; i <= n; i++) {
        cur[0] = (int)i;
        int best = cur[0];
        for (size_t j = 1; j <= m; j++) {
            int cost = a[i - 1] != b[j - 1];
            int v = prev[j] + 1;
            if (cur[j - 1] + 1 < v) v = cur[j - 1] + 1;
            if (prev[j - 1] + cost < v) v = prev[j - 1] + cost;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                prev2[j - 2] + 1 < v)
                v = prev2[j - 2] + 1;
            cur[j] = v;
            if (v < best) best = v;
        }
        if (best > limit) return limit + 1;
        int *t = prev2;
        prev2 = prev;
        prev = cur;
        cur = t;
    }
    return prev[m] > limit ? limit + 1 : prev[m];
}

/* used by: geo_communes_close — every key (current and former names) that
 * starts with the same letter, with today's commune: a few thousand rows,
 * read only when a name was not found at all. */
static const char q_keys_from_letter[] =
    "SELECT k.key, k.insee FROM commune_key k WHERE k.key >= :from AND k.key < :to"
    " UNION ALL SELECT f.key, f.insee FROM commune_former_key f"
    " WHERE f.key >= :from AND f.key < :to";

typedef struct close_key {
    char insee[6];
    int distance;
} close_key;

/* Most populated first: "Anecy" means Annecy before any smaller namesake. */
static int cmp_close(const void *a, const void *b)
{
    const geo_commune *x = a, *y = b;
    return (y->population > x->population) - (y->population < x->population);
}

int geo_communes_close(db_conn *c, const char *input, size_t max, geo_commune **out)
{
    *out = NULL;
    char *key = geo_name_key(input);
    size_t len = strlen(key);
    int limit = len < 4 ? 0 : len < 8 ? 1 : 2;
    if (!limit || max == 0) {
        free(key);
        return 0;
    }
    char from[2] = {key[0], '\0'}, to[2] = {(char)(key[0] + 1), '\0'};
    sqlite3_stmt *s = db_stmt_try(c, q_keys_from_letter);
    if (!s) {
        free(key);
        return -1;
    }
    bind_text(s, ":from", from, -1);
    bind_text(s, ":to", to, -1);
    close_key *found = NULL;
    size_t n = 0, cap = 0;
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        const char *k = (const char *)sqlite3_column_text(s, 0);
        const char *insee = (const char *)sqlite3_column_text(s, 1);
        if (!k || !insee) continue;
        int d = geo_edit_distance(key, k, limit);
        if (d > limit || d == 0) continue;
        size_t i = 0;
        while (i < n && strcmp(found[i].insee, insee) != 0)
            i++;
        if (i == n) {
            if (n == cap) found = xrealloc(found, (cap = cap ? cap * 2 : 16) * sizeof *found);
            copy_text(found[n].insee, sizeof found[n].insee, (const unsigned char *)insee);
            found[n++].distance = d;
        } else if (d < found[i].distance) {
            found[i].distance = d;
        }
    }
    sqlite3_reset(s);
    free(key);
    if (rc != SQLITE_DONE) {
        report(db_handle(c), "close names query");
        free(found);
        return -1;
    }
    /* The closest spellings only: one letter off beats two. */
    int best = limit + 1;
    for (size_t i = 0; i < n; i++)
        if (found[i].distance < best) best = found[i].distance;
    geo_commune *list = n ? xcalloc(n, sizeof *list) : NULL;
    size_t kept = 0;
    for (size_t i = 0; i < n; i++) {
        if (found[i].distance != best) continue;
        int r = geo_commune_by_insee(c, found[i].insee, &list[kept]);
        if (r < 0) {
            free(found);
            free(list);
            return -1;
        }
        if (r == 1) list[kept++].exact = false;
    }
    free(found);
    if (kept) qsort(list, kept, sizeof *list, cmp_close); /* list is NULL when none was close */
    if (kept > max) kept = max;
    *out = list;
    return (int)kept;
}

void geo_departement_of_postal(const char *postal, char out[4])
{
    if (strncmp(postal, "97", 2) == 0 || strncmp(postal, "98", 2) == 0)
        snprintf(out, 4, "%.3s", postal);
    else if (strncmp(postal, "20", 2) == 0)
        snprintf(out, 4, "%s", postal[2] < '2' ? "2A" : "2B");
    else
        snprintf(out, 4, "%.2s", postal);
}
