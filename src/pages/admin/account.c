/*
 * account.c — signing in and out, invitation and reset links, the account
 * page (password change, logout everywhere). Security model: docs/security.md.
 *
 *   GET/POST /connexion            login (throttled per account and address)
 *   POST     /deconnexion          logout
 *   GET/POST /compte/oubli         ask for a reset link (same answer either way)
 *   GET/POST /compte/activer?t=…   choose a password (invitation or reset link)
 *   GET      /compte               roles, password change, logout everywhere
 */
#include "accounts/access.h"
#include "accounts/auth.h"
#include "core/mail.h"
#include "core/validate.h"
#include "pages/form.h"
#include "pages/pages.h"
#include "http/session.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A local path to go back to after login ("/admin" unless safe). */
/* Where to go after signing in: a path of this site, else the dashboard. */
static const char *safe_return(const char *to)
{
    return validate_local_path(to, 512) ? to : "/admin";
}

static const char *form_or_empty(req *r, const char *name)
{
    const char *v = req_form(r, name);
    return v ? v : "";
}

int page_login(req *r)
{
    if (r->user) return reply_redirect(r, 303, "/admin");
    json_t *m = session_page_model(r, _("Connexion — Espace gestionnaires"));
    json_object_set_new(m, "retour", json_string(safe_return(req_query(r, "retour"))));
    if (req_query(r, "fin")) json_object_set_new(m, "ended", json_true());
    return reply_page(r, "login", m);
}

/* Used by: page_login_post. */
static const char Q_LOGIN[] =
    "SELECT id, password_hash, disabled FROM account WHERE email = :email";
static const char Q_LOGGED_IN[] =
    "UPDATE account SET last_login_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE id = :id";
static const char Q_REHASH[] = "UPDATE account SET password_hash = :hash WHERE id = :id";

static int login_again(req *r, int status, const char *email, const char *retour, const char *error)
{
    json_t *m = session_page_model(r, _("Connexion — Espace gestionnaires"));
    json_object_set_new(m, "email", json_string(email));
    json_object_set_new(m, "retour", json_string(retour));
    json_object_set_new(m, "error", json_string(error));
    r->status = status;
    return reply_page(r, "login", m);
}

/* One audit line in its own transaction (what the callers did by hand). */
typedef struct audit_args {
    const char *event;
    int64_t actor;
    const char *subject, *ip, *detail;
} audit_args;

static int audit_tx(db_conn *w, void *ctx)
{
    const audit_args *a = ctx;
    auth_audit(w, a->event, a->actor, a->subject, a->ip, a->detail);
    return 0;
}

/* A password check (the login, or the current password of a password
 * change): reserved against the throttle before the slow hash runs, then
 * its outcome recorded, each in its own write transaction. */
typedef struct check_args {
    const char *event; /* "login", "password_check" */
    bool ok;
    int64_t account, now, wait;
    const char *email, *ip;
} check_args;

static int check_begin_tx(db_conn *w, void *ctx)
{
    check_args *a = ctx;
    a->wait = auth_throttle_begin(w, a->email, a->ip, a->now);
    if (a->wait > 0) {
        char *event = xasprintf("%s_throttled", a->event);
        auth_audit(w, event, a->account, a->email, a->ip, NULL);
        free(event);
    }
    return 0;
}

/* Inside the transaction: a failure logged (already counted), or a success noted. */
static int check_end_tx(db_conn *w, void *ctx)
{
    const check_args *a = ctx;
    if (!a->ok) {
        char *event = xasprintf("%s_failed", a->event);
        auth_audit(w, event, a->account, a->email, a->ip, a->account ? NULL : "compte inconnu");
        free(event);
        return 0;
    }
    auth_throttle_succeeded(w, a->email, a->ip);
    if (strcmp(a->event, "login") != 0) return 0;
    sqlite3_stmt *s = db_stmt(w, Q_LOGGED_IN);
    db_bind_int(s, ":id", a->account);
    db_exec_stmt(s);
    auth_audit(w, "login", a->account, a->email, a->ip, NULL);
    return 0;
}

/* "réessayez dans 3 minutes", with the Retry-After header. `login` tells
 * the sign-in from the password change: whole sentences for translators. */
