/*
 * tz.c — TZif reader, POSIX TZ rules, civil-date arithmetic. See tz.h.
 *
 * Format reference: RFC 8536 (TZif versions 1-4). Only the 64-bit (version
 * 2+) data block and the footer are used when present; leap-second records
 * are skipped (the zones we load do not carry them).
 */
#include "hours/tz.h"
#include "core/util.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Where tzdata installs the compiled zones. */
#define TZ_DIR "/usr/share/zoneinfo/"
/* Zone files are a few kB; anything larger is not a zone. */
#define TZ_MAX_FILE (1024 * 1024)
#define TZ_MAX_NAME 100

/* One transition rule of a POSIX TZ string: Mm.w.d, Jn or n, plus a time. */
typedef struct posix_rule {
    char kind;                /* 'M', 'J' (1-365, no Feb 29) or 'D' (0-365, zero-based) */
    int month, week, weekday; /* for 'M'; weekday 0 = Sunday */
    int day;                  /* for 'J' and 'D' */
    int32_t time;             /* seconds after local midnight, may be < 0 or > 24 h */
} posix_rule;

typedef struct posix_tz {
    int32_t std_offset; /* seconds east of UTC */
    int32_t dst_offset;
    bool has_dst;
    posix_rule start, end;
} posix_tz;

struct tz_zone {
    char *name;
    int64_t *transitions; /* UTC instants, ascending */
    uint8_t *transition_type;
    size_t transition_count;
    int32_t *type_offset;
    size_t type_count;
    bool has_posix;
    posix_tz posix;
};

/* ---- civil dates (Howard Hinnant's algorithms, proleptic Gregorian) ---- */

int64_t tz_floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0))) q--;
    return q;
}

