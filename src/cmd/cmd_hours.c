/*
 * cmd_hours.c — `repere hours`: parse an opening_hours value and print its
 * canonical form, the open intervals of one week and, optionally, the state
 * at an instant. Used by people checking a value and by the oracle test
 * (tests/oracle/hours-oracle.js), so the output format is fixed: see
 * docs/hours.md.
 */
#include "cmd/cmd.h"
#include "hours/hours.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A week cannot hold more intervals than it has minutes. */
#define CMD_MAX_INTERVALS (7 * 1440)

static int usage(void)
{
    fputs("usage: repere hours 'EXPR' [--at AAAA-MM-JJTHH:MM] [--week AAAA-MM-JJ]\n"
          "                          [--tz Europe/Paris] [--departement 73]\n"
          "                          [--lat 45.76 --lon 4.84]\n"
          "       repere hours --batch [--tz …] [--departement …] [--lat … --lon …]\n"
          "                            < lignes « AAAA-MM-JJ EXPR »\n",
          stderr);
    return 64;
}

/* "2026-12-24" → day number; false when malformed. */
static bool parse_date_arg(const char *s, int64_t *days, const char **rest)
{
    int y, m, d, n = 0;
    if (sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 || n != 10) return false;
    if (m < 1 || m > 12 || d < 1 || d > 31) return false;
    int64_t v = tz_days_from_civil(y, m, d);
    int cy, cm, cd;
    tz_civil_from_days(v, &cy, &cm, &cd);
    if (cd != d) return false; /* 2026-02-30 */
    *days = v;
    if (rest) *rest = s + n;
    return true;
}

/* "2026-12-24T10:00" → local seconds. */
static bool parse_at_arg(const char *s, int64_t *local)
{
    int64_t days;
    const char *rest;
    int h, min, n = 0;
    if (!parse_date_arg(s, &days, &rest)) return false;
    if (sscanf(rest, "T%2d:%2d%n", &h, &min, &n) != 2 || rest[n] != '\0') return false;
    if (h > 23 || min > 59) return false;
    *local = days * 86400 + h * 3600 + min * 60;
    return true;
}

static void print_local(int64_t local)
{
    int y, m, d;
    int64_t days = tz_floor_div(local, 86400);
    int secs = (int)(local - days * 86400);
    tz_civil_from_days(days, &y, &m, &d);
    printf("%04d-%02d-%02dT%02d:%02d", y, m, d, secs / 3600, secs / 60 % 60);
}

/* One interval in local time, one line per local day it touches. */
static void print_interval(const hours_context *ctx, const hours_interval *iv)
{
    int64_t start = tz_utc_to_local(ctx->zone, iv->start);
    int64_t end = tz_utc_to_local(ctx->zone, iv->end);
    do {
        int64_t midnight = (tz_floor_div(start, 86400) + 1) * 86400;
        int64_t stop = end < midnight ? end : midnight;
        print_local(start);
        if (stop == midnight)
            printf("/24:00");
        else
            printf("/%02d:%02d", (int)(stop % 86400) / 3600, (int)(stop % 86400) / 60 % 60);
        puts(iv->unknown ? " unknown" : "");
        start = stop;
    } while (start < end);
}

/* The canonical form, then the open intervals of the week starting on the
   Monday week_day (local day number). */
static void print_week(const hours_schedule *s, const hours_context *ctx, int64_t week_day)
{
    char *canonical = hours_normalise(s);
    puts(canonical);
    free(canonical);

    hours_interval *intervals = xcalloc(CMD_MAX_INTERVALS, sizeof *intervals);
    int64_t from = tz_local_to_utc(ctx->zone, week_day * 86400);
    int64_t to = tz_local_to_utc(ctx->zone, (week_day + 7) * 86400);
    int n = hours_intervals(s, ctx, from, to, intervals, CMD_MAX_INTERVALS);
    for (int i = 0; i < n; i++)
        print_interval(ctx, &intervals[i]);
    free(intervals);
}

/*
 * --batch: one "YYYY-MM-DD EXPR" a line on stdin (any date of the week), and
 * for each, what a single run prints (canonical form and intervals) or
 * "erreur: …", then a line "--". One process for a whole list: the oracle
 * checks hundreds of expressions this way.
 */
