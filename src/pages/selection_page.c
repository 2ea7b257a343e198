/*
 * selection_page.c — "Ma sélection" (/selection): the places and workshops a
 * social worker picked, to reorder, remove, share (/s/{code}, mailto:, sms:)
 * and print. Works without JavaScript: every change is a small POST form
 * that rewrites the selection, sets the cookie and redirects (303) to
 * /selection?s=….
 *
 * Nothing is stored on the server: the selection is in the URL and in one
 * functional cookie holding the same ids (see src/selection.h). The POST
 * routes have no token: they change nothing on the server, only the
 * caller's own cookie, and the dispatcher already refuses cross-site POSTs
 * (Origin / Sec-Fetch-Site); the cookie itself is SameSite=Lax.
 */
#include "pages/pages.h"
#include "core/fr.h"
#include "core/validate.h"
#include "places/place_view.h"
#include "kit/selection.h"
#include "pages/selection_page.h"
#include "workshops/workshop.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    RETOUR_MAX = 600, /* bytes of the "back to the search" path kept from Referer */
};

/* Used by: /selection and the share links (one place of the selection). */
static const char Q_SEL_PLACE[] =
    "SELECT id, slug, name, commune, postal_code, address, phone, closed_at FROM place"
    " WHERE id = :id";
/* Used by: /selection and the share links (one workshop of the selection). */
static const char Q_SEL_WORKSHOP[] =
    "SELECT w.id, w.slug, w.title, p.name, p.commune FROM workshop w"
    " JOIN place p ON p.id = w.place_id WHERE w.id = :id";

/* ---- the request side of selection.h ---- */

selection_status selection_of_request(req *r, const char *text, selection *out)
{
    if (text) return selection_decode(text, out);
    selection_status st = selection_decode(req_cookie(r, SELECTION_COOKIE), out);
    /* A damaged cookie is not the person's fault: start again from nothing. */
    if (st != SELECTION_OK) out->count = 0;
    return SELECTION_OK;
}

int selection_reply_bad(req *r, selection_status status)
{
    if (status == SELECTION_TOO_MANY) {
        char *msg =
            arena_printf(r->arena,
                         _("Une sélection compte au plus %d lieux et ateliers : ce lien en "
                           "contient davantage. Refaites une sélection plus courte depuis la "
                           "recherche."),
                         SELECTION_MAX_ITEMS);
        return reply_error(r, 400, msg);
    }
    return reply_error(r, 400,
                       "Ce lien de sélection est abîmé ou incomplet : il ne correspond à aucune "
                       "sélection. Demandez à la personne qui vous l'a envoyé de le renvoyer, ou "
                       "refaites une sélection depuis la recherche.");
}

void selection_set_cookie(req *r, const selection *s)
{
    char text[SELECTION_MAX_TEXT + 1];
    selection_encode(s, text, sizeof text);
    const char *secure = r->app->cfg.behind_tls ? "; Secure" : "";
    /* A session cookie: it goes when the browser closes (shared computers). */
    char *v = text[0] ? arena_printf(r->arena, "%s=%s; Path=/; SameSite=Lax; HttpOnly%s",
                                     SELECTION_COOKIE, text, secure)
                      : arena_printf(r->arena, "%s=; Path=/; Max-Age=0; SameSite=Lax; HttpOnly%s",
                                     SELECTION_COOKIE, secure);
    reply_header(r, "Set-Cookie", v);
}

const char *selection_origin(req *r)
{
    return req_origin(r);
}

void selection_nav(req *r, json_t *model)
{
    json_t *nav = selection_nav_model(req_cookie(r, SELECTION_COOKIE));
    if (nav) json_object_set_new(model, "selection_nav", nav);
}

/* ---- helpers ---- */

/* The path of a same-site Referer ("/lieux?q=…"), to go back to; or NULL. */
static const char *local_referer(req *r)
{
    const char *ref = req_header(r, "Referer");
    if (!ref) return NULL;
    const char *origin = selection_origin(r);
    const char *path = NULL;
    if (origin && str_starts_with(ref, origin))
        path = ref + strlen(origin);
    else {
        const char *host = req_header(r, "Host");
        const char *p = strstr(ref, "://");
        if (host && p && strncmp(p + 3, host, strlen(host)) == 0) path = p + 3 + strlen(host);
    }
    if (!validate_local_path(path, RETOUR_MAX)) return NULL;
    /* Without its language prefix: links get the page's own (reply_page). */
    i18n_from_path(path, &path);
    if (str_starts_with(path, "/selection") || str_starts_with(path, "/s/")) return NULL;
    const char *hash = strchr(path, '#');
    return hash ? arena_strndup(r->arena, path, (size_t)(hash - path)) : path;
}

