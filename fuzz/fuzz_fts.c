/*
 * fuzz_fts.c — libFuzzer target for the FTS query builder
 * (search_fts_query in src/search.c). Oracle: whatever the words, the
 * expression it builds is accepted by FTS5's MATCH on a table made like
 * place_fts (migrations/0003-search.sql); a failing MATCH would be a 500.
 *
 * Input: words separated by NUL, space or newline bytes.
 */
#include "search/search.h"
#include "core/util.h"

#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static sqlite3 *fts_db;
static sqlite3_stmt *match;

static void setup(void)
{
    if (sqlite3_open(":memory:", &fts_db) != SQLITE_OK) abort();
    const char *sql =
        "CREATE VIRTUAL TABLE t USING fts5(name, services, place_type, commune, labels, "
        "presentation,"
        " tokenize = \"unicode61 remove_diacritics 2\", prefix = '2 3');"
        "INSERT INTO t VALUES ('Espace public numérique', 'démarches CAF', 'tiers-lieu',"
        " 'Aurillac 15000', 'France services', 'Aide \"NEAR\" AND OR NOT * ^ :');";
    if (sqlite3_exec(fts_db, sql, NULL, NULL, NULL) != SQLITE_OK) abort();
    if (sqlite3_prepare_v2(fts_db,
                           "SELECT rowid, bm25(t, 10, 5, 2, 2, 1, 1) FROM t WHERE t MATCH ?", -1,
                           &match, NULL) != SQLITE_OK)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!fts_db) setup();
    char *text = xstrndup((const char *)data, size); /* stops at the first NUL: fine */
    const char *words[64];
    size_t count = 0;
    char *save = NULL;
    for (char *w = strtok_r(text, " \n", &save); w && count < ARRAY_LEN(words);
         w = strtok_r(NULL, " \n", &save))
        words[count++] = w;
    char *q = search_fts_query(words, count);
    if (q) {
        sqlite3_bind_text(match, 1, q, -1, SQLITE_STATIC);
        int rc;
        while ((rc = sqlite3_step(match)) == SQLITE_ROW) {
        }
        if (rc != SQLITE_DONE) {
            fprintf(stderr, "MATCH failed (%s) for: %s\n", sqlite3_errmsg(fts_db), q);
            abort();
        }
        sqlite3_reset(match);
        sqlite3_clear_bindings(match);
        free(q);
    }
    free(text);
    return 0;
}