static const char *throttled_message(req *r, bool login, int64_t wait)
{
    reply_header(r, "Retry-After", arena_printf(r->arena, "%lld", (long long)wait));
    long long n = wait >= 60 ? (wait + 59) / 60 : wait;
    unsigned long plural = (unsigned long)n;
    const char *format;
    if (login)
        format =
            wait >= 60
                ? ngettext("Trop de tentatives de connexion : réessayez dans %lld minute.",
                           "Trop de tentatives de connexion : réessayez dans %lld minutes.", plural)
                : ngettext("Trop de tentatives de connexion : réessayez dans %lld seconde.",
                           "Trop de tentatives de connexion : réessayez dans %lld secondes.",
                           plural);
    else
        format = wait >= 60 ? ngettext("Trop de tentatives avec le mot de passe actuel : réessayez "
                                       "dans %lld minute.",
                                       "Trop de tentatives avec le mot de passe actuel : réessayez "
                                       "dans %lld minutes.",
                                       plural)
                            : ngettext("Trop de tentatives avec le mot de passe actuel : réessayez "
                                       "dans %lld seconde.",
                                       "Trop de tentatives avec le mot de passe actuel : réessayez "
                                       "dans %lld secondes.",
                                       plural);
    return arena_printf(r->arena, format, n);
}

typedef struct rehash_args {
    int64_t account;
    const char *hash;
} rehash_args;

static int rehash_tx(db_conn *w, void *ctx)
{
    const rehash_args *a = ctx;
    sqlite3_stmt *s = db_stmt(w, Q_REHASH);
    db_bind_text(s, ":hash", a->hash);
    db_bind_int(s, ":id", a->account);
    db_exec_stmt(s);
    return 0;
}

int page_login_post(req *r)
{
    const char *email = form_or_empty(r, "email");
    const char *password = form_or_empty(r, "password");
    const char *retour = safe_return(req_form(r, "retour"));
    const char *ip = req_client_ip(r);
    int64_t now = now_utc();
    if (strlen(email) > 254 || strlen(password) > AUTH_PASSWORD_MAX)
        return login_again(r, 400, "", retour,
                           _("Adresse électronique ou mot de passe incorrect."));

    check_args ca = {.event = "login", .now = now, .email = email, .ip = ip};
    if (db_transaction(r->app->db, check_begin_tx, &ca) < 0) return -1;
    if (ca.wait > 0) return login_again(r, 429, email, retour, throttled_message(r, true, ca.wait));

    sqlite3_stmt *s = db_stmt(db_reader(r->app->db), Q_LOGIN);
    db_bind_text(s, ":email", email);
    int64_t account = 0;
    char *hash = NULL;
    bool disabled = false;
    if (*email && sqlite3_step(s) == SQLITE_ROW) {
        account = sqlite3_column_int64(s, 0);
        hash = db_col_text(s, 1) ? xstrdup(db_col_text(s, 1)) : NULL;
        disabled = sqlite3_column_int(s, 2);
    }
    sqlite3_reset(s);
    bool rehash = false;
    bool ok = auth_verify_password(r->app->auth, hash, password, &rehash) && !disabled;
    free(hash);

    ca.ok = ok;
    ca.account = account;
    if (db_transaction(r->app->db, check_end_tx, &ca) < 0) return -1;
    if (!ok)
        return login_again(r, 401, email, retour,
                           _("Adresse électronique ou mot de passe incorrect."));
    if (rehash) {
        char *fresh = auth_hash_password(r->app->auth, password);
        rehash_args ra = {account, fresh};
        if (fresh) db_transaction(r->app->db, rehash_tx, &ra);
        free(fresh);
    }
    if (session_start(r, account) != 0) return -1;
    return reply_redirect(r, 303, retour);
}

int page_logout(req *r)
{
    audit_args a = {"logout", r->user->account_id, r->user->email, req_client_ip(r), NULL};
    db_transaction(r->app->db, audit_tx, &a);
    session_end(r);
    return reply_redirect(r, 303, "/connexion?fin=1");
}

/* ---- reset links ---- */

int page_forgot(req *r)
{
    return reply_page(r, "login_forgot", session_page_model(r, _("Mot de passe oublié")));
}