int64_t tz_days_from_civil(int year, int month, int day)
{
    int64_t y = (int64_t)year - (month <= 2);
    int64_t era = tz_floor_div(y, 400);
    int64_t yoe = y - era * 400;
    int64_t mp = (month + 9) % 12;
    int64_t doy = (153 * mp + 2) / 5 + day - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void tz_civil_from_days(int64_t days, int *year, int *month, int *day)
{
    int64_t z = days + 719468;
    int64_t era = tz_floor_div(z, 146097);
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int d = (int)(doy - (153 * mp + 2) / 5 + 1);
    int m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *year = (int)(yoe + era * 400 + (m <= 2));
    *month = m;
    *day = d;
}

int tz_weekday(int64_t days)
{
    /* 1970-01-01 was a Thursday (3 when Monday is 0). */
    return (int)(((days % 7) + 7 + 3) % 7);
}

/* ---- POSIX TZ strings ---- */

/* Parse [+-]hh[:mm[:ss]] with hours up to max_hours; returns the end or NULL. */
static const char *parse_posix_time(const char *p, int max_hours, int32_t *out)
{
    int sign = 1;
    if (*p == '+' || *p == '-') sign = *p++ == '-' ? -1 : 1;
    if (*p < '0' || *p > '9') return NULL;
    int h = 0, m = 0, s = 0;
    while (*p >= '0' && *p <= '9') {
        h = h * 10 + (*p++ - '0');
        if (h > max_hours) return NULL;
    }
    if (*p == ':') {
        p++;
        if (p[0] < '0' || p[0] > '5' || p[1] < '0' || p[1] > '9') return NULL;
        m = (p[0] - '0') * 10 + (p[1] - '0');
        p += 2;
        if (*p == ':') {
            p++;
            if (p[0] < '0' || p[0] > '5' || p[1] < '0' || p[1] > '9') return NULL;
            s = (p[0] - '0') * 10 + (p[1] - '0');
            p += 2;
        }
    }
    *out = sign * (h * 3600 + m * 60 + s);
    return p;
}

/* Zone abbreviation: alphabetic, or anything but '>' between '<' and '>'. */
static const char *parse_posix_name(const char *p)
{
    const char *start = p;
    if (*p == '<') {
        while (*p && *p != '>')
            p++;
        return *p == '>' && p - start >= 4 ? p + 1 : NULL;
    }
    while ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z'))
        p++;
    return p - start >= 3 ? p : NULL;
}

static int parse_posix_int(const char **p, int min, int max)
{
    const char *s = *p;
    int v = 0;
    if (*s < '0' || *s > '9') return -1;
    while (*s >= '0' && *s <= '9') {
        v = v * 10 + (*s++ - '0');
        if (v > max) return -1;
    }
    *p = s;
    return v < min ? -1 : v;
}

static const char *parse_posix_rule(const char *p, posix_rule *r)
{
    if (*p == 'M') {
        p++;
        r->kind = 'M';
        if ((r->month = parse_posix_int(&p, 1, 12)) < 0 || *p++ != '.') return NULL;
        if ((r->week = parse_posix_int(&p, 1, 5)) < 0 || *p++ != '.') return NULL;
        if ((r->weekday = parse_posix_int(&p, 0, 6)) < 0) return NULL;
    } else if (*p == 'J') {
        p++;
        r->kind = 'J';
        if ((r->day = parse_posix_int(&p, 1, 365)) < 0) return NULL;
    } else {
        r->kind = 'D';
        if ((r->day = parse_posix_int(&p, 0, 365)) < 0) return NULL;
    }
    r->time = 2 * 3600;
    if (*p == '/') p = parse_posix_time(p + 1, 167, &r->time);
    return p;
}

static bool parse_posix(const char *s, posix_tz *tz)
{
    int32_t west;
    const char *p = parse_posix_name(s);
    if (!p || !(p = parse_posix_time(p, 24, &west))) return false;
    tz->std_offset = -west;
    tz->has_dst = false;
    if (*p == '\0') return true;
    if (!(p = parse_posix_name(p))) return false;
    tz->has_dst = true;
    tz->dst_offset = tz->std_offset + 3600;
    if (*p && *p != ',') {
        if (!(p = parse_posix_time(p, 24, &west))) return false;
        tz->dst_offset = -west;
    }
    if (*p == '\0') /* POSIX default: the US rules */
        p = ",M3.2.0,M11.1.0";
    if (*p++ != ',' || !(p = parse_posix_rule(p, &tz->start))) return false;
    if (*p++ != ',' || !(p = parse_posix_rule(p, &tz->end))) return false;
    return *p == '\0';
}

/* Day number of a rule's date in a given year. */
static int64_t posix_rule_day(const posix_rule *r, int year)
{
    int64_t jan1 = tz_days_from_civil(year, 1, 1);
    if (r->kind == 'J') return jan1 + r->day - 1 + (calendar_leap_year(year) && r->day >= 60);
    if (r->kind == 'D') return jan1 + r->day;
    int64_t first = tz_days_from_civil(year, r->month, 1);
    int first_sunday_based = (tz_weekday(first) + 1) % 7; /* 0 = Sunday */
    int day = 1 + (r->weekday - first_sunday_based + 7) % 7 + (r->week - 1) * 7;
    while (day > calendar_days_in_month(year, r->month))
        day -= 7;
    return first + day - 1;
}

static int32_t posix_offset_at(const posix_tz *tz, int64_t utc)
{
    if (!tz->has_dst) return tz->std_offset;
    int year, month, day;
    tz_civil_from_days(tz_floor_div(utc + tz->std_offset, 86400), &year, &month, &day);
    /* The start rule's time is in standard time, the end rule's in daylight time. */
    int64_t start = posix_rule_day(&tz->start, year) * 86400 + tz->start.time - tz->std_offset;
    int64_t end = posix_rule_day(&tz->end, year) * 86400 + tz->end.time - tz->dst_offset;
    bool dst = start < end ? (utc >= start && utc < end) : !(utc >= end && utc < start);
    return dst ? tz->dst_offset : tz->std_offset;
}

/* ---- TZif ---- */

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t be64(const unsigned char *p)
{
    return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

static void zone_clear(tz_zone *z)
{
    free(z->transitions);
    free(z->transition_type);
    free(z->type_offset);
    z->transitions = NULL;
    z->transition_type = NULL;
    z->type_offset = NULL;
}

/*
 * Parse a TZif image into z. Returns false on any inconsistency: a truncated
 * or corrupt file must not yield a plausible-looking wrong offset.
 */
static bool parse_tzif(const unsigned char *data, size_t len, tz_zone *z)
{
    if (len < 44 || memcmp(data, "TZif", 4) != 0) return false;
    char version = (char)data[4];
    size_t pos = 0;
    int time_size = 4;
    for (int pass = 0; pass < 2; pass++) {
        if (len - pos < 44 || memcmp(data + pos, "TZif", 4) != 0) return false;
        const unsigned char *h = data + pos + 20;
        size_t isutcnt = be32(h), isstdcnt = be32(h + 4), leapcnt = be32(h + 8);
        size_t timecnt = be32(h + 12), typecnt = be32(h + 16), charcnt = be32(h + 20);
        if (timecnt > 100000 || typecnt == 0 || typecnt > 256 || charcnt > 100000 ||
            leapcnt > 1000 || isutcnt > 256 || isstdcnt > 256)
            return false;
        size_t body = timecnt * (size_t)time_size + timecnt + typecnt * 6 + charcnt +
                      leapcnt * (size_t)(time_size + 4) + isstdcnt + isutcnt;
        pos += 44;
        if (len - pos < body) return false;
        if (pass == 0 && version >= '2') { /* skip the 32-bit block, read the 64-bit one */
            pos += body;
            time_size = 8;
            continue;
        }
        const unsigned char *p = data + pos;
        z->transitions = xcalloc(timecnt ? timecnt : 1, sizeof *z->transitions);
        z->transition_type = xcalloc(timecnt ? timecnt : 1, 1);
        z->type_offset = xcalloc(typecnt, sizeof *z->type_offset);
        z->transition_count = timecnt;
        z->type_count = typecnt;
        for (size_t i = 0; i < timecnt; i++, p += time_size) {
            z->transitions[i] = time_size == 8 ? be64(p) : (int32_t)be32(p);
            if (i > 0 && z->transitions[i] <= z->transitions[i - 1]) return false;
        }
        for (size_t i = 0; i < timecnt; i++) {
            z->transition_type[i] = *p++;
            if (z->transition_type[i] >= typecnt) return false;
        }
        for (size_t i = 0; i < typecnt; i++, p += 6) {
            z->type_offset[i] = (int32_t)be32(p);
            if (z->type_offset[i] < -25 * 3600 || z->type_offset[i] > 26 * 3600) return false;
        }
        pos += body;
        break;
    }
    if (version < '2') return true;
    /* Footer: "\n" POSIX-TZ "\n"; an empty string means "no rule". */
    if (pos >= len || data[pos] != '\n') return false;
    const unsigned char *start = data + pos + 1;
    const unsigned char *nl = memchr(start, '\n', len - pos - 1);
    if (!nl) return false;
    if (nl == start) return true;
    char *footer = xstrndup((const char *)start, (size_t)(nl - start));
    z->has_posix = parse_posix(footer, &z->posix);
    free(footer);
    return z->has_posix;
}

static bool valid_zone_name(const char *name)
{
    size_t n = strlen(name);
    if (n == 0 || n > TZ_MAX_NAME || name[0] == '/' || strstr(name, "..")) return false;
    for (const char *p = name; *p; p++) {
        char c = *p;
        bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                  c == '/' || c == '_' || c == '-' || c == '+';
        if (!ok) return false;
    }
    return true;
}

tz_zone *tz_zone_load(const char *name)
{
    if (!valid_zone_name(name)) return NULL;
    char *path = xasprintf("%s%s", TZ_DIR, name);
    FILE *f = fopen(path, "rb");
    free(path);
    if (!f) return NULL;
    unsigned char *data = xmalloc(TZ_MAX_FILE);
    size_t len = fread(data, 1, TZ_MAX_FILE, f);
    bool complete = feof(f) && !ferror(f);
    fclose(f);
    tz_zone *z = xcalloc(1, sizeof *z);
    if (!complete || !parse_tzif(data, len, z)) {
        free(data);
        zone_clear(z);
        free(z);
        return NULL;
    }
    free(data);
    z->name = xstrdup(name);
    return z;
}

tz_zone *tz_zone_from_posix(const char *posix)
{
    tz_zone *z = xcalloc(1, sizeof *z);
    if (!parse_posix(posix, &z->posix)) {
        free(z);
        return NULL;
    }
    z->has_posix = true;
    z->name = xstrdup(posix);
    return z;
}

void tz_zone_free(tz_zone *zone)
{
    if (!zone) return;
    zone_clear(zone);
    free(zone->name);
    free(zone);
}

int32_t tz_offset_at(const tz_zone *z, int64_t utc)
{
    size_t n = z->transition_count;
    if (n == 0 || utc < z->transitions[0]) {
        if (n == 0 && z->has_posix) return posix_offset_at(&z->posix, utc);
        return z->type_offset ? z->type_offset[0] : z->posix.std_offset;
    }
    if (utc >= z->transitions[n - 1] && z->has_posix) return posix_offset_at(&z->posix, utc);
    /* Last transition at or before utc. */
    size_t lo = 0, hi = n;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (z->transitions[mid] <= utc)
            lo = mid;
        else
            hi = mid;
    }
    return z->type_offset[z->transition_type[lo]];
}

int64_t tz_utc_to_local(const tz_zone *zone, int64_t utc)
{
    return utc + tz_offset_at(zone, utc);
}

int64_t tz_local_to_utc(const tz_zone *zone, int64_t local)
{
    /*
     * The offsets in force a day before and a day after are the only
     * candidates (zones never change twice within two days). A candidate is
     * right when the instant it yields really has that offset.
     */
    int32_t before = tz_offset_at(zone, local - 86400);
    int32_t after = tz_offset_at(zone, local + 86400);
    int64_t t_before = local - before, t_after = local - after;
    bool ok_before = tz_offset_at(zone, t_before) == before;
    bool ok_after = tz_offset_at(zone, t_after) == after;
    if (ok_before && ok_after) return t_before < t_after ? t_before : t_after;
    if (ok_before) return t_before;
    if (ok_after) return t_after;
    /* In a gap: the jump happens in [t_after, t_before]; find its first instant. */
    int64_t lo = t_after, hi = t_before;
    while (lo < hi) {
        int64_t mid = lo + (hi - lo) / 2;
        if (tz_offset_at(zone, mid) == after)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

/* ---- the cache ---- */

typedef struct cache_entry {
    struct cache_entry *next;
    tz_zone *zone;
} cache_entry;

/* Process-wide, guarded by cache_lock; entries are immutable and never removed before shutdown. */
static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static cache_entry *cache_head;

const tz_zone *tz_zone_get(const char *name)
{
    pthread_mutex_lock(&cache_lock);
    const tz_zone *found = NULL;
    for (cache_entry *e = cache_head; e; e = e->next)
        if (strcmp(e->zone->name, name) == 0) found = e->zone;
    if (!found) {
        tz_zone *z = tz_zone_load(name);
        if (z) {
            cache_entry *e = xmalloc(sizeof *e);
            e->zone = z;
            e->next = cache_head;
            cache_head = e;
            found = z;
        }
    }
    pthread_mutex_unlock(&cache_lock);
    return found;
}

void tz_cache_free(void)
{
    pthread_mutex_lock(&cache_lock);
    while (cache_head) {
        cache_entry *e = cache_head;
        cache_head = e->next;
        tz_zone_free(e->zone);
        free(e);
    }
    pthread_mutex_unlock(&cache_lock);
}
