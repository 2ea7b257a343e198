/*
 * cmd_backup.c — `repere backup FILE`: a consistent copy of the catalogue,
 * taken while the daemon serves and writes.
 *
 * SQLite's online backup API copies every page inside one read transaction
 * (sqlite3_backup_step with -1): in WAL mode that transaction does not block
 * the writer, and the copy is the database as of one commit. The copy is
 * written next to FILE, switched to a single-file journal, checked with
 * PRAGMA quick_check and only then renamed to FILE, so FILE is either absent
 * or a good backup. Never copy a live WAL database with cp: the -wal file
 * holds the latest commits.
 *
 * Restore: stop the daemon, move the backup to the --db path (and remove any
 * old -wal/-shm next to it), start the daemon. scripts/crash-test.sh tests it.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "core/util.h"

/* Run one pragma whose single-row answer must be `expect`; returns 0 when it is. */
static int pragma_expect(sqlite3 *conn, const char *sql, const char *expect, char *got,
                         size_t gotlen)
{
    sqlite3_stmt *st = NULL;
    int ok = -1;
    snprintf(got, gotlen, "%s", sqlite3_errmsg(conn));
    if (sqlite3_prepare_v2(conn, sql, -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW) {
        const char *v = (const char *)sqlite3_column_text(st, 0);
        snprintf(got, gotlen, "%s", v ? v : "(null)");
        ok = v && strcmp(v, expect) == 0 ? 0 : -1;
    }
    sqlite3_finalize(st);
    return ok;
}

/*
 * `repere backup FILE` with the catalogue at db_path; argv[0] is "backup".
 * Returns the process exit status: 0 when FILE holds a checked copy, 1 on
 * failure (message on stderr, FILE untouched), 2 on bad usage.
 */
int cmd_backup(const char *db_path, int argc, char **argv)
{
    if (argc != 2 || argv[1][0] == '-') {
        fprintf(stderr, "usage: repere backup [--db FILE] BACKUP-FILE\n");
        return 2;
    }
    const char *target = argv[1];
    if (strcmp(target, db_path) == 0) {
        fprintf(stderr, "repere backup: the backup cannot be the catalogue itself\n");
        return 2;
    }
    char *partial = xasprintf("%s.partial", target);
    sqlite3 *src = NULL, *dst = NULL;
    int status = 1;
    char got[256];

    if (sqlite3_open_v2(db_path, &src, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        fprintf(stderr, "repere backup: cannot open %s: %s\n", db_path, sqlite3_errmsg(src));
        goto done;
    }
    sqlite3_busy_timeout(src, 5000);
    unlink(partial);
    if (sqlite3_open_v2(partial, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
        SQLITE_OK) {
        fprintf(stderr, "repere backup: cannot create %s: %s\n", partial, sqlite3_errmsg(dst));
        goto done;
    }
    sqlite3_backup *b = sqlite3_backup_init(dst, "main", src, "main");
    if (!b) {
        fprintf(stderr, "repere backup: %s\n", sqlite3_errmsg(dst));
        goto done;
    }
    int rc;
    /* -1: every page in one step, hence one read transaction, hence one commit's state. */
    while ((rc = sqlite3_backup_step(b, -1)) == SQLITE_BUSY || rc == SQLITE_LOCKED)
        sqlite3_sleep(50);
    int pages = sqlite3_backup_pagecount(b);
    if (sqlite3_backup_finish(b) != SQLITE_OK || rc != SQLITE_DONE) {
        fprintf(stderr, "repere backup: copy failed: %s\n", sqlite3_errstr(rc));
        goto done;
    }
    /* One self-contained file: no -wal to carry around. */
    if (pragma_expect(dst, "PRAGMA journal_mode=DELETE", "delete", got, sizeof got) != 0) {
        fprintf(stderr, "repere backup: cannot set the journal mode of the copy: %s\n", got);
        goto done;
    }
    if (pragma_expect(dst, "PRAGMA quick_check", "ok", got, sizeof got) != 0) {
        fprintf(stderr, "repere backup: the copy fails PRAGMA quick_check: %s\n", got);
        goto done;
    }
    if (sqlite3_close(dst) != SQLITE_OK) {
        fprintf(stderr, "repere backup: cannot close the copy\n");
        goto done;
    }
    dst = NULL;
    if (rename(partial, target) != 0) {
        perror("repere backup: rename");
        goto done;
    }
    printf("repere backup: %s → %s (%d pages, quick_check ok)\n", db_path, target, pages);
    status = 0;
done:
    if (dst) sqlite3_close(dst);
    if (src) sqlite3_close(src);
    if (status != 0) unlink(partial);
    free(partial);
    return status;
}