/* Used by: page_forgot_post (a reset link only for accounts that can sign in). */
static const char Q_RESETTABLE[] = "SELECT id FROM account WHERE email = :email AND disabled = 0";
/* Used by: page_forgot_post (at most 3 reset links per account and hour). */
static const char Q_RECENT_RESETS[] =
    "SELECT count(*) FROM account_token WHERE account_id = :id AND kind = 'reset'"
    " AND created_at > :since";

/* The forgotten-password form, declared once (form.h). */
static const form_field FORGOT_FIELDS[] = {
    {.name = "email",
     .label = N_("Adresse électronique"),
     .required = true,
     .rule = validate_email,
     .if_missing = N_("Indiquez votre adresse électronique.")},
};

typedef struct forgot_args {
    int64_t account, now;
    const char *email, *ip;
    char *token; /* out: the reset link's token (malloc'd), when there is an account */
} forgot_args;

static int forgot_tx(db_conn *w, void *ctx)
{
    forgot_args *a = ctx;
    if (a->account) a->token = auth_token_create(w, "reset", a->account, 0, a->now);
    auth_audit(w, "reset_requested", 0, a->email, a->ip, a->account ? NULL : "sans effet");
    return 0;
}

int page_forgot_post(req *r)
{
    const char *email;
    json_t *errors = json_object();
    json_t *m = session_page_model(r, _("Mot de passe oublié"));
    json_object_set_new(m, "sent", json_true());
    if (!form_read(r, FORGOT_FIELDS, ARRAY_LEN(FORGOT_FIELDS), &email, errors)) {
        json_object_set_new(m, "sent", json_false());
        json_object_set_new(m, "email", json_string(email));
        json_object_set(m, "error", json_object_get(errors, "email"));
        json_decref(errors);
        r->status = 400;
        return reply_page(r, "login_forgot", m);
    }
    json_decref(errors);
    int64_t now = now_utc();
    sqlite3_stmt *s = db_stmt(db_reader(r->app->db), Q_RESETTABLE);
    db_bind_text(s, ":email", email);
    int64_t account = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
    sqlite3_reset(s);
    if (account) {
        s = db_stmt(db_reader(r->app->db), Q_RECENT_RESETS);
        db_bind_int(s, ":id", account);
        db_bind_int(s, ":since", now - 3600);
        if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_int(s, 0) >= 3) account = 0;
        sqlite3_reset(s);
    }
    forgot_args a = {account, now, email, req_client_ip(r), NULL};
    if (db_transaction(r->app->db, forgot_tx, &a) < 0) {
        free(a.token);
        json_decref(m);
        return -1;
    }
    char *token = a.token;
    if (token) {
        char *base = auth_base_url(r->app);
        char *body =
            /* In the language the link was asked in, and leading back to it. */
            xasprintf(_("Bonjour,\n\nPour choisir un nouveau mot de passe sur Repère, "
                        "ouvrez ce lien (valable une heure, une seule fois) :\n\n"
                        "%s\n\nSi vous n'avez rien demandé, "
                        "ignorez ce message : votre mot de passe reste le même.\n\n— Repère\n"),
                      arena_printf(r->arena, "%s%s/compte/activer?t=%s", base,
                                   i18n_prefix(r->lang ? r->lang : I18N_FRENCH), token));
        mail_send(&r->app->cfg, email, _("Nouveau mot de passe pour Repère"), body);
        free(body);
        free(base);
        free(token);
    }
    /* The same answer whether the account exists or not. */
    return reply_page(r, "login_forgot", m);
}

/* ---- choosing a password from a link ---- */

static int link_refused(req *r)
{
    r->status = 410;
    json_t *m = session_page_model(r, _("Lien expiré"));
    json_object_set_new(m, "expired", json_true());
    return reply_page(r, "account_activate", m);
}

/* Used by: page_activate (the e-mail the link is for). */
static const char Q_ACCOUNT_EMAIL[] = "SELECT email FROM account WHERE id = :id";

