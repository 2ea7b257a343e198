/*
 * duplicates.c — the coordinators' queue of possible duplicates (issue 20;
 * places/duplicate.h, migrations/0032).
 *
 *   GET  /admin/doublons        the pairs to decide whose two places the
 *                               account coordinates (territory rule)
 *   POST /admin/doublons/{id}   garder={place id}: keep it, close the other
 *                               (it redirects to the one kept); garder=0:
 *                               "ce ne sont pas des doublons"
 *
 * The authorisation is in the statements themselves (ADMIN_COORDINATES on
 * both places); the closing goes through place_store, so it is in the
 * place's history, and every decision is in the audit log.
 */
#include "accounts/access.h"
#include "accounts/auth.h"
#include "http/session.h"
#include "pages/pages.h"
#include "places/duplicate.h"
#include "places/place_store.h"
#include "places/place_view.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

enum {
    DUPLICATES_SHOWN = 200, /* pairs listed on the queue page */
};

/* Used by: duplicate_queue (pairs to decide whose two places the
 * account coordinates: the territory rule of accounts/access.h). */
static const char Q_QUEUE[] =
    "SELECT d.id, d.reason, d.flagged_at, a.id, a.name, a.address, a.postal_code, a.commune,"
    " a.source, a.source_id, b.id, b.name, b.address, b.postal_code, b.commune, b.source,"
    " b.source_id"
    " FROM place_duplicate d JOIN place a ON a.id = d.place_a JOIN place b ON b.id = d.place_b"
    " WHERE d.decision IS NULL AND a.closed_at IS NULL AND b.closed_at IS NULL"
    " AND " ADMIN_COORDINATES("a", ":account") " AND " ADMIN_COORDINATES(
        "b", ":account") " ORDER BY d.id LIMIT :limit";

static json_t *queue_place(sqlite3_stmt *s, int col)
{
    json_t *o = json_pack("{s:I}", "id", (json_int_t)sqlite3_column_int64(s, col));
    static const char *const KEYS[] = {"name",    "address", "postal_code",
                                       "commune", "source",  "source_id"};
    for (int k = 0; k < 6; k++) {
        const char *v = db_col_text(s, col + 1 + k);
        if (v) json_object_set_new(o, KEYS[k], json_string(v));
    }
    return o;
}

static json_t *duplicate_queue(db_conn *c, int64_t account, int limit)
{
    sqlite3_stmt *s = db_stmt(c, Q_QUEUE);
    db_bind_int(s, ":account", account);
    db_bind_int(s, ":limit", limit);
    json_t *list = json_array();
    while (sqlite3_step(s) == SQLITE_ROW)
        json_array_append_new(list, json_pack("{s:I, s:s, s:o, s:o}", "id",
                                              (json_int_t)sqlite3_column_int64(s, 0), "reason",
                                              db_col_text(s, 1) ? db_col_text(s, 1) : "", "a",
                                              queue_place(s, 3), "b", queue_place(s, 10)));
    sqlite3_reset(s);
    return list;
}

/* Used by: duplicate_decide (the pair, only when the account coordinates both places). */
static const char Q_PAIR[] =
    "SELECT d.place_a, d.place_b FROM place_duplicate d JOIN place a ON a.id = d.place_a"
    " JOIN place b ON b.id = d.place_b WHERE d.id = :id AND d.decision IS NULL"
    " AND " ADMIN_COORDINATES("a", ":account") " AND " ADMIN_COORDINATES("b", ":account");
/* Used by: duplicate_decide (the decision). */
static const char Q_DECIDE[] =
    "UPDATE place_duplicate SET decision = :decision, kept_id = :kept, decided_by = :account,"
    " decided_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE id = :id AND decision IS NULL";
/* Used by: duplicate_decide (closing the place merged into the other,
 * through place_store; the WHERE clause is the authorisation). */
static const char Q_CLOSE[] =
    PLACE_STORE_UPDATE("id = :id AND " ADMIN_COORDINATES("place", ":account"));

