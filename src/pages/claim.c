/*
 * claim.c — "Vous gérez ce lieu ?": a short form (name, role, e-mail,
 * message) that goes to the coordinators of the place's territory (or the
 * administrators), who accept it (an invitation is sent) or refuse it with a
 * reason, from their dashboard (admin.c). Same protections as reports.
 */
#include "accounts/access.h"
#include "accounts/auth.h"
#include "core/validate.h"
#include "pages/form.h"
#include "pages/pages.h"
#include "places/place_view.h"
#include "http/session.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    CLAIMS_PER_CLIENT_HOUR = 3,
    CLAIM_TEXT_MAX = 200,     /* characters: name, role */
    CLAIM_MESSAGE_MAX = 2000, /* characters */
};

/* The form, declared once (form.h). */
static const form_field CLAIM_FIELDS[] = {
    {.name = "name",
     .label = N_("Votre nom"),
     .required = true,
     .max_chars = CLAIM_TEXT_MAX,
     .if_missing = N_("Indiquez votre nom.")},
    {.name = "role", .label = N_("Votre rôle dans ce lieu"), .max_chars = CLAIM_TEXT_MAX},
    {.name = "email",
     .label = N_("Adresse électronique"),
     .required = true,
     .rule = validate_email,
     .if_missing = N_("Indiquez votre adresse électronique : l'invitation y sera envoyée.")},
    {.name = "message", .label = N_("Message"), .max_chars = CLAIM_MESSAGE_MAX},
};
enum { F_NAME, F_ROLE, F_EMAIL, F_MESSAGE, F_COUNT };
_Static_assert(ARRAY_LEN(CLAIM_FIELDS) == F_COUNT, "one index per field");

/* `values`: what was typed (NULL: an empty form). Takes `p`, `errors`. */
static int claim_form(req *r, json_t *p, const char *const *values, json_t *errors, bool sent)
{
    json_t *m = session_page_model(r, _("Vous gérez ce lieu ?"));
    json_object_set_new(m, "place", p);
    const char *none[F_COUNT] = {0};
    json_t *typed = form_values_model(CLAIM_FIELDS, F_COUNT, values && !sent ? values : none);
    json_object_update(m, typed);
    json_decref(typed);
    if (errors) {
        json_object_set_new(m, "errors", errors);
        if (!r->status) r->status = 400;
    }
    if (sent) json_object_set_new(m, "sent", json_true());
    return reply_page(r, "claim", m);
}

static json_t *load_place(req *r, int64_t *id)
{
    *id = place_parse_segment(r->params[0], NULL);
    int64_t updated;
    return *id ? place_view(db_reader(r->app->db), *id, &updated) : NULL;
}

int page_claim(req *r)
{
    int64_t id;
    json_t *p = load_place(r, &id);
    if (!p) return reply_error(r, 404, "Ce lieu n'existe pas ou n'existe plus.");
    return claim_form(r, p, NULL, NULL, false);
}

/* Used by: page_claim_post. */
static const char Q_CLIENT_COUNT[] =
    "SELECT count(*) FROM place_claim WHERE client_key = :key"
    " AND created_at > strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-1 hour')";
static const char Q_INSERT[] =
    "INSERT INTO place_claim (place_id, name, role, email, message, client_key)"
    " VALUES (:id, :name, :role, :email, :message, :key)";

enum { CLAIM_TOO_MANY = -3 }; /* this client sent too many claims in the last hour */

typedef struct claim_args {
    req *r;
    int64_t place_id;
    const char *key; /* the client's keyed hash */
    const char *const *v;
} claim_args;

/* Inside the transaction: the rate limit, then the claim and its audit line. */
static int claim_tx(db_conn *w, void *ctx)
{
    const claim_args *a = ctx;
    sqlite3_stmt *s = db_stmt(w, Q_CLIENT_COUNT);
    db_bind_text(s, ":key", a->key);
    int recent = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int(s, 0) : 0;
    sqlite3_reset(s);
    if (recent >= CLAIMS_PER_CLIENT_HOUR) return CLAIM_TOO_MANY;
    s = db_stmt(w, Q_INSERT);
    db_bind_int(s, ":id", a->place_id);
    db_bind_text(s, ":name", a->v[F_NAME]);
    db_bind_text(s, ":role", a->v[F_ROLE]);
    db_bind_text(s, ":email", a->v[F_EMAIL]);
    db_bind_text(s, ":message", a->v[F_MESSAGE]);
    db_bind_text(s, ":key", a->key);
    if (db_exec_stmt(s) != SQLITE_DONE) return -1;
    auth_audit(w, "claim_received", 0,
               arena_printf(a->r->arena, "place:%lld", (long long)a->place_id), req_client_ip(a->r),
               a->v[F_EMAIL]);
    return 0;
}

int page_claim_post(req *r)
{
    int64_t id;
    json_t *p = load_place(r, &id);
    if (!p) return reply_error(r, 404, "Ce lieu n'existe pas ou n'existe plus.");
    const char *trap = req_form(r, "site");
    if (trap && *trap) return claim_form(r, p, NULL, NULL, true);
    const char *v[F_COUNT];
    json_t *errors = json_object();
    if (!form_read(r, CLAIM_FIELDS, F_COUNT, v, errors)) return claim_form(r, p, v, errors, false);
    char key[33];
    auth_client_key(r->app->auth, req_client_ip(r), key);
    claim_args a = {r, id, key, v};
    int rc = db_transaction(r->app->db, claim_tx, &a);
    if (rc == CLAIM_TOO_MANY) {
        r->status = 429;
        json_object_set_new(
            errors, "message",
            json_string(_("Vous avez déjà envoyé plusieurs demandes : réessayez dans une heure.")));
        return claim_form(r, p, v, errors, false);
    }
    json_decref(errors);
    if (rc < 0) {
        json_decref(p);
        return -1;
    }
    const char *name = v[F_NAME], *role = v[F_ROLE], *email = v[F_EMAIL], *message = v[F_MESSAGE];
    const char *pname = json_string_value(json_object_get(p, "name"));
    char *base = auth_base_url(r->app);
    char *subject = xasprintf("Demande de gestion de « %s »", pname);
    char *body = xasprintf(
        "Bonjour,\n\n%s (%s, %s) demande à gérer la fiche « %s ».\n\nMessage :\n%s\n\n"
        "Acceptez ou refusez la demande depuis votre tableau de bord : %s/admin\n\n— Repère\n",
        name, *role ? role : "rôle non précisé", email, pname, *message ? message : "(aucun)",
        base);
    admin_mail_place(r->app, db_reader(r->app->db), id, true, subject, body);
    free(base);
    free(subject);
    free(body);
    return claim_form(r, p, NULL, NULL, true);
}
