/*
 * cmd_remind.c — `repere remind [--dry-run]`, meant for a daily timer
 * (contrib/repere-remind.timer): mails every open place whose listing was
 * not confirmed for 6 months, then again at 9 and 12 months, with a signed
 * one-click "Rien n'a changé" link. A place with a manager is mailed at its
 * managers' addresses; a place without one at its public address, with an
 * unsubscribe link (honoured: an address that unsubscribed is not mailed
 * again for that place). Each (place, stage, last confirmation) is mailed
 * once, and a place gets at most one reminder every REMIND_MIN_DAYS days.
 * Links are built on the configured public origin (--origin, REPERE_ORIGIN).
 */
#include "cmd/cmd.h"
#include "accounts/access.h"
#include "core/fr.h"
#include "core/mail.h"
#include "core/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    /* At most one reminder per place in this many days, whatever the stage:
     * a place found stale at 12 months is not mailed three times in a row. */
    REMIND_MIN_DAYS = 30,
};

/* Used by: cmd_remind (places due for a reminder, with their stage and
 * where the mail goes: managers, or the public address when none). */
static const char Q_DUE[] =
    "SELECT p.id, p.name, p.basis, p.stage, p.managed, p.email FROM ("
    "  SELECT id, name, coalesce(verified_at, date_maj) AS basis,"
    "   CASE WHEN julianday('now') - julianday(substr(coalesce(verified_at, date_maj), 1, 10)) >= "
    "365 THEN 12"
    "        WHEN julianday('now') - julianday(substr(coalesce(verified_at, date_maj), 1, 10)) >= "
    "273 THEN 9"
    "        WHEN julianday('now') - julianday(substr(coalesce(verified_at, date_maj), 1, 10)) >= "
    "182 THEN 6"
    "   END AS stage,"
    "   EXISTS (SELECT 1 FROM account_role r WHERE r.place_id = place.id AND r.kind = "
    "'manager') AS managed,"
    "   " ADMIN_PLACE_PUBLIC_EMAIL(
        "place") " AS email"
                 "  FROM place WHERE closed_at IS NULL"
                 " ) p WHERE p.stage IS NOT NULL"
                 " AND (p.managed OR (p.email IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "
                 "place_reminder_optout o"
                 "  WHERE o.place_id = p.id AND o.email = p.email)))"
                 " AND NOT EXISTS (SELECT 1 FROM place_reminder m WHERE m.place_id = p.id AND "
                 "m.stage = p.stage"
                 "  AND m.basis = p.basis)"
                 " AND NOT EXISTS (SELECT 1 FROM place_reminder m WHERE m.place_id = p.id"
                 "  AND m.sent_at > strftime('%Y-%m-%dT%H:%M:%SZ', 'now', :window))"
                 " ORDER BY p.id";
/* Used by: cmd_remind (remember what was sent). */
static const char Q_SENT[] =
    "INSERT OR IGNORE INTO place_reminder (place_id, stage, basis) VALUES (:id, :stage, :basis)";

typedef struct due {
    int64_t id;
    char *name, *basis, *email; /* email: the public address, NULL when managed */
    int stage;
} due;

/* Note that the reminder of this stage went out, and log it. */
static int reminder_sent_tx(db_conn *w, void *ctx)
{
    const due *d = ctx;
    sqlite3_stmt *m = db_stmt(w, Q_SENT);
    db_bind_int(m, ":id", d->id);
    db_bind_int(m, ":stage", d->stage);
    db_bind_text(m, ":basis", d->basis);
    db_exec_stmt(m);
    char subj[32];
    snprintf(subj, sizeof subj, "place:%lld", (long long)d->id);
    char detail[64];
    snprintf(detail, sizeof detail, "%d mois%s", d->stage, d->email ? ", adresse publique" : "");
    auth_audit(w, "reminder_sent", 0, subj, NULL, detail);
    return 0;
}

/* The reminder of a place with managers; returns how many were sent. */
static int mail_managers(app *a, db_conn *c, const due *d, const char *verify, const char *base)
{
    char *subject = xasprintf("Votre fiche « %s » est-elle toujours à jour ?", d->name);
    char *body = xasprintf(
        "Bonjour,\n\n"
        "La fiche « %s » n'a pas été vérifiée depuis %d mois. Les personnes qui cherchent "
        "de l'aide comptent sur ces informations.\n\n"
        "Si rien n'a changé, un clic suffit (lien valable 60 jours) :\n%s\n\n"
        "Pour la modifier, connectez-vous : %s/admin/lieux/%lld\n\n— Repère\n",
        d->name, d->stage, verify, base, (long long)d->id);
    int sent = admin_mail_place(a, c, d->id, false, subject, body);
    free(subject);
    free(body);
    return sent;
}