/* A "retour" value from the URL: a local path only. */
static const char *safe_retour(const char *v)
{
    return validate_local_path(v, RETOUR_MAX) ? v : NULL;
}

static void redirect_to_selection(req *r, const selection *s, const char *extra)
{
    char text[SELECTION_MAX_TEXT + 1];
    selection_encode(s, text, sizeof text);
    buf b = {0};
    buf_printf(&b, "/selection?s=%s", text);
    if (extra) buf_puts(&b, extra);
    reply_redirect(r, 303, b.data);
    buf_free(&b);
}

/* Does the item exist in the catalogue? */
static bool item_exists(db_conn *c, selection_item it)
{
    sqlite3_stmt *s = db_stmt(c, it.kind == 'p' ? Q_SEL_PLACE : Q_SEL_WORKSHOP);
    db_bind_int(s, ":id", it.id);
    bool found = sqlite3_step(s) == SQLITE_ROW;
    sqlite3_reset(s);
    return found;
}

/* ---- POST /selection/ajouter: lieu=42 | atelier=7 | element=p16 [s=…] [retour=/…] ---- */

/* The item of the add form: decimal ids from the catalogue's pages, or a code. */
static bool item_from_form(req *r, selection_item *it)
{
    const char *place = req_form(r, "lieu"), *workshop = req_form(r, "atelier");
    const char *v = place ? place : workshop;
    if (!v) return selection_item_parse(req_form(r, "element"), it);
    int64_t id = place_parse_segment(v, NULL);
    if (id <= 0 || strchr(v, '-')) return false;
    it->kind = place ? 'p' : 'w';
    it->id = id;
    return true;
}

int page_selection_add(req *r)
{
    selection_item it;
    if (!item_from_form(r, &it))
        return reply_error(r, 400,
                           "Ce lieu ou cet atelier n'a pas pu être ajouté : lien incomplet.");
    selection s;
    selection_status st = selection_of_request(r, req_form(r, "s"), &s);
    if (st != SELECTION_OK) return selection_reply_bad(r, st);
    if (!item_exists(db_reader(r->app->db), it))
        return reply_error(r, 404, "Ce lieu ou cet atelier n'existe pas ou n'existe plus.");
    char code[SELECTION_MAX_ID_DIGITS + 2];
    selection_item_format(it, code, sizeof code);
    buf extra = {0};
    bool added = selection_add(&s, it);
    buf_printf(&extra, added ? "&ajoute=%s" : "&plein=%s", code);
    const char *retour = safe_retour(req_form(r, "retour"));
    if (!retour) retour = local_referer(r);
    if (retour) {
        buf_puts(&extra, "&retour=");
        url_encode(&extra, retour);
    }
    selection_set_cookie(r, &s);
    redirect_to_selection(r, &s, extra.data);
    buf_free(&extra);
    return 0;
}

/* ---- POST /selection/modifier: s=… element=p42 (vers=N | retirer) | vider ---- */

int page_selection_change(req *r)
{
    selection s;
    selection_status st = selection_of_request(r, req_form(r, "s"), &s);
    if (st != SELECTION_OK) return selection_reply_bad(r, st);
    if (req_form(r, "vider")) {
        s.count = 0;
    } else {
        selection_item it;
        if (!selection_item_parse(req_form(r, "element"), &it))
            return reply_error(r, 400, "La modification demandée est incomplète.");
        const char *to = req_form(r, "vers");
        if (req_form(r, "retirer")) {
            selection_remove(&s, it);
        } else if (to) {
            char *end;
            long v = strtol(to, &end, 10);
            if (*to == '\0' || *end || v < 0 || v >= SELECTION_MAX_ITEMS)
                return reply_error(r, 400, "La position demandée n'existe pas.");
            selection_move(&s, it, (size_t)v);
        } else {
            return reply_error(r, 400, "La modification demandée est incomplète.");
        }
    }
    selection_set_cookie(r, &s);
    redirect_to_selection(r, &s, NULL);
    return 0;
}

