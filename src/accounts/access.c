/*
 * access.c — authorisation conditions, invitations, verification links and
 * mails to the people of a place; see admin.h.
 */
#include "accounts/access.h"
#include "core/i18n.h"
#include "places/history.h"
#include "core/mail.h"
#include "core/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Used by: admin_can_edit (editor pages, before showing a form). */
static const char Q_CAN_EDIT[] =
    "SELECT 1 FROM place p WHERE p.id = :id AND " ADMIN_CAN_EDIT("p", ":account");
/* Used by: admin_coordinates (claims, closing a place). */
static const char Q_COORDINATES[] =
    "SELECT 1 FROM place p WHERE p.id = :id AND " ADMIN_COORDINATES("p", ":account");

static bool exists(db_conn *c, const char *sql, int64_t account, int64_t place_id)
{
    sqlite3_stmt *s = db_stmt(c, sql);
    db_bind_int(s, ":id", place_id);
    db_bind_int(s, ":account", account);
    bool ok = sqlite3_step(s) == SQLITE_ROW;
    sqlite3_reset(s);
    return ok;
}

bool admin_can_edit(db_conn *c, int64_t account, int64_t place_id)
{
    return exists(c, Q_CAN_EDIT, account, place_id);
}

bool admin_coordinates(db_conn *c, int64_t account, int64_t place_id)
{
    return exists(c, Q_COORDINATES, account, place_id);
}

char *admin_invite(const app *a, db_conn *w, const char *email, const char *name,
                   const role_spec *roles, size_t nroles, int64_t by)
{
    int64_t account = auth_account_ensure(w, email, name);
    if (!account) return NULL;
    for (size_t i = 0; i < nroles; i++)
        if (auth_role_grant(w, account, &roles[i], by) != 0) return NULL;
    char *token = auth_token_create(w, "invite", account, by, now_utc());
    if (!token) return NULL;
    auth_audit(w, "invitation_sent", by, email, NULL, NULL);
    char *base = auth_base_url(a);
    /* In the language of the page the invitation was sent from (French from
     * the command line), like the mail that carries it. */
    char *link = xasprintf("%s%s/compte/activer?t=%s", base, i18n_prefix(i18n_current()), token);
    free(base);
    free(token);
    return link;
}

int admin_mail_invite(const app *a, const char *email, const char *link, const char *place_name)
{
    const char *invited =
        place_name ? _("Vous êtes invité·e à tenir à jour une fiche de l'annuaire Repère pour la "
                       "fiche « %s ».")
                   : _("Vous êtes invité·e à tenir à jour une fiche de l'annuaire Repère.");
    char *first = xasprintf(invited, place_name ? place_name : "");
    char *body = xasprintf(
        _("Bonjour,\n\n"
          "%s\n\n"
          "Pour choisir votre mot de passe, ouvrez ce lien (valable 7 jours, une seule fois) :\n\n"
          "%s\n\n"
          "Si vous n'attendiez pas ce message, ignorez-le : rien ne sera fait sans vous.\n\n"
          "— Repère\n"),
        first, link);
    free(first);
    int rc = mail_send(&a->cfg, email, _("Votre accès à Repère"), body);
    free(body);
    return rc;
}

char *admin_verify_url(const app *a, int64_t place_id, int64_t now)
{
    long long exp = (long long)(now + ADMIN_VERIFY_LINK_TTL);
    char *msg = xasprintf("verify|%lld|%lld", (long long)place_id, exp);
    char sig[65];
    auth_sign(a->auth, msg, sig);
    free(msg);
    char *base = auth_base_url(a);
    char *url =
        xasprintf("%s/verifier?lieu=%lld&exp=%lld&sig=%s", base, (long long)place_id, exp, sig);
    free(base);
    return url;
}

bool admin_verify_link_ok(const app *a, int64_t place_id, const char *expires, const char *sig,
                          int64_t now)
{
    if (!expires || !sig) return false;
    char *end;
    long long exp = strtoll(expires, &end, 10);
    if (*end || end == expires || exp < now) return false;
    char *msg = xasprintf("verify|%lld|%lld", (long long)place_id, exp);
    bool ok = auth_sign_check(a->auth, msg, sig);
    free(msg);
    return ok;
}

char *admin_unsubscribe_url(const app *a, int64_t place_id, const char *email)
{
    char *msg = xasprintf("unsubscribe|%lld|%s", (long long)place_id, email);
    char sig[65];
    auth_sign(a->auth, msg, sig);
    free(msg);
    char *base = auth_base_url(a);
    char *url = xasprintf("%s/rappels/desabonner?lieu=%lld&sig=%s", base, (long long)place_id, sig);
    free(base);
    return url;
}

bool admin_unsubscribe_link_ok(const app *a, int64_t place_id, const char *email, const char *sig)
{
    if (!email || !*email || !sig) return false;
    char *msg = xasprintf("unsubscribe|%lld|%s", (long long)place_id, email);
    bool ok = auth_sign_check(a->auth, msg, sig);
    free(msg);
    return ok;
}

/* Used by: admin_reminder_optout (the unsubscribe link of reminders). */
static const char Q_OPTOUT[] =
    "INSERT OR IGNORE INTO place_reminder_optout (place_id, email) VALUES (:id, :email)";

typedef struct optout_args {
    int64_t place_id;
    const char *email, *ip;
} optout_args;

