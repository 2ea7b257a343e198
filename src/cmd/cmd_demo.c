/*
 * cmd_demo.c — `repere demo`: load the demo catalogue (data/demo/: the
 * Hinaura places and fictional workshops) into an empty database.
 */
#include "cmd/cmd.h"
#include "core/util.h"
#include "workshops/workshop_import.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

/* Used by: cmd_demo (is the catalogue empty?). */
static const char Q_ANY_PLACE[] = "SELECT EXISTS (SELECT 1 FROM place)";

/* Run a demo SQL file in one transaction. Returns 0 or 1 (message printed). */
static int demo_sql_file(db *d, const char *path)
{
    FILE *f = fopen(path, "rb");
    buf b = {0};
    char chunk[4096];
    size_t n;
    while (f && (n = fread(chunk, 1, sizeof chunk, f)) > 0)
        buf_append(&b, chunk, n);
    if (f) fclose(f);
    char *sql = b.len ? b.data : NULL;
    if (!sql) {
        buf_free(&b);
        fprintf(stderr, "repere: cannot read %s\n", path);
        return 1;
    }
    db_conn *w = db_begin(d);
    char *err = NULL;
    int rc = w && sqlite3_exec(db_handle(w), sql, NULL, NULL, &err) == SQLITE_OK ? 0 : 1;
    free(sql);
    if (rc) {
        fprintf(stderr, "repere: %s: %s\n", path, err ? err : "database error");
        sqlite3_free(err);
        if (w) db_rollback(w);
        return 1;
    }
    return db_commit(w) == 0 ? 0 : 1;
}

int cmd_demo(app *a)
{
    sqlite3_stmt *s = db_stmt(db_reader(a->db), Q_ANY_PLACE);
    bool any = sqlite3_step(s) == SQLITE_ROW && sqlite3_column_int(s, 0);
    sqlite3_reset(s);
    if (any) {
        fprintf(stderr, "repere: the catalogue is not empty: demo not loaded\n");
        return 0;
    }
    char *path = xasprintf("%s/data/demo/lieux-aura-2022.json", a->cfg.root);
    char *args[] = {"import", "--brief", "--source", "Hinaura", path, NULL};
    int rc = cmd_import(a->db, 5, args);
    free(path);
    if (rc != 0) return rc;
    path = xasprintf("%s/data/demo/ateliers-demo.json", a->cfg.root); /* fictional workshops */
    rc = workshop_import_file(a->db, path, "Repère démo");
    free(path);
    if (rc != 0) return rc;
    path = xasprintf("%s/data/demo/intervenants-demo.sql", a->cfg.root); /* fictional people */
    rc = demo_sql_file(a->db, path);
    free(path);
    return rc;
}
