/* Unit tests for the pure parts of the search: the FTS5 query builder never
 * lets user text act as FTS syntax. The builder's output is also run
 * against a real FTS5 table: it must never make MATCH fail. */
#include "search/search.h"
#include "unit.h"

#include <sqlite3.h>
#include <stdlib.h>

static char *q(const char *const *words, size_t n)
{
    return search_fts_query(words, n);
}

TEST(quoting)
{
    const char *w1[] = {"mediatheque"};
    char *s = q(w1, 1);
    CHECK_STR(s, "\"mediatheque\"*");
    free(s);
    const char *w2[] = {"ordi", "a"};
    s = q(w2, 2);
    CHECK_STR(s, "\"ordi\" \"a\""); /* no prefix on a one-letter last word */
    free(s);
    const char *w3[] = {"say \"hi\"", "NEAR(x"};
    s = q(w3, 2);
    CHECK_STR(s, "\"say \"\"hi\"\"\" \"NEAR(x\"*");
    free(s);
    const char *w4[] = {"1", "2", "3", "4", "5", "6", "7", "8", "9", "10"};
    s = q(w4, 10);
    CHECK_STR(s, "\"1\" \"2\" \"3\" \"4\" \"5\" \"6\" \"7\" \"8\"");
    free(s);
    /* "oeil" also as the index writes "Clin d'Œil": the tokenizer keeps œ. */
    const char *w6[] = {"clin", "oeil"};
    s = q(w6, 2);
    CHECK_STR(s, "\"clin\" AND (\"oeil\"* OR \"œil\"*)");
    free(s);
    /* A plural also as its singular: "France Services" finds "France Service". */
    const char *w7[] = {"france", "services"};
    s = q(w7, 2);
    CHECK_STR(s, "\"france\" AND (\"services\"* OR \"service\"*)");
    free(s);
    CHECK(q(NULL, 0) == NULL);
    const char *w5[] = {""};
    CHECK(q(w5, 1) == NULL);
}

/* The oracle: whatever the words, MATCH accepts the expression. */
TEST(never_breaks_fts5)
{
    sqlite3 *h;
    CHECK(sqlite3_open(":memory:", &h) == SQLITE_OK);
    CHECK(sqlite3_exec(
              h,
              "CREATE VIRTUAL TABLE t USING fts5(a, tokenize=\"unicode61 remove_diacritics 2\","
              " prefix='2 3'); INSERT INTO t VALUES ('médiathèque de Privas')",
              NULL, NULL, NULL) == SQLITE_OK);
    const char *hostile[] = {
        "\"", "*",   "NEAR(a b)",           "a:b", "^x", "(",   ")",  "AND",
        "OR", "NOT", "'; DROP TABLE t; --", "-",   "+",  "{a}", "\\", "\xc3\xa9t\xc3\xa9"};
    for (size_t i = 0; i < sizeof hostile / sizeof *hostile; i++) {
        const char *words[] = {hostile[i], "privas"};
        for (size_t n = 1; n <= 2; n++) {
            char *m = q(words, n);
            if (!m) continue;
            sqlite3_stmt *s;
            CHECK(sqlite3_prepare_v2(h, "SELECT count(*) FROM t WHERE t MATCH ?1", -1, &s, NULL) ==
                  SQLITE_OK);
            sqlite3_bind_text(s, 1, m, -1, SQLITE_STATIC);
            int rc = sqlite3_step(s);
            if (rc != SQLITE_ROW)
                fprintf(stderr, "MATCH failed for %s: %s\n", m, sqlite3_errmsg(h));
            CHECK(rc == SQLITE_ROW);
            sqlite3_finalize(s);
            free(m);
        }
    }
    const char *words[] = {"mediat"};
    char *m = q(words, 1);
    sqlite3_stmt *s;
    sqlite3_prepare_v2(h, "SELECT count(*) FROM t WHERE t MATCH ?1", -1, &s, NULL);
    sqlite3_bind_text(s, 1, m, -1, SQLITE_STATIC);
    CHECK(sqlite3_step(s) == SQLITE_ROW && sqlite3_column_int(s, 0) == 1); /* prefix + accents */
    sqlite3_finalize(s);
    free(m);
    sqlite3_close(h);
}

int main(void)
{
    RUN(quoting);
    RUN(never_breaks_fts5);
    return unit_report();
}
