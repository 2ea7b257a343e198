/*
 * print.c — /selection/imprimer: the sheet a social worker prints and hands
 * over (A4, fine on A5): per place its name, type, address, phone in large
 * digits, the next 7 days of hours, how to access, fees and a QR code to
 * the live page; per workshop its next sessions and how to register.
 *
 * The optional lines typed just before printing ("Orienté par : …", a
 * short note) come only in a POST body: they are rendered into the sheet
 * and go nowhere else — not in a URL (so not in the request log), not in
 * the database, not in a cookie, not in any message. GET prints the same
 * sheet without them (and never reads them from the query string).
 *
 * The sheet is a document of its own (templates/print.html with
 * static/print.css), not wrapped in the site layout.
 */
#include "pages/pages.h"
#include "core/fr.h"
#include "places/place_view.h"
#include "kit/qr.h"
#include "kit/selection.h"
#include "pages/selection_page.h"
#include "hours/tz.h"
#include "workshops/workshop.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum {
    PRINT_MAX_ORIENTE = 200,     /* bytes of "Orienté par" kept (the form says 120 characters) */
    PRINT_MAX_NOTE = 600,        /* bytes of the note kept (the form says 400 characters) */
    PRINT_WORKSHOP_SESSIONS = 4, /* next sessions printed for a workshop */
};

/* Cut valid UTF-8 at most `max` bytes long on a character boundary; trim. */
static const char *clip(req *r, const char *s, size_t max)
{
    if (!s) return NULL;
    char *c = arena_strdup(r->arena, s);
    size_t n = strlen(c);
    if (n > max) {
        n = max;
        while (n && ((unsigned char)c[n] & 0xC0) == 0x80)
            n--;
        c[n] = '\0';
    }
    for (char *p = c; *p; p++)
        if (*p == '\r' || *p == '\t') *p = ' ';
    c = str_trim(c);
    return *c ? c : NULL;
}

/* "Orienté par : CCAS" and "CCAS" both print as "Orienté par : CCAS". */
static const char *without_label(const char *s)
{
    static const char label[] = "orienté par";
    if (!s || strncasecmp(s, label, sizeof label - 1) != 0) return s;
    s += sizeof label - 1;
    while (*s == ' ' || *s == ':' || *s == '\xc2' || *s == '\xa0')
        s++;
    return *s ? s : NULL;
}

void print_date_now(buf *out)
{
    const tz_zone *zone = tz_zone_get("Europe/Paris");
    int64_t local = zone ? tz_utc_to_local(zone, now_utc()) : now_utc();
    int64_t day = tz_floor_div(local, 86400);
    int y, m, d;
    tz_civil_from_days(day, &y, &m, &d);
    int minutes = (int)((local - day * 86400) / 60);
    buf_printf(out,
               d == 1 ? _("%1$der %2$s %3$d à %4$d h %5$02d") : _("%1$d %2$s %3$d à %4$d h %5$02d"),
               d, gettext(FR_MONTHS[m - 1]), y, minutes / 60, minutes % 60);
}

static bool has_label(json_t *list, const char *label)
{
    size_t i;
    json_t *v;
    json_array_foreach(list, i, v) if (strcmp(json_string_value(v), label) == 0) return true;
    return false;
}

/* How to get help there, in words: "Sans rendez-vous", "Sur rendez-vous au …". */
static json_t *access_lines(json_t *p)
{
    json_t *modes = json_object_get(p, "access_modes"), *out = json_array();
    const char *phone = json_string_value(json_object_get(p, "phone_display"));
    const char *booking = json_string_value(json_object_get(p, "booking_url"));
    /* The place's labels are already in the page's language (vocab_label). */
    const char *in_person = gettext("Venir sur place"), *by_phone = gettext("Téléphoner"),
               *online = gettext("Prendre rendez-vous en ligne");
    if (modes && has_label(modes, in_person))
        json_array_append_new(out, json_string(_("Sans rendez-vous, aux heures d'ouverture")));
    if (modes && has_label(modes, by_phone) && phone) {
        char *s = xasprintf(_("Sur rendez-vous au %s"), phone);
        json_array_append_new(out, json_string(s));
        free(s);
    }
    if (booking) {
        char *s = xasprintf(_("Rendez-vous en ligne : %s"), booking);
        json_array_append_new(out, json_string(s));
        free(s);
    }
    size_t i;
    json_t *v;
    json_array_foreach(modes, i, v)
    {
        const char *l = json_string_value(v);
        if (!strcmp(l, in_person) || (!strcmp(l, by_phone) && phone) ||
            (!strcmp(l, online) && booking))
            continue;
        json_array_append(out, v);
    }
    return out;
}