/* ---- GET /s/{code}: the short link ---- */

int page_selection_short(req *r)
{
    selection s;
    selection_status st = selection_decode(r->params[0], &s);
    if (st != SELECTION_OK) return selection_reply_bad(r, st);
    if (!s.count) return selection_reply_bad(r, SELECTION_MALFORMED);
    redirect_to_selection(r, &s, NULL);
    return 0;
}

/* ---- GET /selection ---- */

/* One line of the list, and its part of the share texts. */
static json_t *item_json(db_conn *c, selection_item it, buf *mail, buf *sms, bool *sms_done)
{
    char code[SELECTION_MAX_ID_DIGITS + 2];
    selection_item_format(it, code, sizeof code);
    json_t *o = json_pack("{s:s}", "code", code);
    sqlite3_stmt *s = db_stmt(c, it.kind == 'p' ? Q_SEL_PLACE : Q_SEL_WORKSHOP);
    db_bind_int(s, ":id", it.id);
    if (sqlite3_step(s) != SQLITE_ROW) {
        json_object_set_new(o, "missing", json_true());
        json_object_set_new(o, it.kind == 'p' ? "is_place" : "is_workshop", json_true());
        sqlite3_reset(s);
        return o;
    }
    if (it.kind == 'p') {
        char *path = place_path(it.id, db_col_text(s, 1));
        const char *name = db_col_text(s, 2), *commune = db_col_text(s, 3);
        const char *postal = db_col_text(s, 4), *address = db_col_text(s, 5);
        const char *phone = db_col_text(s, 6);
        buf ph = {0};
        if (phone) fr_phone(&ph, phone);
        json_object_set_new(o, "is_place", json_true());
        json_object_set_new(o, "path", json_string(path));
        json_object_set_new(o, "name", json_string(name ? name : ""));
        json_object_set_new(o, "detail", json_string(commune ? commune : ""));
        if (db_col_text(s, 7)) json_object_set_new(o, "closed", json_true());
        buf_printf(mail, "- %s, %s%s%s %s", name ? name : "", address ? address : "",
                   address ? ", " : "", postal ? postal : "", commune ? commune : "");
        if (ph.data) buf_printf(mail, _(", tél. %s"), ph.data);
        buf_puts(mail, "\n");
        if (!*sms_done) {
            buf_printf(sms, "%s, %s%s%s %s", name ? name : "", address ? address : "",
                       address ? ", " : "", postal ? postal : "", commune ? commune : "");
            if (ph.data) buf_printf(sms, _(", tél. %s"), ph.data);
            buf_puts(sms, ". ");
            *sms_done = true;
        }
        buf_free(&ph);
        free(path);
    } else {
        char *path = workshop_path(it.id, db_col_text(s, 1));
        const char *title = db_col_text(s, 2), *place = db_col_text(s, 3);
        json_object_set_new(o, "is_workshop", json_true());
        json_object_set_new(o, "path", json_string(path));
        json_object_set_new(o, "name", json_string(title ? title : ""));
        char *detail = xasprintf(_("Atelier · %s, %s"), place ? place : "",
                                 db_col_text(s, 4) ? db_col_text(s, 4) : "");
        json_object_set_new(o, "detail", json_string(detail));
        buf_printf(mail, _("- Atelier « %s » (%s)\n"), title ? title : "", place ? place : "");
        free(detail);
        free(path);
    }
    sqlite3_reset(s);
    return o;
}

static char *uri_with_body(const char *scheme_and_head, const char *subject, const char *body)
{
    buf b = {0};
    buf_puts(&b, scheme_and_head);
    if (subject) {
        buf_puts(&b, "subject=");
        url_encode(&b, subject);
        buf_puts(&b, "&");
    }
    buf_puts(&b, "body=");
    url_encode(&b, body);
    return buf_steal(&b);
}

