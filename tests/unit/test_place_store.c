/*
 * test_place_store.c — the one write path of a place (places/place_store.c)
 * against a real temporary catalogue with the gazetteer: what is derived on
 * insert and on update (search keys, time zone, commune link, HTML of the
 * description), "unchanged" for imports, the WHERE clause as authorisation,
 * and the start-up repair of rows an older writer left wrong.
 */
#include "places/place_store.h"
#include "geo/geo.h"
#include "unit.h"
#include "core/util.h"

#include <stdlib.h>
#include <unistd.h>

static db *test_db;

/* Used by: the tests (a system write, as the importer does). */
static const char Q_UPDATE[] = PLACE_STORE_UPDATE("id = :id");
/* Used by: the tests (an authorisation that always refuses). */
static const char Q_UPDATE_REFUSED[] = PLACE_STORE_UPDATE("id = :id AND 0");
/* Used by: the tests (read one column back). */
static const char Q_FIELDS[] =
    "SELECT timezone, commune_insee, departement, slug, name_key, commune_key, description_html,"
    " latitude IS NOT NULL, updated_at, verified_at FROM place WHERE id = :id";

typedef struct row {
    char timezone[40], insee[8], dep[4], slug[80], name_key[80], commune_key[80], html[200];
    bool has_position, verified;
} row;

static row read_row(int64_t id)
{
    row out = {0};
    sqlite3_stmt *s = db_stmt(db_reader(test_db), Q_FIELDS);
    db_bind_int(s, ":id", id);
    if (sqlite3_step(s) == SQLITE_ROW) {
#define COPY(field, col)                                                                           \
    snprintf(out.field, sizeof out.field, "%s", db_col_text(s, col) ? db_col_text(s, col) : "")
        COPY(timezone, 0);
        COPY(insee, 1);
        COPY(dep, 2);
        COPY(slug, 3);
        COPY(name_key, 4);
        COPY(commune_key, 5);
        COPY(html, 6);
#undef COPY
        out.has_position = sqlite3_column_int(s, 7);
        out.verified = db_col_text(s, 9) != NULL;
    }
    sqlite3_reset(s);
    return out;
}

static int64_t insert(json_t *values, bool position)
{
    db_conn *w = db_begin(test_db);
    place_write pw = {.values = values, .position_from_commune = position};
    int64_t id = place_store_insert(w, &pw);
    if (id > 0)
        db_commit(w);
    else
        db_rollback(w);
    json_decref(values);
    return id;
}

static int update(const char *sql, int64_t id, json_t *values, bool if_changed)
{
    db_conn *w = db_begin(test_db);
    place_write pw = {.id = id, .values = values, .if_changed = if_changed, .source = "editor"};
    int rc = place_store_update(w, sql, &pw);
    if (rc >= 0)
        db_commit(w);
    else
        db_rollback(w);
    json_decref(values);
    return rc;
}

TEST(timezone_rule)
{
    CHECK_STR(place_store_timezone("97400"), "Indian/Reunion");
    CHECK_STR(place_store_timezone("97600"), "Indian/Mayotte");
    CHECK_STR(place_store_timezone("97200"), "America/Martinique");
    CHECK_STR(place_store_timezone("97133"), "America/Guadeloupe");
    CHECK_STR(place_store_timezone("98800"), "Pacific/Noumea");
    CHECK_STR(place_store_timezone("73000"), "Europe/Paris");
    CHECK_STR(place_store_timezone("20000"), "Europe/Paris");
    CHECK_STR(place_store_timezone(NULL), "Europe/Paris");
}

TEST(insert_derives)
{
    int64_t id =
        insert(json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "source", "tests", "source_id",
                         "r1", "pivot", "00000000000000", "name", "Espace numérique du Barachois",
                         "address", "1 rue de Paris", "postal_code", "97400", "commune",
                         "Saint-Denis", "description_md", "**Bienvenue**"),
               true);
    CHECK(id > 0);
    row r = read_row(id);
    CHECK_STR(r.timezone, "Indian/Reunion");
    CHECK_STR(r.insee, "97411");
    CHECK_STR(r.dep, "974");
    CHECK_STR(r.slug, "espace-numerique-du-barachois");
    CHECK_STR(r.name_key, "espace numerique du barachois");
    CHECK_STR(r.commune_key, "saint denis");
    CHECK(strstr(r.html, "<strong>Bienvenue</strong>") != NULL);
    CHECK(r.has_position); /* the commune's centre */
    CHECK(!r.verified);
    /* An unknown column is a programming error: nothing is written. */
    CHECK(insert(json_pack("{s:s, s:s, s:s}", "source", "tests", "source_id", "r2", "slug", "x"),
                 false) == -1);
}

/* A name made only of signs folds to an empty search key: "" is a key like
 * any other (the column is NOT NULL), the place is written. */
