/*
 * rrule.c — RFC 5545 recurrence subset for workshops. See rrule.h.
 *
 * The walk goes period by period (a week starting on Monday, or a calendar
 * month), lists the matching local days of the period in order, and stops at
 * COUNT, UNTIL, the end of the requested window or RRULE_MAX_PERIODS,
 * whichever comes first. Days are day numbers (tz_days_from_civil), so no
 * struct tm and no process time zone are involved.
 */
#include "workshops/rrule.h"
#include "core/fr.h"
#include "core/i18n.h"
#include "core/util.h"

#include <ctype.h>
#include <strings.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const WEEKDAY_CODES[7] = {"MO", "TU", "WE", "TH", "FR", "SA", "SU"};

static bool fail(char *err, size_t errsize, const char *fmt, const char *part)
{
    if (errsize) snprintf(err, errsize, fmt, part);
    return false;
}

/* Strict decimal integer in [min, max] over the whole of s. */
static bool parse_int(const char *s, long min, long max, long *out)
{
    if (!*s) return false;
    const char *p = s;
    if (*p == '+' || *p == '-') p++;
    if (!*p) return false;
    for (const char *q = p; *q; q++)
        if (!isdigit((unsigned char)*q)) return false;
    if (strlen(p) > 9) return false;
    long v = strtol(s, NULL, 10);
    if (v < min || v > max) return false;
    *out = v;
    return true;
}

/* "20270630", "20270630T180000" or "20270630T160000Z". */
static bool parse_until(const char *s, rrule *r)
{
    size_t n = strlen(s);
    if (n != 8 && n != 15 && n != 16) return false;
    for (size_t i = 0; i < n; i++) {
        if (i == 8) {
            if (s[i] != 'T') return false;
        } else if (i == 15) {
            if (s[i] != 'Z') return false;
        } else if (!isdigit((unsigned char)s[i])) {
            return false;
        }
    }
    int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    int m = (s[4] - '0') * 10 + (s[5] - '0');
    int d = (s[6] - '0') * 10 + (s[7] - '0');
    if (y < 1970 || m < 1 || m > 12 || d < 1 || d > 31) return false;
    int64_t days = tz_days_from_civil(y, m, d);
    int cy, cm, cd;
    tz_civil_from_days(days, &cy, &cm, &cd);
    if (cm != m) return false; /* 31 February */
    int64_t secs = 86399;      /* a date alone: the whole local day is included */
    if (n > 8) {
        int hh = (s[9] - '0') * 10 + (s[10] - '0');
        int mi = (s[11] - '0') * 10 + (s[12] - '0');
        int ss = (s[13] - '0') * 10 + (s[14] - '0');
        if (hh > 23 || mi > 59 || ss > 60) return false;
        secs = hh * 3600 + mi * 60 + ss;
    }
    r->has_until = true;
    r->until_is_utc = n == 16;
    r->until = days * 86400 + secs;
    return true;
}

/* One BYDAY item: "TU", "2TU", "-1FR", "+3WE". */
static bool parse_byday_item(const char *item, rrule_byday *out)
{
    size_t n = strlen(item);
    if (n < 2 || n > 4) return false;
    const char *code = item + n - 2;
    int wd = -1;
    for (int i = 0; i < 7; i++)
        if (strcasecmp(code, WEEKDAY_CODES[i]) == 0) wd = i;
    if (wd < 0) return false;
    long ord = 0;
    if (n > 2) {
        char num[3] = {0};
        memcpy(num, item, n - 2);
        if (!parse_int(num, -5, 5, &ord) || ord == 0) return false;
    }
    out->weekday = wd;
    out->ordinal = (int)ord;
    return true;
}

