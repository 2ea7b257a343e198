/*
 * closure.c — see closure.h.
 */
#include "places/closure.h"
#include "core/fr.h"
#include "core/i18n.h"
#include "hours/tz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const OSM_MONTHS[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                           "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

/* Used by: closures_load (place page, exports, search index). */
static const char Q_CLOSURES[] =
    "SELECT starts_on, ends_on, hours, message FROM place_closure"
    " WHERE place_id = :place AND ends_on >= :today ORDER BY starts_on, id";

size_t closures_load(db_conn *c, int64_t place_id, const char *today, closure *out, size_t max)
{
    sqlite3_stmt *s = db_stmt(c, Q_CLOSURES);
    db_bind_int(s, ":place", place_id);
    db_bind_text(s, ":today", today);
    size_t n = 0;
    while (n < max && sqlite3_step(s) == SQLITE_ROW) {
        closure *cl = &out[n++];
        memset(cl, 0, sizeof *cl);
        snprintf(cl->starts_on, sizeof cl->starts_on, "%s", db_col_text(s, 0));
        snprintf(cl->ends_on, sizeof cl->ends_on, "%s", db_col_text(s, 1));
        if (db_col_text(s, 2)) cl->hours = xstrdup(db_col_text(s, 2));
        if (db_col_text(s, 3)) cl->message = xstrdup(db_col_text(s, 3));
    }
    sqlite3_reset(s);
    return n;
}

void closure_clear(closure *cl)
{
    free(cl->hours);
    free(cl->message);
    cl->hours = cl->message = NULL;
}

bool closure_rule(buf *out, const closure *cl)
{
    int y1, m1, d1, y2, m2, d2;
    if (!fr_parse_date(cl->starts_on, &y1, &m1, &d1) || !fr_parse_date(cl->ends_on, &y2, &m2, &d2))
        return false;
    bool has_hours = cl->hours && *cl->hours, has_message = cl->message && *cl->message;
    buf_printf(out, "%d %s %02d-%d %s %02d %s", y1, OSM_MONTHS[m1 - 1], d1, y2, OSM_MONTHS[m2 - 1],
               d2, has_hours ? cl->hours : "off");
    /* A comment without a state reads as unknown ("à confirmer"): exceptional
       hours with a message are open hours that carry it. */
    if (has_hours && has_message) buf_puts(out, " open");
    if (has_message) {
        /* An OSM comment cannot hold a double quote: use typographic ones. */
        buf_puts(out, " \"");
        for (const char *p = cl->message; *p; p++) {
            if (*p == '"')
                buf_puts(out, "”");
            else if (*p == '\n' || *p == '\r')
                buf_putc(out, ' ');
            else
                buf_putc(out, *p);
        }
        buf_putc(out, '"');
    }
    return true;
}

char *closures_fold(const char *regular, const closure *list, size_t count)
{
    buf b = {0};
    if (regular && *regular) buf_puts(&b, regular);
    for (size_t i = 0; i < count; i++) {
        size_t before = b.len;
        if (b.len) buf_puts(&b, "; ");
        if (!closure_rule(&b, &list[i])) {
            b.len = before; /* an invalid date is skipped, never half-written */
            if (b.data) b.data[b.len] = '\0';
        }
    }
    if (!b.len) {
        buf_free(&b);
        return NULL;
    }
    return buf_steal(&b);
}

static int64_t day_number(const char *iso)
{
    int y, m, d;
    return fr_parse_date(iso, &y, &m, &d) ? tz_days_from_civil(y, m, d) : -1;
}

json_t *closures_banner(const closure *list, size_t count, const char *today)
{
    json_t *out = json_array();
    int64_t t = day_number(today);
    for (size_t i = 0; i < count; i++) {
        const closure *cl = &list[i];
        int64_t from = day_number(cl->starts_on), to = day_number(cl->ends_on);
        if (from < 0 || to < t || from > t + CLOSURE_BANNER_DAYS) continue;
        buf text = {0}, a = {0}, z = {0};
        fr_date(&a, cl->starts_on);
        fr_date(&z, cl->ends_on);
        /* Whole sentences, so that each language orders its own words. */
        if (from == to)
            buf_printf(&text, cl->hours ? _("Horaires exceptionnels le %s") : _("Fermé le %s"),
                       a.data);
        else
            buf_printf(&text,
                       cl->hours ? _("Horaires exceptionnels du %s au %s") : _("Fermé du %s au %s"),
                       a.data, z.data);
        if (cl->hours) buf_printf(&text, " : %s", cl->hours);
        json_t *item = json_pack("{s:s, s:b, s:b}", "text", text.data, "current", from <= t,
                                 "closed", cl->hours == NULL);
        if (cl->message) json_object_set_new(item, "message", json_string(cl->message));
        json_array_append_new(out, item);
        buf_free(&text);
        buf_free(&a);
        buf_free(&z);
    }
    return out;
}
