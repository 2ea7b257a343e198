/*
 * claim.c — "Vous gérez ce lieu ?": a short form (name, role, e-mail,
 * message) that goes to the coordinators of the place's territory (or the
 * administrators), who accept it (an invitation is sent) or refuse it with a
 * reason, from their dashboard (admin.c). Same protections as reports.
 */
#include "accounts/access.h"
#include "accounts/auth.h"
#include "core/validate.h"
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

static int claim_form(req *r, json_t *p, json_t *errors, bool sent)
{
    json_t *m = session_page_model(r, "Vous gérez ce lieu ?");
    json_object_set_new(m, "place", p);
    const char *keys[] = {"name", "role", "email", "message"};
    for (size_t i = 0; i < ARRAY_LEN(keys); i++) {
        const char *v = req_form(r, keys[i]);
        json_object_set_new(m, keys[i], json_string(v && !sent ? v : ""));
    }
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
    return claim_form(r, p, NULL, false);
}

/* Used by: page_claim_post. */
static const char Q_CLIENT_COUNT[] =
    "SELECT count(*) FROM place_claim WHERE client_key = :key"
    " AND created_at > strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-1 hour')";
static const char Q_INSERT[] =
    "INSERT INTO place_claim (place_id, name, role, email, message, client_key)"
    " VALUES (:id, :name, :role, :email, :message, :key)";

static char *field(req *r, const char *name)
{
    const char *v = req_form(r, name);
    return str_trim(arena_strdup(r->arena, v ? v : ""));
}

int page_claim_post(req *r)
{
    int64_t id;
    json_t *p = load_place(r, &id);
    if (!p) return reply_error(r, 404, "Ce lieu n'existe pas ou n'existe plus.");
    const char *trap = req_form(r, "site");
    if (trap && *trap) return claim_form(r, p, NULL, true);
    char *name = field(r, "name"), *role = field(r, "role"), *email = field(r, "email"),
         *message = field(r, "message");
    json_t *errors = json_object();
    if (!*name) json_object_set_new(errors, "name", json_string("Indiquez votre nom."));
    else if (utf8_length(name) > CLAIM_TEXT_MAX) json_object_set_new(errors, "name", json_string("Trop long : 200 caractères au plus."));
    if (utf8_length(role) > CLAIM_TEXT_MAX) json_object_set_new(errors, "role", json_string("Trop long : 200 caractères au plus."));
    const char *why;
    if (!*email)
        json_object_set_new(
            errors, "email",
            json_string("Indiquez votre adresse électronique : l'invitation y sera envoyée."));
    else if (!validate_email(email, &why))
        json_object_set_new(
            errors, "email",
            json_string(arena_printf(
                r->arena, "Adresse électronique invalide (%s) : l'invitation y sera envoyée.",
                why)));
    if (utf8_length(message) > CLAIM_MESSAGE_MAX)
        json_object_set_new(errors, "message", json_string("Message trop long : 2 000 caractères au plus."));
    if (json_object_size(errors)) return claim_form(r, p, errors, false);
    char key[33];
    auth_client_key(r->app->auth, req_client_ip(r), key);
    db_conn *w = db_begin(r->app->db);
    if (!w) {
        json_decref(errors);
        json_decref(p);
        return -1;
    }
    sqlite3_stmt *s = db_stmt(w, Q_CLIENT_COUNT);
    db_bind_text(s, ":key", key);
    int recent = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int(s, 0) : 0;
    sqlite3_reset(s);
    if (recent >= CLAIMS_PER_CLIENT_HOUR) {
        db_rollback(w);
        r->status = 429;
        json_object_set_new(errors, "message", json_string("Vous avez déjà envoyé plusieurs demandes : réessayez dans une heure."));
        return claim_form(r, p, errors, false);
    }
    json_decref(errors);
    s = db_stmt(w, Q_INSERT);
    db_bind_int(s, ":id", id);
    db_bind_text(s, ":name", name);
    db_bind_text(s, ":role", role);
    db_bind_text(s, ":email", email);
    db_bind_text(s, ":message", message);
    db_bind_text(s, ":key", key);
    if (db_exec_stmt(s) != SQLITE_DONE) {
        db_rollback(w);
        json_decref(p);
        return -1;
    }
    auth_audit(w, "claim_received", 0, arena_printf(r->arena, "place:%lld", (long long)id), req_client_ip(r), email);
    if (db_commit(w) != 0) {
        json_decref(p);
        return -1;
    }
    const char *pname = json_string_value(json_object_get(p, "name"));
    char *base = auth_base_url(r->app);
    char *subject = xasprintf("Demande de gestion de « %s »", pname);
    char *body = xasprintf("Bonjour,\n\n%s (%s, %s) demande à gérer la fiche « %s ».\n\nMessage :\n%s\n\n"
                           "Acceptez ou refusez la demande depuis votre tableau de bord : %s/admin\n\n— Repère\n",
                           name, *role ? role : "rôle non précisé", email, pname, *message ? message : "(aucun)", base);
    admin_mail_place(r->app, db_reader(r->app->db), id, true, subject, body);
    free(base);
    free(subject);
    free(body);
    return claim_form(r, p, NULL, true);
}