/* The reminder of a place nobody manages, at its public address. */
static int mail_public_address(app *a, const due *d, const char *verify, const char *base)
{
    char *unsubscribe = admin_unsubscribe_url(a, d->id, d->email);
    buf since = {0};
    if (!fr_date(&since, d->basis)) buf_puts(&since, d->basis);
    char *subject = xasprintf("« %s » dans l'annuaire Repère : est-ce toujours exact ?", d->name);
    char *body = xasprintf(
        "Bonjour,\n\n"
        "Votre lieu « %s » est présenté dans Repère, l'annuaire des lieux qui aident chacun "
        "dans sa vie numérique. Ses informations (horaires, adresse, services) datent du %s : "
        "les personnes qui cherchent de l'aide comptent sur elles.\n\n"
        "Si rien n'a changé, un clic suffit, sans compte (lien valable 60 jours) :\n%s\n\n"
        "Quelque chose a changé ? Signalez-le : %s/lieux/%lld/signaler\n"
        "Vous voulez tenir la fiche à jour vous-même ? Demandez un accès : %s/lieux/%lld/gerer\n\n"
        "Vous recevez ce message parce que cette adresse est publiée sur la fiche du lieu. "
        "Pour ne plus recevoir ces rappels : %s\n\n— Repère\n",
        d->name, since.data, verify, base, (long long)d->id, base, (long long)d->id, unsubscribe);
    int sent = mail_send(&a->cfg, d->email, subject, body) == 0;
    buf_free(&since);
    free(unsubscribe);
    free(subject);
    free(body);
    return sent;
}

int cmd_remind(app *a, int argc, char **argv)
{
    bool dry_run = false;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--dry-run") == 0) {
            dry_run = true;
        } else {
            fprintf(stderr, "usage: repere remind [--dry-run]\n");
            return 2;
        }
    }
    /* Without it the links would point at this machine's listening address,
     * which nobody reading the mail can reach. */
    if (!dry_run && !(a->cfg.public_origin && *a->cfg.public_origin)) {
        fprintf(stderr, "repere remind: the links of reminders need the public origin of the "
                        "site: set REPERE_ORIGIN (or --origin), e.g. https://repere.example.fr\n");
        return 2;
    }
    db_conn *c = db_reader(a->db);
    sqlite3_stmt *s = db_stmt(c, Q_DUE);
    char window[32];
    snprintf(window, sizeof window, "-%d days", REMIND_MIN_DAYS);
    db_bind_text(s, ":window", window);
    due *list = NULL;
    size_t n = 0, cap = 0;
    while (sqlite3_step(s) == SQLITE_ROW) {
        if (n == cap) {
            cap = cap ? cap * 2 : 32;
            list = xrealloc(list, cap * sizeof *list);
        }
        list[n].id = sqlite3_column_int64(s, 0);
        list[n].name = xstrdup(db_col_text(s, 1));
        list[n].basis = xstrdup(db_col_text(s, 2));
        list[n].stage = sqlite3_column_int(s, 3);
        list[n].email = sqlite3_column_int(s, 4) ? NULL : xstrdup(db_col_text(s, 5));
        n++;
    }
    sqlite3_reset(s);
    int64_t now = now_utc();
    char *base = auth_base_url(a);
    size_t mailed = 0;
    for (size_t i = 0; i < n; i++) {
        const due *d = &list[i];
        printf("place %lld (%s): not confirmed for %d months, to %s%s\n", (long long)d->id, d->name,
               d->stage, d->email ? "its public address" : "its managers",
               dry_run ? " (dry run: not mailed)" : "");
        if (dry_run) continue;
        char *verify = admin_verify_url(a, d->id, now);
        int sent = d->email ? mail_public_address(a, d, verify, base)
                            : mail_managers(a, c, d, verify, base);
        free(verify);
        if (sent > 0) {
            db_transaction(a->db, reminder_sent_tx, &list[i]);
            mailed++;
        }
    }
    free(base);
    for (size_t i = 0; i < n; i++) {
        free(list[i].name);
        free(list[i].basis);
        free(list[i].email);
    }
    free(list);
    printf("%zu reminder(s) due, %zu mailed\n", n, mailed);
    return 0;
}
