/*
 * cmd_user.c — `repere user add|invite|grant|revoke|list`: the first
 * administrator and scripting. Every change is audited (actor: command line).
 *
 *   repere user add EMAIL [--name NAME] [--password-stdin] [ROLE...]
 *   repere user invite EMAIL [--name NAME] ROLE...
 *   repere user grant EMAIL ROLE...
 *   repere user revoke EMAIL ROLE...
 *   repere user list
 */
#include "cmd/cmd.h"
#include "accounts/access.h"
#include "accounts/auth.h"
#include "core/mail.h"
#include "core/util.h"
#include "core/validate.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_ROLES = 16 };

static int usage(void)
{
    fputs("usage: repere user add EMAIL [--name NAME] [--password-stdin] [ROLE...]\n"
          "       repere user invite EMAIL [--name NAME] ROLE...\n"
          "       repere user grant|revoke EMAIL ROLE...\n"
          "       repere user list\n"
          "ROLE: admin, manager:PLACE_ID, coordinator:departement:CODE,\n"
          "      coordinator:epci:SIREN, coordinator:place:PLACE_ID\n",
          stderr);
    return 2;
}

/* Used by: list. */
static const char Q_LIST[] =
    "SELECT a.id, a.email, coalesce(a.name, ''), a.password_hash IS NOT NULL,"
    " coalesce(a.last_login_at, 'jamais'),"
    " (SELECT group_concat(CASE r.kind WHEN 'admin' THEN 'admin'"
    "   WHEN 'manager' THEN 'manager:' || r.place_id"
    "   ELSE 'coordinator:' || CASE WHEN r.place_id IS NOT NULL THEN 'place:' || r.place_id"
    "     WHEN r.epci IS NOT NULL THEN 'epci:' || r.epci ELSE 'departement:' || r.departement END"
    "   END, ' ') FROM account_role r WHERE r.account_id = a.id)"
    " FROM account a ORDER BY a.email";
/* Used by: checking a place exists before granting a role on it. */
static const char Q_PLACE_EXISTS[] = "SELECT 1 FROM place WHERE id = :id";

static int list(app *a)
{
    sqlite3_stmt *s = db_stmt(db_reader(a->db), Q_LIST);
    printf("%-5s %-36s %-24s %-9s %-21s %s\n", "id", "email", "name", "password", "last login",
           "roles");
    while (sqlite3_step(s) == SQLITE_ROW) {
        /* Names and e-mails come from claims and invitations: never raw to a terminal. */
        char *email = text_terminal_safe(db_col_text(s, 1)),
             *name = text_terminal_safe(db_col_text(s, 2));
        char *roles = text_terminal_safe(db_col_text(s, 5) ? db_col_text(s, 5) : "-");
        printf("%-5lld %-36s %-24s %-9s %-21s %s\n", (long long)sqlite3_column_int64(s, 0), email,
               name, sqlite3_column_int(s, 3) ? "set" : "not yet", db_col_text(s, 4), roles);
        free(email);
        free(name);
        free(roles);
    }
    sqlite3_reset(s);
    return 0;
}

static char *read_password(void)
{
    char line[AUTH_PASSWORD_MAX + 2];
    if (!fgets(line, sizeof line, stdin)) return NULL;
    size_t n = strlen(line);
    while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
        line[--n] = '\0';
    return xstrdup(line);
}

enum {
    USER_NO_ACCOUNT = -3,   /* revoke: no account with that address */
    USER_WRITE_FAILED = -4, /* a role or the password could not be written */
};

typedef struct user_args {
    app *a;
    const char *email, *name;
    const role_spec *roles;
    size_t nroles;
    const char *hash; /* NULL: no password given */
    bool add, invite, revoke;
    char *link; /* out: the invitation link (malloc'd) */
} user_args;

/* Inside the transaction: the account, its roles, its password, the
 * invitation. */