static int optout_tx(db_conn *w, void *ctx)
{
    const optout_args *o = ctx;
    sqlite3_stmt *s = db_stmt(w, Q_OPTOUT);
    db_bind_int(s, ":id", o->place_id);
    db_bind_text(s, ":email", o->email);
    if (db_exec_stmt(s) != SQLITE_DONE) return -1;
    char subject[32];
    snprintf(subject, sizeof subject, "place:%lld", (long long)o->place_id);
    auth_audit(w, "reminder_unsubscribed", 0, subject, o->ip, NULL);
    return 0;
}

int admin_reminder_optout(const app *a, int64_t place_id, const char *email, const char *ip)
{
    optout_args o = {place_id, email, ip};
    return db_transaction(a->db, optout_tx, &o) < 0 ? -1 : 0;
}

/* Used by: admin_mail_place (who hears about a place): 2 manager, 1 coordinator, 0 admin. */
static const char Q_PLACE_PEOPLE[] =
    "SELECT a.email, max(CASE WHEN ar.kind = 'manager' THEN 2 WHEN ar.kind = 'coordinator' THEN 1"
    " ELSE 0 END) FROM account a JOIN account_role ar ON ar.account_id = a.id JOIN place p ON p.id "
    "= :id"
    " WHERE a.disabled = 0 AND (ar.kind = 'admin' OR ar.place_id = p.id OR (ar.kind = 'coordinator'"
    " AND (ar.departement = p.departement OR ar.epci = (SELECT c.epci FROM commune c"
    "  WHERE c.insee = p.commune_insee))))"
    " GROUP BY a.email ORDER BY 2 DESC, 1 LIMIT 64";

int admin_mail_place(const app *a, db_conn *c, int64_t place_id, bool coordinators,
                     const char *subject, const char *body)
{
    sqlite3_stmt *s = db_stmt(c, Q_PLACE_PEOPLE);
    db_bind_int(s, ":id", place_id);
    char *to[64];
    int rank[64] = {0};
    size_t n = 0;
    int counts[3] = {0, 0, 0};
    while (n < 64 && sqlite3_step(s) == SQLITE_ROW) {
        to[n] = xstrdup(db_col_text(s, 0));
        int k = sqlite3_column_int(s, 1); /* 0 admin, 1 coordinator, 2 manager */
        rank[n] = k < 0 ? 0 : k > 2 ? 2 : k;
        counts[rank[n]]++;
        n++;
    }
    sqlite3_reset(s);
    /* Managers; coordinators too when asked or when there is no manager;
     * administrators only when nobody else would hear. */
    int min_rank = counts[2] && !coordinators ? 2 : counts[2] || counts[1] ? 1 : 0;
    int sent = 0;
    for (size_t i = 0; i < n; i++) {
        if (rank[i] >= min_rank && mail_send(&a->cfg, to[i], subject, body) == 0) sent++;
        free(to[i]);
    }
    return sent;
}

/* Used by: admin_mark_verified ("Rien n'a changé"). updated_at moves too:
 * the API's modified_after delta reports the new confirmation date. */
#define VERIFY_SET                                                                                 \
    "UPDATE place SET verified_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now'),"                        \
    " updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"
static const char Q_VERIFY_AS[] =
    VERIFY_SET " WHERE id = :id AND " ADMIN_CAN_EDIT("place", ":account");
static const char Q_VERIFY_LINK[] = VERIFY_SET " WHERE id = :id";
/* Used by: admin_mark_verified (the previous and new dates, for the history). */
static const char Q_VERIFIED_AT[] = "SELECT verified_at FROM place WHERE id = :id";

/* The place's verified_at (malloc'd, NULL when never or no such place). */
static char *verified_at(db_conn *w, int64_t place_id)
{
    sqlite3_stmt *s = db_stmt(w, Q_VERIFIED_AT);
    db_bind_int(s, ":id", place_id);
    char *at =
        sqlite3_step(s) == SQLITE_ROW && db_col_text(s, 0) ? xstrdup(db_col_text(s, 0)) : NULL;
    sqlite3_reset(s);
    return at;
}

typedef struct verify_args {
    int64_t place_id, account;
    const char *ip;
} verify_args;

/* 1 verified, 0 not allowed or no such place (nothing written), -1 error. */
static int mark_verified_tx(db_conn *w, void *ctx)
{
    const verify_args *v = ctx;
    char *before = verified_at(w, v->place_id);
    sqlite3_stmt *s = db_stmt(w, v->account ? Q_VERIFY_AS : Q_VERIFY_LINK);
    db_bind_int(s, ":id", v->place_id);
    if (v->account) db_bind_int(s, ":account", v->account);
    int rc = db_exec_stmt(s);
    if (rc != SQLITE_DONE || sqlite3_changes(db_handle(w)) != 1) {
        free(before);
        return rc == SQLITE_DONE ? 0 : -1; /* 0: not allowed, or no such place */
    }
    char *after = verified_at(w, v->place_id);
    history_add_event(w, v->place_id, v->account, v->account ? "editor" : "link", "verified_at",
                      before, after);
    free(before);
    free(after);
    char subject[32];
    snprintf(subject, sizeof subject, "place:%lld", (long long)v->place_id);
    auth_audit(w, "place_verified", v->account, subject, v->ip, v->account ? NULL : "lien signé");
    return 1;
}

int admin_mark_verified(const app *a, int64_t place_id, int64_t account, const char *ip)
{
    verify_args v = {place_id, account, ip};
    return db_transaction(a->db, mark_verified_tx, &v);
}
