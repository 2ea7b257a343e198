/*
 * auth.h — accounts: password policy and hashing, single-use tokens,
 * signatures, login throttling, roles and the audit log. No HTTP here (see
 * session.h for cookies and CSRF); the command line (cmd_user.c) and the
 * pages share these functions. Security model: docs/security.md.
 */
#ifndef REPERE_AUTH_H
#define REPERE_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app.h"
#include "core/db.h"

enum {
    AUTH_PASSWORD_MIN = 12,         /* characters (code points, marks with their letter) */
    AUTH_PASSWORD_MAX = 1024,       /* bytes: Argon2 does not care, the form limit does */
    AUTH_MAX_HASHES = 2,            /* Argon2 hashes at once, at most (and half the workers) */
    AUTH_TOKEN_CHARS = 43,          /* 32 random bytes in base64url, no padding */
    AUTH_HASH_HEX = 64,             /* BLAKE2b-256 in hex */
    AUTH_INVITE_TTL = 7 * 86400,    /* invitation links */
    AUTH_RESET_TTL = 3600,          /* password reset links */
    AUTH_ACCOUNT_FREE_FAILURES = 5, /* failed logins per account before delays start */
    AUTH_ACCOUNT_MAX_PER_HOUR = 100,
    AUTH_IP_FREE_FAILURES = 20,  /* failed logins per client address before delays */
    AUTH_MAX_DELAY = 15 * 60,    /* longest delay between two attempts, seconds */
    AUTH_THROTTLE_WINDOW = 3600, /* failures older than this are forgotten */
};

/* Start-up state shared by the threads (read-only but for the semaphore). */
typedef struct auth_state auth_state;

/* Load data/common-passwords.txt, create the hashing semaphore and the
 * signing key (kept in app_secret). Sets a->auth. Returns 0 or -1 (message
 * printed). */
int auth_init(app *a);
void auth_free(app *a);

/* NULL when the password is acceptable, otherwise why not, in French. */
const char *auth_password_problem(const auth_state *s, const char *password, const char *email);

/* Argon2id hash (crypto_pwhash_str, interactive limits), waiting for one of
 * the hashing slots (half the worker threads, at most AUTH_MAX_HASHES). Returns a malloc'd string,
 * NULL on failure. */
char *auth_hash_password(auth_state *s, const char *password);
/* Check a password against a stored hash; with hash NULL, a dummy hash is
 * checked so that unknown accounts take as long as known ones. *rehash is set
 * when the hash should be upgraded (may be NULL). */
bool auth_verify_password(auth_state *s, const char *hash, const char *password, bool *rehash);

/* A fresh random token (32 bytes, base64url: AUTH_TOKEN_CHARS + NUL) and the
 * hex hash stored in its place (AUTH_HASH_HEX + NUL). */
void auth_new_token(char token[AUTH_TOKEN_CHARS + 1], char hash[AUTH_HASH_HEX + 1]);
/* The stored form of a presented token. */
void auth_token_hash(const char *token, char hash[AUTH_HASH_HEX + 1]);

/* HMAC-SHA-256 of `message` with the server's key, hex (64 + NUL). */
void auth_sign(const auth_state *s, const char *message, char out[65]);
/* Constant-time check of a hex signature. */
bool auth_sign_check(const auth_state *s, const char *message, const char *signature);
/* A keyed hash of a client address (rate limits without storing addresses). */
void auth_client_key(const auth_state *s, const char *ip, char out[33]);

/* ---- login throttling ---- */
/* Before a password is checked (the login, the current password of a
 * password change), inside a write transaction: the seconds the client must
 * still wait before trying `email` again from `ip`, or 0 — and then the
 * attempt is already counted as a failure for the account and the address,
 * so that attempts running at the same time see each other. */
int64_t auth_throttle_begin(db_conn *w, const char *email, const char *ip, int64_t now);
/* The password was right: forget the account's failures and take back the
 * attempt counted for the address. */
void auth_throttle_succeeded(db_conn *w, const char *email, const char *ip);

/* ---- audit log ---- */
/* Record an event inside the caller's write transaction, and print it on
 * stderr. `ip` is anonymised (/24, /48). Never pass a secret. */
void auth_audit(db_conn *w, const char *event, int64_t actor, const char *subject, const char *ip,
                const char *detail);

/* ---- accounts and roles ---- */
typedef enum role_kind { ROLE_ADMIN, ROLE_COORDINATOR, ROLE_MANAGER } role_kind;

typedef struct role_spec {
    role_kind kind;
    int64_t place_id;    /* manager, or coordinator of a listed place */
    char departement[4]; /* coordinator of a département */
    char epci[10];       /* coordinator of an EPCI (SIREN) */
} role_spec;

/* Parse "admin", "manager:42", "coordinator:departement:73",
 * "coordinator:epci:200069110", "coordinator:place:42". */
bool auth_role_parse(const char *text, role_spec *out);
/* The role in the same syntax, into out. */
void auth_role_format(const role_spec *r, char *out, size_t size);
/* The role in French ("gestionnaire du lieu 42", "coordination du 73"). */
void auth_role_describe(const role_spec *r, char *out, size_t size);

/* The account with this e-mail (created without password when absent). Returns
 * its id, or 0 on a database error. */
int64_t auth_account_ensure(db_conn *w, const char *email, const char *name);
/* The id of the account with this e-mail, 0 when none. */
int64_t auth_account_find(db_conn *c, const char *email);
/* Grant (idempotent) or revoke a role; both audited. Returns 0 or -1. */
int auth_role_grant(db_conn *w, int64_t account, const role_spec *r, int64_t by);
int auth_role_revoke(db_conn *w, int64_t account, const role_spec *r, int64_t by);
/* Set a password hash and end every session of the account. Returns 0 or -1. */
int auth_set_password(db_conn *w, int64_t account, const char *hash);

/* Create a single-use link token ("invite" or "reset"). Returns the token
 * (malloc'd, caller frees) or NULL. Earlier unused tokens of the same kind
 * of that account stop working. */
char *auth_token_create(db_conn *w, const char *kind, int64_t account, int64_t by, int64_t now);
/* The account a token is valid for (unused, not expired), or 0. With `use`
 * (inside a write transaction) the token is marked used. *kind_out receives
 * "invite" or "reset" (static) when not NULL. */
int64_t auth_token_check(db_conn *c, const char *token, bool use, int64_t now,
                         const char **kind_out);

/* The public base URL for links in mails ("https://repere.example.fr"),
 * from --origin, else http://LISTEN:PORT. Malloc'd. */
char *auth_base_url(const app *a);

#endif
