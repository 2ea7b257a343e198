/*
 * session.c — cookies, access levels and CSRF tokens; see session.h.
 */
#include "http/session.h"
#include "accounts/auth.h"
#include "core/util.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *cookie_name(const req *r)
{
    return r->app->cfg.behind_tls ? "__Host-sid" : "sid";
}

/* Used by: session_load (every request that carries a session cookie). */
static const char Q_SESSION[] =
    "SELECT s.id, s.account_id, s.csrf, s.created_at, s.seen_at, a.email, a.name,"
    " EXISTS (SELECT 1 FROM account_role r WHERE r.account_id = a.id AND r.kind = 'admin'),"
    " EXISTS (SELECT 1 FROM account_role r WHERE r.account_id = a.id AND r.kind = 'coordinator'),"
    " EXISTS (SELECT 1 FROM account_role r WHERE r.account_id = a.id AND r.kind = 'manager')"
    " FROM session s JOIN account a ON a.id = s.account_id"
    " WHERE s.token_hash = :hash AND a.disabled = 0";
/* Used by: session_load (idle expiry clock). */
static const char Q_TOUCH[] = "UPDATE session SET seen_at = :now WHERE id = :id";
/* Used by: session_load, session_end. */
static const char Q_DELETE[] = "DELETE FROM session WHERE id = :id";
/* Used by: session_start (expired sessions go when anyone logs in). */
static const char Q_PURGE[] = "DELETE FROM session WHERE seen_at < :idle OR created_at < :absolute";
static const char Q_INSERT[] =
    "INSERT INTO session (token_hash, account_id, csrf, created_at, seen_at)"
    " VALUES (:hash, :account, :csrf, :now, :now)";
static const char Q_DELETE_ALL[] = "DELETE FROM session WHERE account_id = :account";
static const char Q_DELETE_HASH[] = "DELETE FROM session WHERE token_hash = :hash";

typedef struct write_one_args {
    const char *sql;
    int64_t id, now;
} write_one_args;

static int write_one_tx(db_conn *w, void *ctx)
{
    const write_one_args *a = ctx;
    sqlite3_stmt *s = db_stmt(w, a->sql);
    db_bind_int(s, ":id", a->id);
    if (a->now) db_bind_int(s, ":now", a->now);
    return db_exec_stmt(s) == SQLITE_DONE ? 0 : -1;
}

/* One statement with :id (and :now when not 0), in its own transaction; a
 * failure only costs a session's "seen" time or an early logout row. */
static void write_one(db *d, const char *sql, int64_t id, int64_t now)
{
    write_one_args a = {sql, id, now};
    db_transaction(d, write_one_tx, &a);
}

void session_load(req *r)
{
    r->user = NULL;
    const char *token = req_cookie(r, cookie_name(r));
    if (!token || strlen(token) != AUTH_TOKEN_CHARS) return;
    char hash[AUTH_HASH_HEX + 1];
    auth_token_hash(token, hash);
    sqlite3_stmt *s = db_stmt(db_reader(r->app->db), Q_SESSION);
    db_bind_text(s, ":hash", hash);
    if (sqlite3_step(s) != SQLITE_ROW) {
        sqlite3_reset(s);
        return;
    }
    int64_t now = now_utc();
    int64_t id = sqlite3_column_int64(s, 0), created = sqlite3_column_int64(s, 3),
            seen = sqlite3_column_int64(s, 4);
    if (now - seen > SESSION_IDLE || now - created > SESSION_MAX) {
        sqlite3_reset(s);
        write_one(r->app->db, Q_DELETE, id, 0);
        return;
    }
    session_user *u = arena_alloc(r->arena, sizeof *u);
    memset(u, 0, sizeof *u);
    u->session_id = id;
    u->account_id = sqlite3_column_int64(s, 1);
    snprintf(u->csrf, sizeof u->csrf, "%s", db_col_text(s, 2));
    u->email = arena_strdup(r->arena, db_col_text(s, 5));
    u->name = db_col_text(s, 6) ? arena_strdup(r->arena, db_col_text(s, 6)) : NULL;
    u->admin = sqlite3_column_int(s, 7);
    u->coordinator = sqlite3_column_int(s, 8);
    u->manager = sqlite3_column_int(s, 9);
    sqlite3_reset(s);
    if (now - seen >= SESSION_TOUCH_EVERY) write_one(r->app->db, Q_TOUCH, id, now);
    r->user = u;
}

bool session_allows(const session_user *u, access_level level)
{
    switch (level) {
    case ACCESS_PUBLIC:
        return true;
    case ACCESS_SIGNED_IN:
        return u != NULL;
    case ACCESS_COORDINATOR:
        return u && (u->coordinator || u->admin);
    case ACCESS_ADMIN:
        return u && u->admin;
    }
    return false;
}