bool rrule_parse(const char *text, rrule *out, char *err, size_t errsize)
{
    memset(out, 0, sizeof *out);
    out->interval = 1;
    if (errsize) err[0] = '\0';
    if (!text || !*text) return fail(err, errsize, "règle de récurrence vide%s", "");
    if (strlen(text) > RRULE_MAX_TEXT)
        return fail(err, errsize, "règle de récurrence trop longue%s", "");
    if (strncasecmp(text, "RRULE:", 6) == 0) text += 6;

    char copy[RRULE_MAX_TEXT + 1];
    snprintf(copy, sizeof copy, "%s", text);
    bool seen_freq = false, seen_count = false;
    char *save = NULL;
    for (char *part = strtok_r(copy, ";", &save); part; part = strtok_r(NULL, ";", &save)) {
        char *eq = strchr(part, '=');
        if (!eq || eq == part || !eq[1])
            return fail(err, errsize, "partie « %s » illisible (attendu NOM=VALEUR)", part);
        *eq = '\0';
        const char *name = part, *value = eq + 1;
        long v;
        if (strcasecmp(name, "FREQ") == 0) {
            if (strcasecmp(value, "WEEKLY") == 0)
                out->freq = RRULE_WEEKLY;
            else if (strcasecmp(value, "MONTHLY") == 0)
                out->freq = RRULE_MONTHLY;
            else
                return fail(err, errsize,
                            "FREQ=%s n'est pas pris en charge (seulement WEEKLY ou MONTHLY)",
                            value);
            seen_freq = true;
        } else if (strcasecmp(name, "INTERVAL") == 0) {
            if (!parse_int(value, 1, RRULE_MAX_INTERVAL, &v))
                return fail(err, errsize, "INTERVAL=%s : un entier de 1 à 99 est attendu", value);
            out->interval = (int)v;
        } else if (strcasecmp(name, "COUNT") == 0) {
            if (!parse_int(value, 1, RRULE_MAX_COUNT, &v))
                return fail(err, errsize, "COUNT=%s : un entier de 1 à 1000 est attendu", value);
            out->count = (int)v;
            seen_count = true;
        } else if (strcasecmp(name, "UNTIL") == 0) {
            if (!parse_until(value, out))
                return fail(err, errsize,
                            "UNTIL=%s : date attendue sous la forme AAAAMMJJ ou AAAAMMJJTHHMMSS(Z)",
                            value);
        } else if (strcasecmp(name, "BYDAY") == 0) {
            char days[RRULE_MAX_TEXT + 1];
            snprintf(days, sizeof days, "%s", value);
            char *save2 = NULL;
            for (char *item = strtok_r(days, ",", &save2); item;
                 item = strtok_r(NULL, ",", &save2)) {
                if (out->byday_count == RRULE_MAX_BYDAY)
                    return fail(err, errsize, "BYDAY : trop de jours%s", "");
                if (!parse_byday_item(item, &out->byday[out->byday_count]))
                    return fail(err, errsize,
                                "BYDAY : « %s » n'est pas un jour (MO, TU… éventuellement précédé "
                                "d'un rang comme 2TU ou -1FR)",
                                item);
                out->byday_count++;
            }
        } else if (strcasecmp(name, "BYMONTHDAY") == 0) {
            char days[RRULE_MAX_TEXT + 1];
            snprintf(days, sizeof days, "%s", value);
            char *save2 = NULL;
            for (char *item = strtok_r(days, ",", &save2); item;
                 item = strtok_r(NULL, ",", &save2)) {
                if (out->bymonthday_count == RRULE_MAX_BYMONTHDAY)
                    return fail(err, errsize, "BYMONTHDAY : trop de jours%s", "");
                if (!parse_int(item, -31, 31, &v) || v == 0)
                    return fail(err, errsize, "BYMONTHDAY : « %s » n'est pas un jour du mois",
                                item);
                out->bymonthday[out->bymonthday_count++] = (int)v;
            }
        } else if (strcasecmp(name, "WKST") == 0) {
            /* Weeks start on Monday here; another start would change INTERVAL>1 walks. */
            if (strcasecmp(value, "MO") != 0)
                return fail(err, errsize, "WKST=%s n'est pas pris en charge (seulement MO)", value);
        } else {
            return fail(err, errsize, "%s n'est pas pris en charge dans les récurrences d'ateliers",
                        name);
        }
    }
    if (!seen_freq) return fail(err, errsize, "FREQ manque (WEEKLY ou MONTHLY)%s", "");
    if (seen_count && out->has_until)
        return fail(err, errsize, "COUNT et UNTIL ne peuvent pas être donnés ensemble%s", "");
    if (out->freq == RRULE_WEEKLY) {
        for (size_t i = 0; i < out->byday_count; i++)
            if (out->byday[i].ordinal)
                return fail(err, errsize,
                            "BYDAY avec un rang (comme 2TU) n'a de sens qu'avec FREQ=MONTHLY%s",
                            "");
        if (out->bymonthday_count)
            return fail(err, errsize, "BYMONTHDAY n'a de sens qu'avec FREQ=MONTHLY%s", "");
    }
    return true;
}

static int cmp_int64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static int days_in_month(int year, int month)
{
    int ny = month == 12 ? year + 1 : year, nm = month == 12 ? 1 : month + 1;
    return (int)(tz_days_from_civil(ny, nm, 1) - tz_days_from_civil(year, month, 1));
}