int page_selection(req *r)
{
    selection s;
    const char *param = req_query(r, "s");
    selection_status st = selection_of_request(r, param, &s);
    if (st != SELECTION_OK) return selection_reply_bad(r, st);
    char text[SELECTION_MAX_TEXT + 1];
    selection_encode(&s, text, sizeof text);

    json_t *d = page_model(_("Ma sélection"));
    json_object_set_new(d, "selection_code", json_string(text));
    json_object_set_new(d, "max", json_integer(SELECTION_MAX_ITEMS));
    if (s.count == SELECTION_MAX_ITEMS) json_object_set_new(d, "full", json_true());
    const char *retour = safe_retour(req_query(r, "retour"));
    if (retour) json_object_set_new(d, "retour", json_string(retour));

    db_conn *c = db_reader(r->app->db);
    json_t *items = json_array();
    buf mail = {0}, sms = {0};
    bool sms_done = false;
    for (size_t i = 0; i < s.count; i++) {
        json_t *o = item_json(c, s.items[i], &mail, &sms, &sms_done);
        json_object_set_new(o, "n", json_integer((json_int_t)i + 1));
        /* Target positions as text: "0" must stay truthy in the template. */
        char pos[24];
        if (i > 0) {
            snprintf(pos, sizeof pos, "%zu", i - 1);
            json_object_set_new(o, "up", json_string(pos));
        }
        if (i + 1 < s.count) {
            snprintf(pos, sizeof pos, "%zu", i + 1);
            json_object_set_new(o, "down", json_string(pos));
        }
        json_array_append_new(items, o);
    }
    /* Feedback after "Ajouter à ma sélection". */
    selection_item it;
    const char *added = req_query(r, "ajoute"), *refused = req_query(r, "plein");
    if (added && selection_item_parse(added, &it)) {
        int i = selection_find(&s, it);
        if (i >= 0)
            json_object_set_new(
                d, "added", json_incref(json_object_get(json_array_get(items, (size_t)i), "name")));
    }
    if (refused && selection_item_parse(refused, &it))
        json_object_set_new(d, "refused", json_true());

    if (s.count) {
        json_object_set_new(d, "items", items);
        json_object_set_new(d, "has_items", json_true());
        const char *origin = selection_origin(r);
        char *short_path = arena_printf(r->arena, "/s/%s", text);
        /* The short link keeps the page's language (links within the page
         * get it from reply_page; this one leaves it, by mail or SMS). */
        char *short_url =
            origin ? arena_printf(r->arena, "%s%s%s", origin, i18n_prefix(r->lang), short_path)
                   : short_path;
        size_t places = selection_count_kind(&s, 'p'), workshops = selection_count_kind(&s, 'w');
        buf what = {0};
        if (places) fr_count(&what, (long)places, "lieu", "lieux");
        if (places && workshops) buf_puts(&what, _(" et "));
        if (workshops) fr_count(&what, (long)workshops, "atelier", "ateliers");
        json_object_set_new(d, "summary", json_string(what.data));
        buf body = {0};
        buf_printf(&body,
                   _("Bonjour,\n\nVoici les lieux d'aide au numérique dont nous avons parlé :\n%s\n"
                     "Adresses, horaires et plans : %s\n"),
                   mail.data ? mail.data : "", short_url);
        buf_printf(&sms, _("Détails et horaires : %s"), short_url);
        char *mailto =
            uri_with_body("mailto:?", _("Lieux d'aide au numérique (Repère)"), body.data);
        /* "sms:?&body=" is understood by both Android and iOS. */
        char *smsto = uri_with_body("sms:?&", NULL, sms.data);
        json_object_set_new(d, "share",
                            json_pack("{s:s, s:s, s:s, s:s}", "short_url", short_url, "short_path",
                                      short_path, "mailto", mailto, "sms", smsto));
        free(mailto);
        free(smsto);
        buf_free(&body);
        buf_free(&what);
        json_object_set_new(d, "print_url",
                            json_string(arena_printf(r->arena, "/selection/imprimer?s=%s", text)));
        json_object_set_new(d, "selection_nav",
                            json_pack("{s:I, s:s}", "count", (json_int_t)s.count, "url",
                                      arena_printf(r->arena, "/selection?s=%s", text)));
    } else {
        json_decref(items);
    }
    buf_free(&mail);
    buf_free(&sms);
    /* The page depends on the cookie when there is no ?s=. */
    r->cache_control = "no-store";
    return reply_page(r, "selection", d);
}
