/*
 * proposals.c — what sources propose for fields a person of the place
 * edited (places/provenance.h), and where each field's value comes from.
 *
 *   GET  /admin/propositions                    the pending proposals of the
 *                                               places the account may edit
 *   GET  /admin/lieux/{id}/propositions         one place: its proposals and
 *                                               the origin of its fields
 *   POST /admin/propositions/{id}/{accepter|refuser}
 *
 * Who may decide is the editor's rule (ADMIN_CAN_EDIT: the place's
 * managers, its coordinators, administrators), checked in the statements
 * themselves; an accepted value is written through place_store (history
 * source "proposal_accepted"), a refusal is written in the history.
 */
#include "accounts/access.h"
#include "accounts/auth.h"
#include "pages/pages.h"
#include "places/place_store.h"
#include "places/place_view.h"
#include "places/provenance.h"
#include "http/session.h"
#include "workshops/workshop_import.h"

#include <stdlib.h>
#include <string.h>

enum {
    PROPOSALS_SHOWN = 300, /* proposals listed on the queue page */
};

/* Used by: the queue (pending proposals of the places the account may edit). */
static const char Q_QUEUE[] =
    "SELECT fp.id, fp.entity, fp.entity_id, fp.field, fp.value, fp.source, fp.proposed_at,"
    " place.id, place.name, place.commune, w.title"
    " FROM field_proposal fp JOIN place ON place.id = fp.place_id"
    " LEFT JOIN workshop w ON fp.entity = 'workshop' AND w.id = fp.entity_id"
    " WHERE fp.status = 'pending' AND " ADMIN_CAN_EDIT("place",
                                                       ":account") " ORDER BY fp.id LIMIT :limit";

/*
 * The current and proposed values of a proposal on `p`, as a person reads
 * them: a workshop's dates in sentences (workshop_schedule_words), never
 * their stored JSON; other fields as stored. A value that is empty is left
 * out (the template says « vide »).
 */
static void set_values(db_conn *c, json_t *p, const char *entity, int64_t entity_id,
                       const char *field, const char *value)
{
    bool schedule = strcmp(entity, "workshop") == 0 && strcmp(field, "schedule") == 0;
    char *current = NULL;
    if (schedule) {
        current = workshop_schedule_text(c, entity_id);
    } else {
        json_t *row = provenance_row(c, entity, entity_id);
        const char *v = json_string_value(json_object_get(row, field));
        current = v ? xstrdup(v) : NULL;
        json_decref(row);
    }
    const char *keys[2] = {"current", "value"};
    const char *texts[2] = {current, value};
    for (int i = 0; i < 2; i++) {
        char *words = schedule ? workshop_schedule_words(texts[i]) : NULL;
        const char *shown = words ? words : texts[i];
        if (shown && *shown) json_object_set_new(p, keys[i], json_string(shown));
        free(words);
    }
    free(current);
}

int page_admin_proposals(req *r)
{
    db_conn *c = db_reader(r->app->db);
    sqlite3_stmt *s = db_stmt(c, Q_QUEUE);
    db_bind_int(s, ":account", r->user->account_id);
    db_bind_int(s, ":limit", PROPOSALS_SHOWN);
    json_t *list = json_array();
    while (sqlite3_step(s) == SQLITE_ROW) {
        const char *entity = db_col_text(s, 1), *field = db_col_text(s, 3);
        json_t *p = json_pack("{s:I, s:s, s:s, s:s, s:I, s:s, s:s}", "id",
                              (json_int_t)sqlite3_column_int64(s, 0), "field", field, "label",
                              provenance_label(entity, field), "source", db_col_text(s, 5),
                              "place_id", (json_int_t)sqlite3_column_int64(s, 7), "place",
                              db_col_text(s, 8), "commune", db_col_text(s, 9));
        set_values(c, p, entity, sqlite3_column_int64(s, 2), field, db_col_text(s, 4));
        if (db_col_text(s, 10)) json_object_set_new(p, "workshop", json_string(db_col_text(s, 10)));
        json_array_append_new(list, p);
    }
    sqlite3_reset(s);
    json_t *m = session_page_model(r, _("Propositions des sources"));
    json_object_set_new(m, "proposals", list);
    json_object_set_new(m, "from_queue", json_true());
    const char *ok = req_query(r, "ok");
    if (ok && strcmp(ok, "accepte") == 0)
        json_object_set_new(m, "notice", json_string(_("La proposition est acceptée.")));
    else if (ok && strcmp(ok, "refuse") == 0)
        json_object_set_new(m, "notice", json_string(_("La proposition est refusée.")));
    return reply_page(r, "admin_proposals", m);
}

int page_admin_place_proposals(req *r)
{
    int64_t id = place_parse_segment(r->params[0], NULL);
    db_conn *c = db_reader(r->app->db);
    int64_t updated;
    json_t *place = id ? place_view(c, id, &updated) : NULL;
    if (!place) return reply_error(r, 404, "Ce lieu n'existe pas.");
    if (!admin_can_edit(c, r->user->account_id, id)) {
        json_decref(place);
        return reply_error(
            r, 403,
            "Vous ne pouvez pas modifier ce lieu : il ne fait pas partie de ceux que vous gérez.");
    }
    json_t *view = provenance_view(c, "place", id);
    json_t *m = session_page_model(r, _("Propositions et origine des informations"));
    json_object_set_new(m, "place", place);
    json_object_set(m, "proposals", json_object_get(view, "proposals"));
    json_object_set(m, "origins", json_object_get(view, "origins"));
    json_decref(view);
    const char *ok = req_query(r, "ok");
    if (ok && strcmp(ok, "accepte") == 0)
        json_object_set_new(m, "notice", json_string(_("La proposition est acceptée.")));
    else if (ok && strcmp(ok, "refuse") == 0)
        json_object_set_new(m, "notice", json_string(_("La proposition est refusée.")));
    return reply_page(r, "admin_proposals", m);
}

