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
    return rc;
}
