/*
 * access.h — the admin area's domain: who may edit which place (as SQL
 * conditions, so that authorisation happens in the UPDATE itself),
 * invitations, one-click verification links, mails to the people of a place,
 * and the `repere user` and `repere remind` commands.
 */
#ifndef REPERE_ADMIN_H
#define REPERE_ADMIN_H

#include <stdbool.h>
#include <stdint.h>

#include "app.h"
#include "accounts/auth.h"
#include "core/db.h"

/*
 * SQL condition: account `acct` (a bound parameter such as ":account") may
 * edit place `p` (a table name or alias): an administrator, a manager of the
 * place, or a coordinator of the place, of its département or of its EPCI.
 * Used as `UPDATE place SET … WHERE id = :id AND ` ADMIN_CAN_EDIT("place", ":account"),
 * with sqlite3_changes() == 1 required.
 */
#define ADMIN_CAN_EDIT(p, acct)                                                                    \
    "EXISTS (SELECT 1 FROM account_role ar WHERE ar.account_id = " acct                            \
    " AND (ar.kind = 'admin' OR ar.place_id = " p ".id OR (ar.kind = 'coordinator' AND"            \
    " (ar.departement = " p ".departement OR ar.epci = (SELECT c.epci FROM commune c"              \
    " WHERE c.insee = " p ".commune_insee)))))"

/* SQL condition: `acct` coordinates place `p` (administrators included; managers not). */
#define ADMIN_COORDINATES(p, acct)                                                                 \
    "EXISTS (SELECT 1 FROM account_role ar WHERE ar.account_id = " acct                            \
    " AND (ar.kind = 'admin' OR (ar.kind = 'coordinator' AND (ar.place_id = " p ".id"              \
    " OR ar.departement = " p ".departement OR ar.epci = (SELECT c.epci FROM commune c"            \
    " WHERE c.insee = " p ".commune_insee)))))"

enum {
    ADMIN_VERIFY_LINK_TTL = 60 * 86400, /* one-click "rien n'a changé" links in reminders */
};

/* May `account` edit place `place_id`? (ADMIN_CAN_EDIT on a reader.) */
bool admin_can_edit(db_conn *c, int64_t account, int64_t place_id);
/* Does `account` coordinate place `place_id`? */
bool admin_coordinates(db_conn *c, int64_t account, int64_t place_id);

/*
 * Invite `email` (account created without password when new) with `roles`,
 * inside the caller's write transaction. Returns the link to choose a
 * password (malloc'd) or NULL on a database error.
 */
char *admin_invite(const app *a, db_conn *w, const char *email, const char *name,
                   const role_spec *roles, size_t nroles, int64_t by);
/* Mail an invitation link (after commit), in the calling thread's language.
 * `place_name` names the place it is for, may be NULL. Returns 0 or -1. */
int admin_mail_invite(const app *a, const char *email, const char *link, const char *place_name);

/* The signed one-click "rien n'a changé" URL of a place (malloc'd). */
char *admin_verify_url(const app *a, int64_t place_id, int64_t now);
/* Check the parameters of such a URL. */
bool admin_verify_link_ok(const app *a, int64_t place_id, const char *expires, const char *sig,
                          int64_t now);

/* SQL: the public address reminders go to when a place has no manager, the
 * first of its published addresses (emails is '|'-joined); NULL when none. */
#define ADMIN_PLACE_PUBLIC_EMAIL(p)                                                                \
    "nullif(CASE WHEN instr(" p ".emails, '|') > 0 THEN substr(" p ".emails, 1, instr(" p          \
    ".emails, '|') - 1) ELSE " p ".emails END, '')"

/* The signed unsubscribe URL of the reminders mailed to `email`, a place's
 * public address (malloc'd). It does not expire: it stays valid as long as
 * the place publishes that address. */
char *admin_unsubscribe_url(const app *a, int64_t place_id, const char *email);
/* Check such a link against the address the place publishes now. */
bool admin_unsubscribe_link_ok(const app *a, int64_t place_id, const char *email, const char *sig);
/* Record that `email` wants no more reminders for this place (idempotent).
 * Returns 0, or -1 on a database error. */
int admin_reminder_optout(const app *a, int64_t place_id, const char *email, const char *ip);

/* Mail the managers of a place (and, with `coordinators`, its coordinators;
 * when it has no manager, its coordinators; when it has neither, the
 * administrators). Returns how many were sent. */
int admin_mail_place(const app *a, db_conn *c, int64_t place_id, bool coordinators,
                     const char *subject, const char *body);

/* Set verified_at of a place to now, in one transaction, if `account` may
 * edit it (account 0: a signed link, already checked). Returns 1 done, 0 not
 * allowed or no such place, -1 database error. */
int admin_mark_verified(const app *a, int64_t place_id, int64_t account, const char *ip);

/* Commands (main.c): argv[0] is "user" / "remind". Exit statuses. */

#endif