TEST(name_without_letters)
{
    int64_t id =
        insert(json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "source", "tests", "source_id",
                         "signs", "pivot", "00000000000000", "name", "\u2605 \u2605 \u2605",
                         "address", "1 rue de Paris", "postal_code", "73000", "commune", "--"),
               false);
    CHECK(id > 0);
    row r = read_row(id);
    CHECK_STR(r.name_key, "");
    CHECK_STR(r.commune_key, "");
    CHECK(r.slug[0] != '\0');
}

TEST(update_derives_and_follows_the_postal_code)
{
    int64_t id = insert(json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "source", "tests",
                                  "source_id", "m1", "pivot", "00000000000000", "name",
                                  "Médiathèque", "address", "1 place", "postal_code", "73000",
                                  "commune", "Chambéry", "date_maj", "2026-01-01"),
                        false);
    row r = read_row(id);
    CHECK_STR(r.timezone, "Europe/Paris");
    CHECK_STR(r.insee, "73065");
    CHECK_STR(r.dep, "73");
    CHECK(!r.has_position);

    CHECK(update(Q_UPDATE, id,
                 json_pack("{s:s, s:s}", "postal_code", "97400", "commune", "Saint-Denis"),
                 false) == 1);
    r = read_row(id);
    CHECK_STR(r.timezone, "Indian/Reunion");
    CHECK_STR(r.insee, "97411");
    CHECK_STR(r.dep, "974");
    CHECK_STR(r.commune_key, "saint denis");

    CHECK(update(Q_UPDATE, id,
                 json_pack("{s:s, s:s}", "postal_code", "73000", "commune", "Chambéry"),
                 false) == 1);
    r = read_row(id);
    CHECK_STR(r.timezone, "Europe/Paris");
    CHECK_STR(r.insee, "73065");

    /* Renaming: new search keys; the Markdown is rendered, and cleared with it. */
    CHECK(update(Q_UPDATE, id,
                 json_pack("{s:s, s:s}", "name", "Bibliothèque Jean-Jacques Rousseau",
                           "description_md", "*oui*"),
                 false) == 1);
    r = read_row(id);
    CHECK_STR(r.slug, "bibliotheque-jean-jacques-rousseau");
    CHECK_STR(r.html, "<p><em>oui</em></p>\n");
    CHECK(update(Q_UPDATE, id, json_pack("{s:n}", "description_md"), false) == 1);
    CHECK_STR(read_row(id).html, "");

    /* Imports write only what changed; the WHERE clause is the authorisation. */
    CHECK(update(Q_UPDATE, id, json_pack("{s:s}", "postal_code", "73000"), true) == 0);
    CHECK(update(Q_UPDATE, id, json_pack("{s:s}", "postal_code", "73000"), false) == 1);
    CHECK(update(Q_UPDATE_REFUSED, id, json_pack("{s:s}", "postal_code", "97400"), false) == 0);
    CHECK_STR(read_row(id).timezone, "Europe/Paris");
    /* source and source_id are given on insert only. */
    CHECK(update(Q_UPDATE, id, json_pack("{s:s}", "source_id", "other"), false) == -1);
}

/* Used by: derive_all_repairs (a row as an older writer left it). */
static const char Q_BREAK[] =
    "UPDATE place SET timezone = 'Europe/Paris' WHERE source = 'tests' AND source_id = 'r1'";

TEST(derive_all_repairs)
{
    db_conn *w = db_begin(test_db);
    db_exec_stmt(db_stmt(w, Q_BREAK));
    CHECK(place_store_derive_all(w) >= 1);
    db_commit(w);
    w = db_begin(test_db);
    CHECK(place_store_derive_all(w) == 0);
    db_commit(w);
}

int main(void)
{
    char *path = xasprintf("/tmp/repere-test-place-store-%d.db", (int)getpid());
    char *err = NULL;
    test_db = db_open(path, &err);
    if (!test_db || db_migrate(test_db, "migrations") < 0) {
        fprintf(stderr, "cannot create test database: %s\n", err ? err : "migrations failed");
        return 2;
    }
    db_conn *w = db_begin(test_db);
    if (!w || geo_gazetteer_load(db_handle(w), "data/gazetteer") != 0 || db_commit(w) != 0) {
        fprintf(stderr, "cannot load the gazetteer\n");
        return 2;
    }
    RUN(timezone_rule);
    RUN(insert_derives);
    RUN(name_without_letters);
    RUN(update_derives_and_follows_the_postal_code);
    RUN(derive_all_repairs);
    db_close(test_db);
    const char *suffixes[] = {"", "-wal", "-shm"};
    for (size_t i = 0; i < ARRAY_LEN(suffixes); i++) {
        char *p = xasprintf("%s%s", path, suffixes[i]);
        unlink(p);
        free(p);
    }
    free(path);
    return unit_report();
}
