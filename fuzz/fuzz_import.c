/*
 * fuzz_import.c — libFuzzer target for the importer (src/importer.c): format
 * detection and a dry run of the whole import (v0.1 JSON, schema v1.0.2 CSV
 * and JSON) against a migrated temporary catalogue. Dry runs roll back, so
 * every input meets the same empty catalogue.
 *
 * Invariants: no crash, no sanitizer report, no leak; the run either works
 * or says why in French; the counts add up.
 */
#include "core/db.h"
#include "places/importer.h"
#include "core/util.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static db *catalogue;
static char *path;

static void cleanup(void)
{
    if (catalogue) db_close(catalogue);
    const char *suffixes[] = {"", "-wal", "-shm"};
    for (size_t i = 0; i < ARRAY_LEN(suffixes); i++) {
        char *p = xasprintf("%s%s", path, suffixes[i]);
        unlink(p);
        free(p);
    }
    free(path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!catalogue) {
        const char *root = getenv("REPERE_ROOT");
        char *migrations = xasprintf("%s/migrations", root ? root : ".");
        path = xasprintf("/tmp/repere-fuzz-import-%d.db", (int)getpid());
        char *err = NULL;
        catalogue = db_open(path, &err);
        if (!catalogue || db_migrate(catalogue, migrations) < 0) {
            fprintf(stderr, "fuzz_import: cannot create the catalogue: %s\n",
                    err ? err : "migrations");
            abort();
        }
        free(migrations);
        atexit(cleanup);
    }
    importer_format f = importer_detect((const char *)data, size);
    (void)importer_format_name(f);
    importer_report rep;
    importer_report_init(&rep);
    int rc = importer_run(catalogue, (const char *)data, size, "fuzz", true, &rep);
    if (rc != 0 && !rep.error) abort();
    if (rc == 0 && rep.imported + rep.updated + rep.unchanged + rep.rejected != rep.records) {
        fprintf(stderr, "counts do not add up: %zu records, %zu+%zu+%zu+%zu\n", rep.records,
                rep.imported, rep.updated, rep.unchanged, rep.rejected);
        abort();
    }
    json_t *j = importer_report_json(&rep);
    json_decref(j);
    importer_report_free(&rep);
    return 0;
}