static int duplicate_decide(db_conn *w, int64_t pair_id, int64_t account, int64_t keep_id)
{
    sqlite3_stmt *s = db_stmt(w, Q_PAIR);
    db_bind_int(s, ":id", pair_id);
    db_bind_int(s, ":account", account);
    int64_t a = 0, b = 0;
    if (sqlite3_step(s) == SQLITE_ROW) {
        a = sqlite3_column_int64(s, 0);
        b = sqlite3_column_int64(s, 1);
    }
    sqlite3_reset(s);
    if (!a || (keep_id && keep_id != a && keep_id != b)) return 0;
    if (keep_id) {
        char today[16];
        time_t now = (time_t)now_utc();
        struct tm tm;
        strftime(today, sizeof today, "%Y-%m-%d", gmtime_r(&now, &tm));
        place_write pw = {.id = keep_id == a ? b : a,
                          .values = json_pack("{s:s}", "closed_at", today),
                          .account = account,
                          .source = "duplicate"};
        int rc = place_store_update(w, Q_CLOSE, &pw);
        json_decref(pw.values);
        if (rc != 1) return rc;
    }
    s = db_stmt(w, Q_DECIDE);
    db_bind_int(s, ":id", pair_id);
    db_bind_text(s, ":decision", keep_id ? "merged" : "distinct");
    if (keep_id)
        db_bind_int(s, ":kept", keep_id);
    else
        db_bind_null(s, ":kept");
    db_bind_int(s, ":account", account);
    if (db_exec_stmt(s) != SQLITE_DONE) return -1;
    return sqlite3_changes(db_handle(w)) == 1 ? 1 : 0;
}

int page_admin_duplicates(req *r)
{
    json_t *m = session_page_model(r, _("Doublons possibles"));
    json_object_set_new(
        m, "pairs", duplicate_queue(db_reader(r->app->db), r->user->account_id, DUPLICATES_SHOWN));
    const char *ok = req_query(r, "ok");
    if (ok && strcmp(ok, "fusion") == 0)
        json_object_set_new(m, "notice",
                            json_string(_("Les deux fiches sont fusionnées : l'autre "
                                          "est fermée et renvoie vers celle gardée.")));
    else if (ok && strcmp(ok, "distincts") == 0)
        json_object_set_new(
            m, "notice", json_string(_("C'est noté : ces deux lieux ne sont pas des doublons.")));
    return reply_page(r, "admin_duplicates", m);
}

typedef struct decide_args {
    req *r;
    int64_t pair, keep;
} decide_args;

static int decide_tx(db_conn *w, void *ctx)
{
    decide_args *a = ctx;
    int rc = duplicate_decide(w, a->pair, a->r->user->account_id, a->keep);
    if (rc == 1)
        auth_audit(w, a->keep ? "duplicate_merged" : "duplicate_distinct", a->r->user->account_id,
                   arena_printf(a->r->arena, "pair:%lld", (long long)a->pair), req_client_ip(a->r),
                   a->keep ? arena_printf(a->r->arena, "kept place:%lld", (long long)a->keep)
                           : NULL);
    return rc < 0 ? -1 : rc;
}

int page_admin_duplicate_decide(req *r)
{
    int64_t pair = place_parse_segment(r->params[0], NULL);
    const char *keep = req_form(r, "garder");
    char *end = NULL;
    long long keep_id = keep && *keep ? strtoll(keep, &end, 10) : -1;
    if (!pair) return reply_error(r, 404, "Ce doublon possible n'existe pas.");
    if (keep_id < 0 || !end || *end)
        return reply_error(r, 400,
                           "Choisissez la fiche à garder, ou « ce ne sont pas des doublons » "
                           "(champ « garder »).");
    decide_args a = {r, pair, (int64_t)keep_id};
    int rc = db_transaction(r->app->db, decide_tx, &a);
    if (rc < 0) return -1;
    if (rc == 0)
        return reply_error(r, 403,
                           "Ce doublon possible n'existe pas, a déjà été traité, ou concerne un "
                           "lieu hors de votre territoire.");
    return reply_redirect(r, 303,
                          keep_id ? "/admin/doublons?ok=fusion" : "/admin/doublons?ok=distincts");
}