static void set_qr(json_t *o, const char *origin, const char *path)
{
    if (!origin || !path) return;
    /* The code leads to the page in the sheet's language. */
    char *url = xasprintf("%s%s%s", origin, i18n_prefix(i18n_current()), path);
    buf svg = {0};
    /* Program-made geometry only (see qr.h): rendered with {{raw qr_svg}}. */
    if (qr_svg(&svg, url, "qr")) json_object_set_new(o, "qr_svg", json_string(svg.data));
    json_object_set_new(o, "live_url", json_string(url));
    /* Shown under the code, without the scheme: what a person can type. */
    const char *shown = strstr(url, "://");
    json_object_set_new(o, "live_url_shown", json_string(shown ? shown + 3 : url));
    buf_free(&svg);
    free(url);
}

json_t *print_place_view(req *r, int64_t id, const char *origin)
{
    json_t *p = place_view(db_reader(r->app->db), id, NULL);
    if (!p) return NULL;
    json_object_set_new(p, "is_place", json_true());
    set_qr(p, origin, json_string_value(json_object_get(p, "path")));
    json_t *access = access_lines(p);
    if (json_array_size(access))
        json_object_set_new(p, "access", access);
    else
        json_decref(access);
    const char *verified = json_string_value(json_object_get(p, "verified_fr"));
    const char *updated = json_string_value(json_object_get(p, "date_maj_fr"));
    char *fresh = verified  ? xasprintf(_("Informations vérifiées le %s"), verified)
                  : updated ? xasprintf(_("Informations mises à jour le %s"), updated)
                            : NULL;
    if (fresh) json_object_set_new(p, "freshness", json_string(fresh));
    free(fresh);
    /* The week table shows every day, closed ones included, in words. */
    return p;
}

static json_t *print_workshop_view(req *r, int64_t id, const char *origin)
{
    json_t *w = workshop_view(db_reader(r->app->db), id, now_utc(), NULL);
    if (!w) return NULL;
    json_object_set_new(w, "is_workshop", json_true());
    json_t *sessions = json_object_get(w, "sessions");
    while (json_array_size(sessions) > PRINT_WORKSHOP_SESSIONS)
        json_array_remove(sessions, json_array_size(sessions) - 1);
    set_qr(w, origin, json_string_value(json_object_get(w, "path")));
    return w;
}

/* Render the standalone sheet document (templates/print.html, carnet.html). */
int print_reply_sheet(req *r, const char *template_name, json_t *d)
{
    r->status = 200;
    return reply_document(r, template_name, d);
}

int page_print(req *r)
{
    bool post = strcmp(r->method, "POST") == 0;
    selection s;
    selection_status st = selection_of_request(r, post ? req_form(r, "s") : req_query(r, "s"), &s);
    if (st != SELECTION_OK) return selection_reply_bad(r, st);
    char text[SELECTION_MAX_TEXT + 1];
    selection_encode(&s, text, sizeof text);
    if (!s.count) {
        reply_redirect(r, 303, "/selection");
        return 0;
    }
    const char *large = post ? req_form(r, "gros") : req_query(r, "gros");
    const char *origin = selection_origin(r);

    json_t *d = page_model(_("Fiche à imprimer — Repère"));
    if (large && *large) json_object_set_new(d, "large", json_true());
    if (post) {
        /* Typed for this person: into the sheet, and nowhere else. */
        const char *oriente = without_label(clip(r, req_form(r, "oriente"), PRINT_MAX_ORIENTE));
        const char *note = clip(r, req_form(r, "note"), PRINT_MAX_NOTE);
        if (oriente) json_object_set_new(d, "oriente", json_string(oriente));
        if (note) json_object_set_new(d, "note", json_string(note));
        r->cache_control = "no-store";
    }
    buf date = {0};
    print_date_now(&date);
    json_object_set_new(d, "printed_at", json_string(date.data));
    buf_free(&date);
    json_t *items = json_array();
    size_t missing = 0;
    for (size_t i = 0; i < s.count; i++) {
        json_t *o = s.items[i].kind == 'p' ? print_place_view(r, s.items[i].id, origin)
                                           : print_workshop_view(r, s.items[i].id, origin);
        if (!o) {
            missing++;
            continue;
        }
        json_object_set_new(o, "n", json_integer((json_int_t)json_array_size(items) + 1));
        json_array_append_new(items, o);
    }
    json_object_set_new(d, "items", items);
    if (missing) json_object_set_new(d, "missing", json_integer((json_int_t)missing));
    if (!origin) json_object_set_new(d, "no_origin", json_true());
    json_object_set_new(d, "back_url",
                        json_string(arena_printf(r->arena, "/selection?s=%s", text)));
    if (!post) /* a link would lose the POST sheet's typed lines: offered on GET only */
        json_object_set_new(d, "toggle_large_url",
                            json_string(arena_printf(r->arena, "/selection/imprimer?s=%s%s", text,
                                                     large && *large ? "" : "&gros=1")));
    return print_reply_sheet(r, "print", d);
}