static int run_batch(const hours_context *ctx)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    while ((len = getline(&line, &cap, stdin)) > 0) {
        if (line[len - 1] == '\n') line[--len] = '\0';
        int64_t week_day;
        const char *rest;
        if (!parse_date_arg(line, &week_day, &rest) || *rest != ' ') {
            puts("erreur: ligne « AAAA-MM-JJ EXPR » attendue");
        } else {
            week_day -= tz_weekday(week_day);
            hours_error err;
            hours_schedule *s = hours_parse(rest + 1, &err);
            if (s) {
                print_week(s, ctx, week_day);
                hours_free(s);
            } else {
                printf("erreur: %s\n", err.message);
            }
        }
        puts("--");
    }
    free(line);
    return 0;
}

static const char *state_name(const hours_schedule *s, const hours_context *ctx, int64_t t)
{
    switch (hours_state_at(s, ctx, t, NULL)) {
    case HOURS_OPEN:
        return "open";
    case HOURS_UNKNOWN:
        return "unknown";
    default:
        return "closed";
    }
}

int cmd_hours(int argc, char **argv)
{
    const char *expr = NULL, *at = NULL, *week = NULL, *zone = NULL, *dep = NULL, *lat = NULL,
               *lon = NULL;
    bool batch = false;
    for (int i = 1; i < argc; i++) {
        const char **slot = NULL;
        if (strcmp(argv[i], "--batch") == 0)
            batch = true;
        else if (strcmp(argv[i], "--at") == 0)
            slot = &at;
        else if (strcmp(argv[i], "--week") == 0)
            slot = &week;
        else if (strcmp(argv[i], "--tz") == 0)
            slot = &zone;
        else if (strcmp(argv[i], "--departement") == 0)
            slot = &dep;
        else if (strcmp(argv[i], "--lat") == 0)
            slot = &lat;
        else if (strcmp(argv[i], "--lon") == 0)
            slot = &lon;
        else if (argv[i][0] == '-' && argv[i][1] == '-')
            return usage();
        else if (expr)
            return usage();
        else
            expr = argv[i];
        if (slot) {
            if (i + 1 >= argc) return usage();
            *slot = argv[++i];
        }
    }
    if (batch ? (expr || at || week) : !expr) return usage();
    if (!lat != !lon) return usage();

    hours_context ctx;
    if (hours_context_init(&ctx, dep, zone) != 0) {
        fprintf(stderr, "erreur: fuseau horaire ou département inconnu\n");
        return 64;
    }
    /* The rules exactly as written, as opening_hours.js reads them: this
     * output is what the oracle compares (docs/hours.md). Pages read an
     * unmentioned public holiday as unknown instead. */
    ctx.literal = true;
    if (lat) { /* for sunrise, sunset, dawn, dusk */
        char *lat_end, *lon_end;
        double latitude = strtod(lat, &lat_end), longitude = strtod(lon, &lon_end);
        hours_context_set_position(&ctx, latitude, longitude);
        if (*lat_end || *lon_end || !ctx.has_position) {
            fprintf(stderr, "erreur: position invalide (--lat et --lon en degrés décimaux)\n");
            return 64;
        }
    }
    if (batch) return run_batch(&ctx);
    int64_t at_local = 0, week_day;
    if (at && !parse_at_arg(at, &at_local)) return usage();
    if (week) {
        if (!parse_date_arg(week, &week_day, NULL)) return usage();
    } else {
        week_day = tz_floor_div(tz_utc_to_local(ctx.zone, now_utc()), 86400);
    }
    week_day -= tz_weekday(week_day); /* back to Monday */

    hours_error err;
    hours_schedule *s = hours_parse(expr, &err);
    if (!s) {
        fprintf(stderr, "erreur: %s\n", err.message);
        return 2;
    }
    print_week(s, &ctx, week_day);
    if (hours_tolerated(s)) { /* as the importer reports it (not in --batch, for machines) */
        char *canonical = hours_normalise(s);
        fprintf(stderr, "avertissement: horaires réécrits en syntaxe OpenStreetMap : « %s »\n",
                canonical);
        free(canonical);
    }

    if (at) {
        int64_t t = tz_local_to_utc(ctx.zone, at_local);
        puts(state_name(s, &ctx, t));
        int64_t change = hours_next_change(s, &ctx, t, NULL);
        if (change < 0) {
            puts("next never");
        } else {
            printf("next ");
            print_local(tz_utc_to_local(ctx.zone, change));
            printf(" %s\n", state_name(s, &ctx, change));
        }
    }
    hours_free(s);
    return 0;
}
