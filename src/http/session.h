/*
 * session.h — who is asking: the session cookie, the access levels of the
 * route table and the CSRF synchronizer token. http.c calls session_load,
 * session_allows and session_csrf_ok before any handler runs.
 *
 * Cookie: "__Host-sid" (Secure) behind TLS, "sid" for plain-HTTP local use;
 * always HttpOnly, SameSite=Strict, Path=/. The value is 32 random bytes;
 * only its hash is stored. Idle expiry SESSION_IDLE, absolute SESSION_MAX.
 */
#ifndef REPERE_SESSION_H
#define REPERE_SESSION_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "http/request.h"
#include "http/router.h"

enum {
    SESSION_IDLE = 3600,               /* seconds without a request before a session ends */
    SESSION_MAX = 12 * 3600,           /* seconds after login a session ends anyway */
    SESSION_TOUCH_EVERY = 60,          /* seen_at is written at most once a minute */
    SESSION_ANON_TOKEN_TTL = 4 * 3600, /* anonymous forms' signed tokens */
};

struct session_user {
    int64_t account_id;
    int64_t session_id;
    const char *email; /* in r->arena */
    const char *name;  /* may be NULL */
    bool admin, coordinator, manager;
    char csrf[64];
};
typedef struct session_user session_user;

/* Find the request's session from its cookie; sets r->user (or leaves NULL). */
void session_load(req *r);
/* May this user (NULL: anonymous) use a route of this access level? */
bool session_allows(const session_user *u, access_level level);
/* The token every form of this page must carry (session's, or a signed
 * anonymous one). Lives in r->arena. */
const char *session_csrf_token(req *r);
/* Is the form's "csrf" field the right token? Compared with sodium_memcmp. */
bool session_csrf_ok(req *r);

/*
 * Start a new session for `account` (a fresh token always: session fixation
 * is impossible), ending the one the request presented. Sets the cookie.
 * Returns 0 or -1.
 */
int session_start(req *r, int64_t account);
/* End the current session and clear the cookie. */
void session_end(req *r);
/* End every session of the account (inside the caller's write transaction). */
void session_end_all(db_conn *w, int64_t account);

/* A page model for the admin and account pages: title, csrf (the form
 * token) and `me` (email, name, admin, coordinator, manager) when signed in. */
json_t *session_page_model(req *r, const char *title);

#endif
