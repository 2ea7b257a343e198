/*
 * intervenants.c — the admin side of the intervenants (issue 17) around a
 * place: who runs a workshop, requests to be attached to a place, the
 * coordinators' history of an entry.
 *
 *   GET  /admin/ateliers/{w}/intervenants        who runs workshop w
 *   POST /admin/ateliers/{w}/intervenants        ajouter / retirer (field action)
 *   POST /admin/intervenants/{id}/lieux/{p}/{a}  rattacher / detacher entry id and place p
 *   GET  /admin/intervenants/{id}/historique     an entry's history (coordinators)
 *
 * Who may: the people of the workshop's (or request's) place — managers,
 * its coordinators, administrators — checked in SQL (ADMIN_CAN_EDIT) inside
 * the write transaction, before the change. Only public entries attached to
 * the place or serving its commune may run one of its workshops.
 */
#include "accounts/access.h"
#include "accounts/auth.h"
#include "core/fr.h"
#include "http/session.h"
#include "pages/pages.h"
#include "people/intervenant.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    TERRITORY_PER_PAGE = 50, /* entries per page of the coordinators' list */
};

/* Used by: the workshop linking page (the workshop, its place, whether the account may edit it). */
static const char Q_WORKSHOP[] = "SELECT w.title, p.id, p.name, " ADMIN_CAN_EDIT(
    "p", ":account") " FROM workshop w JOIN"
                     " place p ON p.id = w.place_id WHERE w.id = :id";

typedef struct workshop_info {
    int64_t place_id;
    bool may_edit;
    json_t *model; /* {id, title, place_id, place_name} */
} workshop_info;

/* The workshop of the URL; false when there is none. */
static bool workshop_load(db_conn *c, int64_t id, int64_t account, workshop_info *out)
{
    sqlite3_stmt *s = db_stmt(c, Q_WORKSHOP);
    db_bind_int(s, ":id", id);
    db_bind_int(s, ":account", account);
    bool found = sqlite3_step(s) == SQLITE_ROW;
    if (found) {
        out->place_id = sqlite3_column_int64(s, 1);
        out->may_edit = sqlite3_column_int(s, 3);
        out->model =
            json_pack("{s:I, s:s, s:I, s:s}", "id", (json_int_t)id, "title", db_col_text(s, 0),
                      "place_id", (json_int_t)out->place_id, "place_name", db_col_text(s, 2));
    }
    sqlite3_reset(s);
    return found;
}

static int workshop_page(req *r, int64_t id, const char *notice, const char *error)
{
    db_conn *c = db_reader(r->app->db);
    workshop_info wi;
    if (!workshop_load(c, id, r->user->account_id, &wi))
        return reply_error(r, 404, "Cet atelier n'existe pas ou n'existe plus.");
    if (!wi.may_edit) {
        json_decref(wi.model);
        return reply_error(r, 403, "Vous ne gérez pas le lieu de cet atelier.");
    }
    json_t *m = session_page_model(r, _("Qui anime cet atelier ?"));
    json_object_set_new(m, "workshop", wi.model);
    json_t *running = intervenant_of_workshop(c, id);
    json_t *eligible = intervenant_eligible_for_place(c, wi.place_id), *choices = json_array();
    size_t i, k;
    json_t *x, *y;
    json_array_foreach(eligible, i, x)
    {
        bool already = false;
        json_array_foreach(running, k, y) already |=
            strcmp(json_string_value(json_object_get(x, "path")),
                   json_string_value(json_object_get(y, "path"))) == 0;
        if (!already) json_array_append(choices, x);
    }
    json_decref(eligible);
    json_object_set_new(m, "running", running);
    json_object_set_new(m, "choices", choices);
    if (notice) json_object_set_new(m, "notice", json_string(notice));
    if (error) {
        json_object_set_new(m, "error", json_string(error));
        r->status = 400;
    }
    return reply_page(r, "admin_workshop_intervenants", m);
}

int page_admin_workshop_intervenants(req *r)
{
    int64_t id = strtoll(r->params[0], NULL, 10);
    return workshop_page(r, id, req_query(r, "ok") ? _("C'est enregistré.") : NULL, NULL);
}