static json_t *activate_model(req *r, int64_t account, const char *token, const char *kind)
{
    json_t *m = session_page_model(r, strcmp(kind, "invite") == 0 ? _("Bienvenue sur Repère")
                                                                  : _("Nouveau mot de passe"));
    json_object_set_new(m, "token", json_string(token));
    json_object_set_new(m, "invite", json_boolean(strcmp(kind, "invite") == 0));
    sqlite3_stmt *s = db_stmt(db_reader(r->app->db), Q_ACCOUNT_EMAIL);
    db_bind_int(s, ":id", account);
    if (sqlite3_step(s) == SQLITE_ROW)
        json_object_set_new(m, "email", json_string(db_col_text(s, 0)));
    sqlite3_reset(s);
    return m;
}

int page_activate(req *r)
{
    r->log_without_query = true; /* the token is a secret */
    const char *token = req_query(r, "t");
    const char *kind = NULL;
    int64_t account = auth_token_check(db_reader(r->app->db), token, false, now_utc(), &kind);
    if (!account) return link_refused(r);
    return reply_page(r, "account_activate", activate_model(r, account, token, kind));
}

enum { LINK_REFUSED = -3 }; /* the link was used meanwhile, or the password not stored */

typedef struct activate_args {
    req *r;
    const char *token;
    int64_t account;
    const char *hash, *kind, *email;
} activate_args;

static int activate_tx(db_conn *w, void *ctx)
{
    const activate_args *a = ctx;
    /* Used again inside the transaction: a link works once, even when two
     * forms race. */
    if (auth_token_check(w, a->token, true, now_utc(), NULL) != a->account ||
        auth_set_password(w, a->account, a->hash) != 0)
        return LINK_REFUSED;
    auth_audit(w, strcmp(a->kind, "invite") == 0 ? "invitation_accepted" : "password_reset",
               a->account, a->email, req_client_ip(a->r), NULL);
    return 0;
}

int page_activate_post(req *r)
{
    const char *token = form_or_empty(r, "t");
    const char *password = form_or_empty(r, "password");
    const char *confirm = form_or_empty(r, "password2");
    const char *kind = NULL;
    int64_t account = auth_token_check(db_reader(r->app->db), token, false, now_utc(), &kind);
    if (!account) return link_refused(r);
    json_t *m = activate_model(r, account, token, kind);
    /* Copied: m is freed before the audit line below uses the address. */
    const char *email = json_string_value(json_object_get(m, "email"));
    if (email) email = arena_strdup(r->arena, email);
    const char *problem = auth_password_problem(r->app->auth, password, email);
    if (!problem && strcmp(password, confirm) != 0)
        problem = _("Les deux mots de passe ne sont pas identiques.");
    if (problem) {
        json_object_set_new(m, "error", json_string(problem));
        r->status = 400;
        return reply_page(r, "account_activate", m);
    }
    json_decref(m);
    char *hash = auth_hash_password(r->app->auth, password);
    if (!hash) return -1;
    activate_args a = {r, token, account, hash, kind, email};
    int rc = db_transaction(r->app->db, activate_tx, &a);
    free(hash);
    if (rc == LINK_REFUSED) return link_refused(r);
    if (rc < 0) return -1;
    if (session_start(r, account) != 0) return -1;
    return reply_redirect(r, 303, "/admin");
}

/* ---- the account page ---- */

/* Used by: page_account (the roles of the signed-in account). */
static const char Q_MY_ROLES[] = "SELECT r.kind, r.place_id, r.departement, r.epci, p.name, e.name"
                                 " FROM account_role r LEFT JOIN place p ON p.id = r.place_id"
                                 " LEFT JOIN epci e ON e.siren = r.epci"
                                 " WHERE r.account_id = :id ORDER BY r.kind, p.name";

json_t *account_roles(req *r, int64_t account)
{
    json_t *roles = json_array();
    sqlite3_stmt *s = db_stmt(db_reader(r->app->db), Q_MY_ROLES);
    db_bind_int(s, ":id", account);
    while (sqlite3_step(s) == SQLITE_ROW) {
        const char *kind = db_col_text(s, 0);
        const char *text;
        if (strcmp(kind, "admin") == 0)
            text = _("Administration de tout l'annuaire");
        else if (strcmp(kind, "manager") == 0)
            text = arena_printf(r->arena, _("Gestion du lieu « %s »"),
                                db_col_text(s, 4) ? db_col_text(s, 4) : "?");
        else if (db_col_text(s, 2))
            text = arena_printf(r->arena, _("Coordination du département %s"), db_col_text(s, 2));
        else if (db_col_text(s, 3))
            text = arena_printf(r->arena, _("Coordination de l'EPCI %s"),
                                db_col_text(s, 5) ? db_col_text(s, 5) : db_col_text(s, 3));
        else
            text = arena_printf(r->arena, _("Coordination du lieu « %s »"),
                                db_col_text(s, 4) ? db_col_text(s, 4) : "?");
        json_array_append_new(roles, json_string(text));
    }
    sqlite3_reset(s);
    return roles;
}

