/*
 * cmd_remind.c — `repere remind [--dry-run]`, meant for a daily timer
 * (contrib/repere-remind.timer): mails the managers of every open place
 * whose listing was not confirmed for 6 months, then again at 9 and 12
 * months, with a signed one-click "Rien n'a changé" link. Each (place,
 * stage, last confirmation) is mailed once; a new confirmation starts over.
 */
#include "cmd/cmd.h"
#include "accounts/access.h"
#include "core/mail.h"
#include "core/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Used by: cmd_remind (places due for a reminder, with their stage). */
static const char Q_DUE[] =
    "SELECT p.id, p.name, p.basis, p.stage FROM ("
    "  SELECT id, name, coalesce(verified_at, date_maj) AS basis,"
    "   CASE WHEN julianday('now') - julianday(substr(coalesce(verified_at, date_maj), 1, 10)) >= "
    "365 THEN 12"
    "        WHEN julianday('now') - julianday(substr(coalesce(verified_at, date_maj), 1, 10)) >= "
    "273 THEN 9"
    "        WHEN julianday('now') - julianday(substr(coalesce(verified_at, date_maj), 1, 10)) >= "
    "182 THEN 6"
    "   END AS stage"
    "  FROM place WHERE closed_at IS NULL"
    "   AND EXISTS (SELECT 1 FROM account_role r WHERE r.place_id = place.id AND r.kind = "
    "'manager')"
    " ) p WHERE p.stage IS NOT NULL"
    " AND NOT EXISTS (SELECT 1 FROM place_reminder m WHERE m.place_id = p.id AND m.stage = p.stage"
    "  AND m.basis = p.basis)"
    " ORDER BY p.id";
/* Used by: cmd_remind (remember what was sent). */
static const char Q_SENT[] =
    "INSERT OR IGNORE INTO place_reminder (place_id, stage, basis) VALUES (:id, :stage, :basis)";

typedef struct due {
    int64_t id;
    char *name, *basis;
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
    char detail[32];
    snprintf(detail, sizeof detail, "%d mois", d->stage);
    auth_audit(w, "reminder_sent", 0, subj, NULL, detail);
    return 0;
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
    db_conn *c = db_reader(a->db);
    sqlite3_stmt *s = db_stmt(c, Q_DUE);
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
        n++;
    }
    sqlite3_reset(s);
    int64_t now = now_utc();
    size_t mailed = 0;
    for (size_t i = 0; i < n; i++) {
        printf("place %lld (%s): not confirmed for %d months%s\n", (long long)list[i].id,
               list[i].name, list[i].stage, dry_run ? " (dry run: not mailed)" : "");
        if (dry_run) continue;
        char *url = admin_verify_url(a, list[i].id, now);
        char *base = auth_base_url(a);
        char *subject = xasprintf("Votre fiche « %s » est-elle toujours à jour ?", list[i].name);
        char *body = xasprintf(
            "Bonjour,\n\n"
            "La fiche « %s » n'a pas été vérifiée depuis %d mois. Les personnes qui cherchent "
            "de l'aide comptent sur ces informations.\n\n"
            "Si rien n'a changé, un clic suffit (lien valable 60 jours) :\n%s\n\n"
            "Pour la modifier, connectez-vous : %s/admin/lieux/%lld\n\n— Repère\n",
            list[i].name, list[i].stage, url, base, (long long)list[i].id);
        int sent = admin_mail_place(a, c, list[i].id, false, subject, body);
        free(url);
        free(base);
        free(subject);
        free(body);
        if (sent > 0) {
            db_transaction(a->db, reminder_sent_tx, &list[i]);
            mailed++;
        }
    }
    for (size_t i = 0; i < n; i++) {
        free(list[i].name);
        free(list[i].basis);
    }
    free(list);
    printf("%zu reminder(s) due, %zu mailed\n", n, mailed);
    return 0;
}