/* Is entry `who` among those that may run a workshop of `place_id`? */
static bool eligible(db_conn *c, int64_t place_id, int64_t who)
{
    json_t *list = intervenant_eligible_for_place(c, place_id), *x;
    size_t i;
    bool yes = false;
    json_array_foreach(list, i, x) yes |= json_integer_value(json_object_get(x, "id")) == who;
    json_decref(list);
    return yes;
}

int page_admin_workshop_intervenants_post(req *r)
{
    int64_t id = strtoll(r->params[0], NULL, 10), account = r->user->account_id;
    const char *action = req_form(r, "action"), *who_text = req_form(r, "intervenant");
    int64_t who = who_text ? strtoll(who_text, NULL, 10) : 0;
    bool add = action && strcmp(action, "ajouter") == 0;
    if (!add && !(action && strcmp(action, "retirer") == 0))
        return reply_error(r, 400, "Choisissez « ajouter » ou « retirer ».");
    db_conn *w = db_begin(r->app->db);
    if (!w) return -1;
    workshop_info wi;
    if (!workshop_load(w, id, account, &wi)) {
        db_rollback(w);
        return reply_error(r, 404, "Cet atelier n'existe pas ou n'existe plus.");
    }
    json_decref(wi.model);
    if (!wi.may_edit) {
        db_rollback(w);
        return reply_error(r, 403, "Vous ne gérez pas le lieu de cet atelier.");
    }
    if (add && (who <= 0 || !eligible(w, wi.place_id, who))) {
        db_rollback(w);
        return workshop_page(r, id, NULL,
                             _("« Intervenant » : choisissez dans la liste un intervenant validé,"
                               " rattaché au lieu ou qui intervient dans sa commune."));
    }
    int rc = add ? intervenant_link_workshop(w, who, id, account)
                 : intervenant_unlink_workshop(w, who, id, account);
    if (rc < 0) {
        db_rollback(w);
        return -1;
    }
    if (db_commit(w) != 0) return -1;
    return reply_redirect(
        r, 303, arena_printf(r->arena, "/admin/ateliers/%lld/intervenants?ok=1", (long long)id));
}

/* ---- attaching to a place: requests the account may decide ---- */

/* Used by: /admin/intervenants (requests to be attached to a place the account may edit). */
static const char Q_REQUESTS[] =
    "SELECT i.id, i.name, p.id, p.name FROM intervenant_place_request r JOIN"
    " intervenant i ON i.id = r.intervenant_id JOIN place p ON p.id = r.place_id WHERE"
    " i.status <> 'pending' AND " ADMIN_CAN_EDIT("p", ":account") " ORDER BY r.requested_at"
                                                                  " LIMIT 100";
/* Used by: /admin/intervenants (entries attached to the places the account may edit). */
static const char Q_ATTACHED[] =
    "SELECT i.id, i.name, p.id, p.name FROM intervenant_place ip JOIN intervenant i ON i.id ="
    " ip.intervenant_id JOIN place p ON p.id = ip.place_id WHERE i.status <> 'pending' AND"
    " " ADMIN_CAN_EDIT("p", ":account") " ORDER BY p.name, i.name LIMIT 100";
/* Used by: the attach/detach decision (may the account edit the place?). */
static const char Q_MAY_EDIT_PLACE[] =
    "SELECT 1 FROM place p WHERE p.id = :id AND " ADMIN_CAN_EDIT("p", ":account");

/* [{id, name, place_id, place_name}] of one of the two queries above. */
static json_t *entry_place_pairs(req *r, const char *sql)
{
    sqlite3_stmt *s = db_stmt(db_reader(r->app->db), sql);
    db_bind_int(s, ":account", r->user->account_id);
    json_t *out = json_array();
    while (sqlite3_step(s) == SQLITE_ROW)
        json_array_append_new(
            out,
            json_pack("{s:I, s:s, s:I, s:s, s:o}", "id", (json_int_t)sqlite3_column_int64(s, 0),
                      "name", db_col_text(s, 1), "place_id", (json_int_t)sqlite3_column_int64(s, 2),
                      "place_name", db_col_text(s, 3), "place_admin_path",
                      json_sprintf("/admin/lieux/%lld", sqlite3_column_int64(s, 2))));
    sqlite3_reset(s);
    return out;
}