/* Used by: a decision (the proposal, only when the account may edit its place). */
static const char Q_PROPOSAL[] =
    "SELECT fp.entity, fp.entity_id, fp.place_id, fp.field, fp.value"
    " FROM field_proposal fp JOIN place ON place.id = fp.place_id"
    " WHERE fp.id = :id AND fp.status = 'pending' AND " ADMIN_CAN_EDIT("place", ":account");
/* Used by: accepting a proposal for a place (through place_store, authorised). */
static const char Q_ACCEPT[] =
    PLACE_STORE_UPDATE("id = :id AND " ADMIN_CAN_EDIT("place", ":account"));

enum { NOT_YOURS = -3 }; /* no such pending proposal for this account */

typedef struct decide_args {
    req *r;
    int64_t id;
    bool accept;
    int64_t place_id; /* out */
} decide_args;

static int decide_tx(db_conn *w, void *ctx)
{
    decide_args *a = ctx;
    req *r = a->r;
    int64_t account = r->user->account_id;
    sqlite3_stmt *s = db_stmt(w, Q_PROPOSAL);
    db_bind_int(s, ":id", a->id);
    db_bind_int(s, ":account", account);
    if (sqlite3_step(s) != SQLITE_ROW) {
        sqlite3_reset(s);
        return NOT_YOURS;
    }
    char *entity = xstrdup(db_col_text(s, 0)), *field = xstrdup(db_col_text(s, 3));
    int64_t entity_id = sqlite3_column_int64(s, 1);
    a->place_id = sqlite3_column_int64(s, 2);
    char *value = provenance_col_text(s, 4);
    sqlite3_reset(s);
    int rc = 0;
    bool place = strcmp(entity, "place") == 0;
    /* A position is one fact: its two halves are decided together. */
    const char *other = !place                            ? NULL
                        : strcmp(field, "latitude") == 0  ? "longitude"
                        : strcmp(field, "longitude") == 0 ? "latitude"
                                                          : NULL;
    char *other_value = NULL;
    int64_t other_id = other ? provenance_pending(w, entity, entity_id, other, &other_value) : 0;
    if (a->accept && place) {
        place_write pw = {.id = entity_id,
                          .values =
                              json_pack("{s:o}", field, value ? json_string(value) : json_null()),
                          .account = account,
                          .source = PROVENANCE_ACCEPTED};
        if (other_id)
            json_object_set_new(pw.values, other,
                                other_value ? json_string(other_value) : json_null());
        rc = place_store_update(w, Q_ACCEPT, &pw) == 1 ? 0 : -1;
        json_decref(pw.values);
    } else if (a->accept) {
        rc = workshop_accept_proposal(w, entity_id, field, value, account) == 1 ? 0 : -1;
    } else {
        json_t *row = provenance_row(w, entity, entity_id);
        rc = provenance_note(w, a->place_id, account, PROVENANCE_REFUSED, entity, entity_id, field,
                             json_string_value(json_object_get(row, field)), value);
        json_decref(row);
    }
    if (rc == 0 && !a->accept && other_id) {
        json_t *row = provenance_row(w, entity, entity_id);
        rc = provenance_note(w, a->place_id, account, PROVENANCE_REFUSED, entity, entity_id, other,
                             json_string_value(json_object_get(row, other)), other_value);
        json_decref(row);
    }
    const char *status = a->accept ? "accepted" : "refused";
    if (rc == 0 && provenance_close(w, a->id, status, account) != 1) rc = -1;
    if (rc == 0 && other_id && provenance_close(w, other_id, status, account) != 1) rc = -1;
    if (rc == 0)
        auth_audit(w, a->accept ? "proposal_accepted" : "proposal_refused", account,
                   arena_printf(r->arena, "place:%lld", (long long)a->place_id), req_client_ip(r),
                   field);
    free(entity);
    free(field);
    free(value);
    free(other_value);
    return rc;
}

int page_admin_proposal_decide(req *r)
{
    int64_t id = place_parse_segment(r->params[0], NULL);
    const char *decision = r->params[1];
    bool accept = strcmp(decision, "accepter") == 0;
    if (!accept && strcmp(decision, "refuser") != 0)
        return reply_error(r, 404, "Cette action n'existe pas.");
    decide_args a = {r, id, accept, 0};
    int rc = db_transaction(r->app->db, decide_tx, &a);
    if (rc == NOT_YOURS)
        return reply_error(r, 403,
                           "Cette proposition n'existe pas, a déjà été traitée, ou concerne un "
                           "lieu que vous ne gérez pas.");
    if (rc < 0) return -1;
    const char *from = req_form(r, "depuis");
    const char *ok = accept ? "accepte" : "refuse";
    if (from && strcmp(from, "file") == 0)
        return reply_redirect(r, 303, arena_printf(r->arena, "/admin/propositions?ok=%s", ok));
    return reply_redirect(
        r, 303,
        arena_printf(r->arena, "/admin/lieux/%lld/propositions?ok=%s", (long long)a.place_id, ok));
}
