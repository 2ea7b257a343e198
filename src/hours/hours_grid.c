/*
 * hours_grid.c — weekly grid ↔ opening_hours; see admin_hours.h.
 */
#include "hours/hours_grid.h"
#include "hours/hours.h"
#include "core/i18n.h"
#include "core/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const CODES[7] = {"Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"};

const char *admin_hours_day_code(int d)
{
    return d >= 0 && d < 7 ? CODES[d] : "";
}

static int day_index(const char *s)
{
    for (int d = 0; d < 7; d++)
        if (strncmp(s, CODES[d], 2) == 0) return d;
    return -1;
}

/* "HH:MM" → minutes, -1 when malformed. Allows 24:00. */
static int minutes(const char *t)
{
    if (strlen(t) != 5 || t[2] != ':') return -1;
    for (int i = 0; i < 5; i++)
        if (i != 2 && (t[i] < '0' || t[i] > '9')) return -1;
    int h = (t[0] - '0') * 10 + (t[1] - '0'), m = (t[3] - '0') * 10 + (t[4] - '0');
    if (h > 24 || m > 59 || (h == 24 && m != 0)) return -1;
    return h * 60 + m;
}

/* Parse one canonical rule into the days it names and their ranges. */
static bool parse_rule(const char *rule, admin_hours_grid *g)
{
    if (strcmp(rule, "PH off") == 0) {
        g->ph_off = true;
        return true;
    }
    const char *space = strchr(rule, ' ');
    if (!space) return false;
    bool days[7] = {0};
    const char *p = rule;
    while (p < space) {
        int a = day_index(p);
        if (a < 0) return false;
        int b = a;
        p += 2;
        if (*p == '-') {
            b = day_index(p + 1);
            if (b < 0) return false;
            p += 3;
        }
        if (b < a) return false;
        for (int d = a; d <= b; d++)
            days[d] = true;
        if (*p == ',')
            p++;
        else if (p != space)
            return false;
    }
    const char *times = space + 1;
    admin_hours_range ranges[ADMIN_HOURS_RANGES];
    memset(ranges, 0, sizeof ranges);
    int n = 0;
    if (strcmp(times, "off") != 0 && strcmp(times, "closed") != 0) {
        const char *t = times;
        for (;;) {
            if (n == ADMIN_HOURS_RANGES || strlen(t) < 11 || t[5] != '-') return false;
            char from[6], to[6];
            memcpy(from, t, 5), from[5] = '\0';
            memcpy(to, t + 6, 5), to[5] = '\0';
            int f = minutes(from), e = minutes(to);
            if (f < 0 || e < 0 || e <= f) return false;
            memcpy(ranges[n].from, from, 6);
            memcpy(ranges[n].to, to, 6);
            n++;
            t += 11;
            if (*t == '\0') break;
            if (*t != ',') return false;
            t++;
        }
    }
    /* A later rule replaces earlier ones for the days it names. */
    for (int d = 0; d < 7; d++)
        if (days[d]) memcpy(g->day[d], ranges, sizeof ranges);
    return true;
}

bool admin_hours_from_expr(const char *expr, admin_hours_grid *g)
{
    memset(g, 0, sizeof *g);
    if (!expr || !*expr) return true;
    hours_schedule *s = hours_parse(expr, NULL);
    if (!s) return false;
    char *canon = hours_normalise(s);
    hours_free(s);
    if (!canon) return false;
    bool ok = true;
    char *save = NULL;
    for (char *rule = strtok_r(canon, ";", &save); ok && rule; rule = strtok_r(NULL, ";", &save))
        ok = parse_rule(str_trim(rule), g);
    free(canon);
    if (!ok) memset(g, 0, sizeof *g);
    return ok;
}

static void day_key(const admin_hours_grid *g, int d, buf *out)
{
    for (int i = 0; i < ADMIN_HOURS_RANGES; i++) {
        const admin_hours_range *r = &g->day[d][i];
        if (!r->from[0]) continue;
        if (out->len) buf_putc(out, ',');
        buf_printf(out, "%s-%s", r->from, r->to);
    }
}

char *admin_hours_to_expr(const admin_hours_grid *g)
{
    buf keys[7] = {{0}};
    for (int d = 0; d < 7; d++)
        day_key(g, d, &keys[d]);
    bool done[7] = {0};
    buf out = {0};
    for (int d = 0; d < 7; d++) {
        if (done[d] || !keys[d].len) continue;
        bool same[7] = {0};
        for (int e = d; e < 7; e++)
            if (keys[e].len && strcmp(keys[e].data, keys[d].data) == 0) same[e] = done[e] = true;
        if (out.len) buf_puts(&out, "; ");
        bool first = true;
        for (int e = 0; e < 7;) {
            if (!same[e]) {
                e++;
                continue;
            }
            int end = e;
            while (end + 1 < 7 && same[end + 1])
                end++;
            if (!first) buf_putc(&out, ',');
            first = false;
            if (end == e)
                buf_puts(&out, CODES[e]);
            else
                buf_printf(&out, "%s%s%s", CODES[e], end == e + 1 ? "," : "-", CODES[end]);
            e = end + 1;
        }
        buf_printf(&out, " %s", keys[d].data);
    }
    for (int d = 0; d < 7; d++)
        buf_free(&keys[d]);
    if (!out.len) return NULL;
    if (g->ph_off) buf_puts(&out, "; PH off");
    return buf_steal(&out);
}

const char *admin_hours_check_range(const admin_hours_range *r, const char *previous_to)
{
    if (!r->from[0] && !r->to[0]) return NULL;
    if (!r->from[0] || !r->to[0]) return _("Indiquez l'heure d'ouverture et l'heure de fermeture.");
    int f = minutes(r->from), t = minutes(r->to);
    if (f < 0 || t < 0) return _("Heure invalide : écrivez-la sous la forme 09:30.");
    if (t <= f) return _("L'heure de fermeture doit suivre l'heure d'ouverture.");
    if (previous_to && previous_to[0] && minutes(previous_to) >= 0 && f < minutes(previous_to))
        return _("Cette plage chevauche la précédente : mettez les plages dans l'ordre de la "
                 "journée.");
    return NULL;
}