json_t *admin_intervenant_requests(req *r)
{
    return entry_place_pairs(r, Q_REQUESTS);
}

json_t *admin_intervenant_attached(req *r)
{
    return entry_place_pairs(r, Q_ATTACHED);
}

json_t *admin_intervenant_territory(req *r)
{
    long page = list_page_number(r);
    int64_t total = 0;
    json_t *list = intervenant_of_territory(db_reader(r->app->db), r->user->account_id,
                                            (int64_t)(page - 1) * TERRITORY_PER_PAGE,
                                            TERRITORY_PER_PAGE, &total);
    long pages = total ? (long)((total + TERRITORY_PER_PAGE - 1) / TERRITORY_PER_PAGE) : 1;
    json_t *out = json_pack("{s:o, s:I}", "entries", list, "total", (json_int_t)total);
    json_t *nav = list_pagination(r, page, pages, NULL, 0);
    if (nav) json_object_set_new(out, "pagination", nav);
    return out;
}

int page_admin_intervenant_place_decide(req *r)
{
    int64_t id = strtoll(r->params[0], NULL, 10), place = strtoll(r->params[1], NULL, 10);
    const char *what = r->params[2];
    int64_t account = r->user->account_id;
    bool attach = strcmp(what, "rattacher") == 0;
    if (!attach && strcmp(what, "detacher") != 0)
        return reply_error(r, 404, "Cette action n'existe pas.");
    db_conn *w = db_begin(r->app->db);
    if (!w) return -1;
    sqlite3_stmt *s = db_stmt(w, Q_MAY_EDIT_PLACE);
    db_bind_int(s, ":id", place);
    db_bind_int(s, ":account", account);
    bool may = sqlite3_step(s) == SQLITE_ROW;
    sqlite3_reset(s);
    if (!may) {
        db_rollback(w);
        return reply_error(r, 403, "Vous ne gérez pas ce lieu.");
    }
    /* Attaching needs the intervenant's own request: their consent. */
    bool requested = false;
    if (attach) {
        json_t *asked = intervenant_place_requests(w, id), *x;
        size_t i;
        json_array_foreach(asked, i, x) requested |=
            json_integer_value(json_object_get(x, "id")) == place;
        json_decref(asked);
    }
    int rc = attach ? (requested ? intervenant_attach_place(w, id, place, account) : 0)
                    : intervenant_detach_place(w, id, place, account);
    if (rc < 0) {
        db_rollback(w);
        return -1;
    }
    if (rc == 0) {
        db_rollback(w);
        return reply_error(r, 404,
                           attach ? _("Cet intervenant n'a pas demandé à être rattaché à ce lieu.")
                                  : _("Cet intervenant n'est pas rattaché à ce lieu."));
    }
    if (db_commit(w) != 0) return -1;
    return reply_redirect(r, 303, "/admin/intervenants?ok=1");
}

/* ---- the history of an entry (coordinators) ---- */

int page_admin_intervenant_history(req *r)
{
    int64_t id = strtoll(r->params[0], NULL, 10);
    db_conn *c = db_reader(r->app->db);
    json_t *m = session_page_model(r, _("Historique d'une fiche d'intervenant"));
    json_object_set_new(m, "id", json_integer(id));
    if (id > 0 && intervenant_coordinates(c, id, r->user->account_id)) {
        json_t *v = intervenant_view(c, id, true);
        json_object_set_new(m, "name", json_incref(json_object_get(v, "name")));
        json_decref(v);
        /* Each event's "at" is already in words (fr_datetime_json). */
        json_object_set_new(m, "events", intervenant_history(c, id));
        return reply_page(r, "admin_intervenant_history", m);
    }
    /* A deleted entry leaves one anonymous line, shown to the coordinators
     * of its former département (and administrators). */
    json_t *gone = id > 0 ? intervenant_deleted_line(c, id, r->user->account_id) : NULL;
    if (!gone) {
        json_decref(m);
        return reply_error(r, 403, "Vous ne coordonnez pas le territoire de cet intervenant.");
    }
    json_object_set_new(gone, "date",
                        fr_datetime_json(json_string_value(json_object_get(gone, "at"))));
    json_object_set_new(m, "deleted", gone);
    return reply_page(r, "admin_intervenant_history", m);
}