/* Anonymous forms: "EXPIRY.HMAC(anon-form|EXPIRY)". */
const char *session_csrf_token(req *r)
{
    if (r->user) return r->user->csrf;
    int64_t exp = now_utc() + SESSION_ANON_TOKEN_TTL;
    char *msg = arena_printf(r->arena, "anon-form|%lld", (long long)exp);
    char sig[65];
    auth_sign(r->app->auth, msg, sig);
    return arena_printf(r->arena, "%lld.%s", (long long)exp, sig);
}

bool session_csrf_ok(req *r)
{
    const char *given = req_form(r, "csrf");
    if (!given) return false;
    if (r->user) {
        size_t n = strlen(r->user->csrf);
        return strlen(given) == n && sodium_memcmp(given, r->user->csrf, n) == 0;
    }
    const char *dot = strchr(given, '.');
    if (!dot || dot == given || dot - given > 12) return false;
    char *end;
    long long exp = strtoll(given, &end, 10);
    int64_t now = now_utc();
    if (end != dot || exp < now || exp > now + SESSION_ANON_TOKEN_TTL) return false;
    char *msg = arena_printf(r->arena, "anon-form|%lld", exp);
    return auth_sign_check(r->app->auth, msg, dot + 1);
}

static void set_cookie(req *r, const char *value, bool clear)
{
    bool tls = r->app->cfg.behind_tls;
    char *c = arena_printf(r->arena, "%s=%s; Path=/; HttpOnly; SameSite=Strict%s%s", cookie_name(r),
                           value, tls ? "; Secure" : "", clear ? "; Max-Age=0" : "");
    reply_header(r, "Set-Cookie", c);
}

typedef struct start_args {
    const char *old; /* the cookie the browser presented, or NULL */
    const char *hash, *csrf;
    int64_t account, now;
} start_args;

static int session_start_tx(db_conn *w, void *ctx)
{
    const start_args *a = ctx;
    const char *old = a->old;
    int64_t now = a->now;
    /* Whatever session the browser presented ends here: a planted cookie
     * never becomes a signed-in one. */
    if (old && strlen(old) == AUTH_TOKEN_CHARS) {
        char old_hash[AUTH_HASH_HEX + 1];
        auth_token_hash(old, old_hash);
        sqlite3_stmt *s = db_stmt(w, Q_DELETE_HASH);
        db_bind_text(s, ":hash", old_hash);
        db_exec_stmt(s);
    }
    sqlite3_stmt *s = db_stmt(w, Q_PURGE);
    db_bind_int(s, ":idle", now - SESSION_IDLE);
    db_bind_int(s, ":absolute", now - SESSION_MAX);
    db_exec_stmt(s);
    s = db_stmt(w, Q_INSERT);
    db_bind_text(s, ":hash", a->hash);
    db_bind_int(s, ":account", a->account);
    db_bind_text(s, ":csrf", a->csrf);
    db_bind_int(s, ":now", now);
    return db_exec_stmt(s) == SQLITE_DONE ? 0 : -1;
}

int session_start(req *r, int64_t account)
{
    char token[AUTH_TOKEN_CHARS + 1], hash[AUTH_HASH_HEX + 1];
    char csrf[AUTH_TOKEN_CHARS + 1], csrf_hash[AUTH_HASH_HEX + 1];
    auth_new_token(token, hash);
    auth_new_token(csrf, csrf_hash);
    start_args a = {req_cookie(r, cookie_name(r)), hash, csrf, account, now_utc()};
    if (db_transaction(r->app->db, session_start_tx, &a) != 0) return -1;
    set_cookie(r, token, false);
    sodium_memzero(token, sizeof token);
    return 0;
}

void session_end(req *r)
{
    if (r->user) write_one(r->app->db, Q_DELETE, r->user->session_id, 0);
    set_cookie(r, "", true);
    r->user = NULL;
}

void session_end_all(db_conn *w, int64_t account)
{
    sqlite3_stmt *s = db_stmt(w, Q_DELETE_ALL);
    db_bind_int(s, ":account", account);
    db_exec_stmt(s);
}

json_t *session_page_model(req *r, const char *title)
{
    json_t *m = json_pack("{s:s, s:s}", "title", title, "csrf", session_csrf_token(r));
    const session_user *u = r->user;
    if (u) {
        json_t *me = json_pack("{s:s, s:b, s:b, s:b, s:b}", "email", u->email, "admin", u->admin,
                               "coordinator", u->coordinator || u->admin, "manager", u->manager,
                               "signed_in", true);
        if (u->name) json_object_set_new(me, "name", json_string(u->name));
        json_object_set_new(m, "me", me);
    }
    return m;
}