static int account_page(req *r, const char *error, const char *notice, int status)
{
    json_t *m = session_page_model(r, _("Mon compte"));
    json_object_set_new(m, "roles", account_roles(r, r->user->account_id));
    if (error) json_object_set_new(m, "error", json_string(error));
    if (notice) json_object_set_new(m, "notice", json_string(notice));
    if (status) r->status = status;
    return reply_page(r, "account", m);
}

int page_account(req *r)
{
    return account_page(r, NULL, req_query(r, "ok") ? _("Votre mot de passe a été changé.") : NULL,
                        0);
}

/* Used by: page_account_password. */
static const char Q_MY_HASH[] = "SELECT password_hash FROM account WHERE id = :id";

typedef struct password_args {
    req *r;
    const char *hash;
} password_args;

static int password_tx(db_conn *w, void *ctx)
{
    const password_args *a = ctx;
    int rc = auth_set_password(w, a->r->user->account_id, a->hash); /* ends every session */
    auth_audit(w, "password_changed", a->r->user->account_id, a->r->user->email,
               req_client_ip(a->r), NULL);
    return rc != 0 ? -1 : 0;
}

int page_account_password(req *r)
{
    const char *current = form_or_empty(r, "current");
    const char *password = form_or_empty(r, "password");
    const char *confirm = form_or_empty(r, "password2");
    /* The current password is a password check like the login's: the same
     * throttle (per account and address), the same audit. */
    check_args ca = {.event = "password_check",
                     .account = r->user->account_id,
                     .now = now_utc(),
                     .email = r->user->email,
                     .ip = req_client_ip(r)};
    if (db_transaction(r->app->db, check_begin_tx, &ca) < 0) return -1;
    if (ca.wait > 0) return account_page(r, throttled_message(r, false, ca.wait), NULL, 429);
    sqlite3_stmt *s = db_stmt(db_reader(r->app->db), Q_MY_HASH);
    db_bind_int(s, ":id", r->user->account_id);
    char *hash =
        sqlite3_step(s) == SQLITE_ROW && db_col_text(s, 0) ? xstrdup(db_col_text(s, 0)) : NULL;
    sqlite3_reset(s);
    ca.ok = auth_verify_password(r->app->auth, hash, current, NULL);
    free(hash);
    if (db_transaction(r->app->db, check_end_tx, &ca) < 0) return -1;
    if (!ca.ok) return account_page(r, _("Le mot de passe actuel n'est pas le bon."), NULL, 400);
    const char *problem = auth_password_problem(r->app->auth, password, r->user->email);
    if (!problem && strcmp(password, confirm) != 0)
        problem = _("Les deux mots de passe ne sont pas identiques.");
    if (problem) return account_page(r, problem, NULL, 400);
    char *fresh = auth_hash_password(r->app->auth, password);
    if (!fresh) return -1;
    password_args a = {r, fresh};
    int rc = db_transaction(r->app->db, password_tx, &a);
    free(fresh);
    if (rc < 0) return -1;
    if (session_start(r, r->user->account_id) != 0) return -1;
    return reply_redirect(r, 303, "/compte?ok=1");
}

static int logout_all_tx(db_conn *w, void *ctx)
{
    req *r = ctx;
    session_end_all(w, r->user->account_id);
    auth_audit(w, "logout_everywhere", r->user->account_id, r->user->email, req_client_ip(r), NULL);
    return 0;
}

int page_account_logout_all(req *r)
{
    if (db_transaction(r->app->db, logout_all_tx, r) < 0) return -1;
    session_end(r);
    return reply_redirect(r, 303, "/connexion?fin=1");
}