/*
 * The matching days of the month starting on day number `first` (length
 * `len`), ascending and without duplicates, into days[] (at least 31 long).
 * `default_mday` is DTSTART's day of the month, used when the rule names
 * neither BYDAY nor BYMONTHDAY.
 */
static size_t month_days(const rrule *r, int64_t first, int len, int default_mday, int64_t *days)
{
    bool match[32] = {false};
    bool by_mday[32] = {false};
    if (r->bymonthday_count) {
        for (size_t i = 0; i < r->bymonthday_count; i++) {
            int md = r->bymonthday[i];
            if (md < 0) md = len + 1 + md;
            if (md >= 1 && md <= len) by_mday[md] = true;
        }
    }
    if (r->byday_count) {
        int wd_first = tz_weekday(first);
        for (size_t i = 0; i < r->byday_count; i++) {
            int wd = r->byday[i].weekday, ord = r->byday[i].ordinal;
            int firstday = 1 + (wd - wd_first + 7) % 7; /* first such weekday, 1-based */
            if (ord == 0) {
                for (int md = firstday; md <= len; md += 7)
                    match[md] = true;
            } else if (ord > 0) {
                int md = firstday + 7 * (ord - 1);
                if (md <= len) match[md] = true;
            } else {
                int last = firstday + 7 * ((len - firstday) / 7);
                int md = last + 7 * (ord + 1);
                if (md >= 1) match[md] = true;
            }
        }
        if (r->bymonthday_count)
            for (int md = 1; md <= len; md++)
                match[md] = match[md] && by_mday[md];
    } else if (r->bymonthday_count) {
        memcpy(match, by_mday, sizeof match);
    } else if (default_mday <= len) {
        match[default_mday] = true; /* RFC 5545: months without that day are skipped */
    }
    size_t n = 0;
    for (int md = 1; md <= len; md++)
        if (match[md]) days[n++] = first + md - 1;
    return n;
}

static bool is_exception(int64_t day, const int64_t *except_days, size_t except_count)
{
    for (size_t i = 0; i < except_count; i++)
        if (except_days[i] == day) return true;
    return false;
}

int rrule_expand(const rrule *rule, const tz_zone *zone, int64_t dtstart_local, int64_t duration,
                 const int64_t *except_days, size_t except_count, int64_t from_utc, int64_t to_utc,
                 rrule_occurrence *out, size_t max)
{
    int64_t day0 = tz_floor_div(dtstart_local, 86400);
    int64_t time_of_day = dtstart_local - day0 * 86400;
    int y0, m0, d0;
    tz_civil_from_days(day0, &y0, &m0, &d0);
    size_t written = 0;
    int seen = 0; /* occurrences generated, for COUNT */

    for (long period = 0; period < RRULE_MAX_PERIODS; period++) {
        int64_t days[32];
        size_t n = 0;
        if (rule->freq == RRULE_WEEKLY) {
            int64_t monday = day0 - tz_weekday(day0) + (int64_t)7 * rule->interval * period;
            bool wanted[7] = {false};
            if (rule->byday_count)
                for (size_t i = 0; i < rule->byday_count; i++)
                    wanted[rule->byday[i].weekday] = true;
            else
                wanted[tz_weekday(day0)] = true;
            for (int wd = 0; wd < 7; wd++)
                if (wanted[wd]) days[n++] = monday + wd;
        } else {
            long month_index = (long)y0 * 12 + (m0 - 1) + (long)rule->interval * period;
            int year = (int)(month_index / 12), month = (int)(month_index % 12) + 1;
            n = month_days(rule, tz_days_from_civil(year, month, 1), days_in_month(year, month), d0,
                           days);
        }
        qsort(days, n, sizeof days[0], cmp_int64);
        for (size_t i = 0; i < n; i++) {
            if (days[i] < day0) continue;
            int64_t local = days[i] * 86400 + time_of_day;
            int64_t start = tz_local_to_utc(zone, local);
            if (rule->has_until && (rule->until_is_utc ? start : local) > rule->until)
                return (int)written;
            if (rule->count && seen >= rule->count) return (int)written;
            seen++;
            if (start >= to_utc) return (int)written;
            if (start < from_utc || is_exception(days[i], except_days, except_count)) continue;
            if (written == max) return -1;
            out[written].start = start;
            out[written].end = tz_local_to_utc(zone, local + duration);
            written++;
        }
    }
    return (int)written;
}

/* ---- in words ---- */