static int user_tx(db_conn *w, void *ctx)
{
    user_args *u = ctx;
    int64_t account =
        u->revoke ? auth_account_find(w, u->email) : auth_account_ensure(w, u->email, u->name);
    if (!account) {
        fprintf(stderr, "repere: no account %s\n", u->email);
        return USER_NO_ACCOUNT;
    }
    if (u->add) auth_audit(w, "account_created", 0, u->email, NULL, "ligne de commande");
    for (size_t i = 0; i < u->nroles; i++)
        if ((u->revoke ? auth_role_revoke(w, account, &u->roles[i], 0)
                       : auth_role_grant(w, account, &u->roles[i], 0)) != 0)
            return USER_WRITE_FAILED;
    if (u->hash) {
        if (auth_set_password(w, account, u->hash) != 0) return USER_WRITE_FAILED;
        auth_audit(w, "password_set", 0, u->email, NULL, "ligne de commande");
    }
    if (u->invite || (u->add && !u->hash)) {
        u->link = admin_invite(u->a, w, u->email, u->name, NULL, 0, 0);
        if (!u->link) return -1;
    }
    return 0;
}

int cmd_user(app *a, int argc, char **argv)
{
    if (argc < 2) return usage();
    const char *verb = argv[1];
    if (strcmp(verb, "list") == 0) return argc == 2 ? list(a) : usage();
    if (argc < 3) return usage();
    const char *email = argv[2];
    const char *why;
    if (!validate_email(email, &why)) {
        fprintf(stderr, "repere: '%s' is not an e-mail address (%s)\n", email, why);
        return 2;
    }
    const char *name = NULL;
    bool password_stdin = false;
    role_spec roles[MAX_ROLES];
    size_t nroles = 0;
    for (int i = 3; i < argc; i++) {
        if (strcmp(argv[i], "--name") == 0 && i + 1 < argc) {
            name = argv[++i];
        } else if (strcmp(argv[i], "--password-stdin") == 0) {
            password_stdin = true;
        } else if (nroles < MAX_ROLES && auth_role_parse(argv[i], &roles[nroles])) {
            nroles++;
        } else {
            fprintf(stderr, "repere: '%s' is not a role\n", argv[i]);
            return usage();
        }
    }
    bool add = strcmp(verb, "add") == 0, invite = strcmp(verb, "invite") == 0,
         grant = strcmp(verb, "grant") == 0, revoke = strcmp(verb, "revoke") == 0;
    if (!add && !invite && !grant && !revoke) return usage();
    if ((invite || grant || revoke) && nroles == 0) {
        fprintf(stderr, "repere: name at least one role\n");
        return 2;
    }
    for (size_t i = 0; i < nroles; i++) {
        if (!roles[i].place_id) continue;
        sqlite3_stmt *s = db_stmt(db_reader(a->db), Q_PLACE_EXISTS);
        db_bind_int(s, ":id", roles[i].place_id);
        bool found = sqlite3_step(s) == SQLITE_ROW;
        sqlite3_reset(s);
        if (!found && !revoke) {
            fprintf(stderr, "repere: there is no place %lld\n", (long long)roles[i].place_id);
            return 1;
        }
    }
    char *hash = NULL;
    if (add && password_stdin) {
        char *pw = read_password();
        const char *problem = auth_password_problem(a->auth, pw, email);
        if (!pw || problem) {
            fprintf(stderr, "repere: %s\n", pw ? problem : "no password on standard input");
            free(pw);
            return 1;
        }
        hash = auth_hash_password(a->auth, pw);
        sodium_memzero(pw, strlen(pw));
        free(pw);
        if (!hash) return 1;
    }

    user_args u = {a, email, name, roles, nroles, hash, add, invite, revoke, NULL};
    int rc = db_transaction(a->db, user_tx, &u);
    free(hash);
    char *link = u.link;
    /* The exit status as before the helper: 1, or -1 when a role or the
     * password could not be written. */
    rc = rc == USER_WRITE_FAILED ? -1 : rc < 0 ? 1 : 0;
    if (rc == 0 && link) {
        if (admin_mail_invite(a, email, link, NULL) != 0)
            fprintf(stderr, "repere: the invitation could not be mailed\n");
        printf("Invitation link for %s (valid 7 days, single use):\n%s\n", email, link);
    } else if (rc == 0) {
        printf("%s: done\n", email);
    }
    free(link);
    return rc;
}