/* "premier", "deuxième"…, "dernier", "avant-dernier" (weekdays are masculine). */
static void ordinal_words(buf *out, int ordinal)
{
    static const char *const FROM_START[5] = {N_("premier"), N_("deuxième"), N_("troisième"),
                                              N_("quatrième"), N_("cinquième")};
    if (ordinal == -1)
        buf_puts(out, _("dernier"));
    else if (ordinal == -2)
        buf_puts(out, _("avant-dernier"));
    else if (ordinal < 0 && -ordinal <= 5)
        /* TRANSLATORS: "troisième en partant de la fin" (a weekday of the month). */
        buf_printf(out, _("%s en partant de la fin"), gettext(FROM_START[-ordinal - 1]));
    else if (ordinal >= 1 && ordinal <= 5)
        buf_puts(out, gettext(FROM_START[ordinal - 1]));
}

/* Separator before item i of n in a list read aloud: "", ", ", " et ". */
static const char *list_separator(size_t i, size_t n)
{
    return i == 0 ? "" : i + 1 == n ? _(" et ") : ", ";
}

/* The weekdays of a weekly rule (or of a monthly one without ordinals),
 * each after `article` ("" or "le "): "mardi et jeudi", "le mardi et le jeudi". */
static void weekdays_words(buf *out, const rrule *rule, int64_t first_day, const char *article)
{
    bool wanted[7] = {false};
    size_t n = 0;
    for (size_t i = 0; i < rule->byday_count; i++)
        wanted[rule->byday[i].weekday] = true;
    if (!rule->byday_count) wanted[tz_weekday(first_day)] = true;
    for (int wd = 0; wd < 7; wd++)
        n += wanted[wd];
    size_t i = 0;
    for (int wd = 0; wd < 7; wd++)
        if (wanted[wd])
            buf_printf(out, "%s%s%s", list_separator(i++, n), article, gettext(FR_WEEKDAYS[wd]));
}

/* ", une semaine sur deux", ", tous les 3 mois"; nothing for an interval of 1. */
static void interval_words(buf *out, const rrule *rule)
{
    bool weekly = rule->freq == RRULE_WEEKLY;
    if (rule->interval == 2)
        buf_puts(out, weekly ? _(", une semaine sur deux") : _(", un mois sur deux"));
    else if (rule->interval > 2)
        buf_printf(out, weekly ? _(", toutes les %d semaines") : _(", tous les %d mois"),
                   rule->interval);
}

void rrule_describe(buf *out, const rrule *rule, int64_t first_day)
{
    bool every = rule->interval <= 1;
    bool ordinals = false;
    for (size_t i = 0; i < rule->byday_count; i++)
        ordinals = ordinals || rule->byday[i].ordinal != 0;
    if (rule->freq == RRULE_WEEKLY || (rule->byday_count && !ordinals)) {
        if (every) {
            buf_puts(out, _("chaque "));
            weekdays_words(out, rule, first_day, "");
        } else {
            weekdays_words(out, rule, first_day, _("le "));
        }
    } else if (rule->byday_count) {
        /* "chaque premier mercredi et troisième vendredi du mois" */
        buf_puts(out, every ? _("chaque ") : rule->byday[0].ordinal == -2 ? _("l'") : _("le "));
        for (size_t i = 0; i < rule->byday_count; i++) {
            buf_puts(out, list_separator(i, rule->byday_count));
            ordinal_words(out, rule->byday[i].ordinal);
            buf_printf(out, " %s", gettext(FR_WEEKDAYS[rule->byday[i].weekday]));
        }
        buf_puts(out, _(" du mois"));
    } else {
        /* "le 1er et le 15 de chaque mois", "le dernier jour du mois" */
        int first_of_month;
        int y, m;
        tz_civil_from_days(first_day, &y, &m, &first_of_month);
        size_t n = rule->bymonthday_count ? rule->bymonthday_count : 1;
        for (size_t i = 0; i < n; i++) {
            int d = rule->bymonthday_count ? rule->bymonthday[i] : first_of_month;
            buf_puts(out, list_separator(i, n));
            if (d == 1)
                buf_puts(out, _("le 1er"));
            else if (d == -1)
                buf_puts(out, _("le dernier jour"));
            else if (d == -2)
                buf_puts(out, _("l'avant-dernier jour"));
            else if (d < 0)
                /* TRANSLATORS: a day of the month counted from its end: "le 3e jour en partant de
                 * la fin". */
                buf_printf(out, _("le %de jour en partant de la fin"), -d);
            else
                buf_printf(out, _("le %d"), d);
        }
        buf_puts(out, every ? _(" de chaque mois") : _(" du mois"));
    }
    interval_words(out, rule);
}
