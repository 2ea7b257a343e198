/*
 * Unit tests for geo.c: name keys, classification of the "Où ?" field,
 * distances and bounding boxes, then the gazetteer for real: a temporary
 * SQLite file, migration 0002, data/gazetteer loaded, resolution queries.
 * Runs from the repository root (paths are relative to it).
 */
#include "unit.h"
#include "geo/geo.h"
#include "core/util.h"

#include <math.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static void check_key(const char *input, const char *want)
{
    char *k = geo_name_key(input);
    CHECK_STR(k, want);
    free(k);
}

TEST(name_key)
{
    check_key("Saint-Étienne", "saint etienne");
    check_key("ST ETIENNE", "saint etienne");
    check_key("saint etienne", "saint etienne");
    check_key("St-Étienne", "saint etienne");
    check_key("Ste-Foy-lès-Lyon", "sainte foy les lyon");
    check_key("STE FOY LES LYON", "sainte foy les lyon");
    check_key("L'Abergement-Clémenciat", "l abergement clemenciat");
    check_key("L’Île-d’Yeu", "l ile d yeu");
    check_key("  Le Puy-en-Velay ", "le puy en velay");
    check_key("Lyon 3e Arrondissement", "lyon 3 arrondissement");
    check_key("lyon 3ème", "lyon 3");
    check_key("Lyon 03", "lyon 3");
    check_key("Paris 1er", "paris 1");
    check_key("Stella-Plage", "stella plage"); /* "st" only as a whole word */
    check_key("Aÿ-Champagne", "ay champagne");
    check_key("Œuilly", "oeuilly");
    check_key("", "");
    check_key("--", "");

    char *bare = geo_key_without_article("le puy en velay");
    CHECK_STR(bare, "puy en velay");
    free(bare);
    bare = geo_key_without_article("l abergement clemenciat");
    CHECK_STR(bare, "abergement clemenciat");
    free(bare);
    CHECK(geo_key_without_article("lens") == NULL);
    CHECK(geo_key_without_article("les") == NULL);
    CHECK(geo_key_without_article("lescure") == NULL);
}

TEST(classify)
{
    CHECK(geo_classify("73200") == GEO_QUERY_POSTAL_CODE);
    CHECK(geo_classify(" 73 200 ") == GEO_QUERY_POSTAL_CODE);
    CHECK(geo_classify("20000") == GEO_QUERY_POSTAL_CODE); /* Ajaccio */
    CHECK(geo_classify("97400") == GEO_QUERY_POSTAL_CODE);
    CHECK(geo_classify("01000") == GEO_QUERY_POSTAL_CODE);
    CHECK(geo_classify("00100") == GEO_QUERY_BAD_CODE);
    CHECK(geo_classify("96000") == GEO_QUERY_BAD_CODE);
    CHECK(geo_classify("99999") == GEO_QUERY_BAD_CODE);
    CHECK(geo_classify("2A004") == GEO_QUERY_INSEE);
    CHECK(geo_classify("2b033") == GEO_QUERY_INSEE);
    CHECK(geo_classify("2A") == GEO_QUERY_DEPARTEMENT);
    CHECK(geo_classify("2b") == GEO_QUERY_DEPARTEMENT);
    CHECK(geo_classify("974") == GEO_QUERY_DEPARTEMENT);
    CHECK(geo_classify("73") == GEO_QUERY_DEPARTEMENT);
    CHECK(geo_classify("7") == GEO_QUERY_DEPARTEMENT);
    CHECK(geo_classify("20") == GEO_QUERY_BAD_CODE);
    CHECK(geo_classify("96") == GEO_QUERY_BAD_CODE);
    CHECK(geo_classify("979") == GEO_QUERY_BAD_CODE);
    CHECK(geo_classify("7320") == GEO_QUERY_BAD_CODE);
    CHECK(geo_classify("732000") == GEO_QUERY_BAD_CODE);
    CHECK(geo_classify("Savoie") == GEO_QUERY_TEXT);
    CHECK(geo_classify("Saint-Étienne") == GEO_QUERY_TEXT);
    CHECK(geo_classify("2A Ajaccio") == GEO_QUERY_TEXT);
    CHECK(geo_classify("") == GEO_QUERY_EMPTY);
    CHECK(geo_classify("   ") == GEO_QUERY_EMPTY);
    CHECK(geo_classify(NULL) == GEO_QUERY_EMPTY);
    CHECK(geo_classify("  1234567890123456789  ") == GEO_QUERY_BAD_CODE);
    CHECK(geo_classify("une très longue phrase pour chercher") == GEO_QUERY_TEXT);

    char code[8];
    CHECK(geo_code_normalise(" 2a ", code, sizeof code));
    CHECK_STR(code, "2A");
    CHECK(geo_code_normalise("7", code, sizeof code));
    CHECK_STR(code, "07");
    CHECK(geo_code_normalise("73 200", code, sizeof code));
    CHECK_STR(code, "73200");
    CHECK(!geo_code_normalise("73200", code, 5));
}

TEST(distance)
{
    /* Paris (Notre-Dame) – Lyon (Bellecour): about 392 km. */
    double d = geo_distance_km(48.8530, 2.3499, 45.7578, 4.8320);
    CHECK(fabs(d - 392) < 3.92);
    CHECK(geo_distance_km(45, 5, 45, 5) == 0);
    CHECK(fabs(geo_distance_km(0, 0, 0, 180) - 20015.1) < 1);

    geo_bbox b = geo_bbox_around(45.0, 5.0, 10.0);
    CHECK(b.min_lat < 45 && b.max_lat > 45 && b.min_lon < 5 && b.max_lon > 5);
    /* The box's edges are at least the radius away, and not much more. */
    CHECK(geo_distance_km(45, 5, b.max_lat, 5) >= 9.99);
    CHECK(geo_distance_km(45, 5, b.max_lat, 5) < 10.01);
    CHECK(geo_distance_km(b.min_lat, 5, b.min_lat, b.max_lon) >= 9.99);
    CHECK(geo_distance_km(45, 5, 45, b.max_lon) < 10.2);
    geo_bbox p = geo_bbox_around(89.99, 0, 50);
    CHECK(p.min_lon == -180 && p.max_lon == 180 && p.max_lat == 90);
}

/* ---- the gazetteer, on a real database ---- */

static char *read_text(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    buf b = {0};
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        buf_append(&b, chunk, n);
    fclose(f);
    return buf_steal(&b);
}

static sqlite3 *handle; /* the loader's raw handle */
static db *cat;         /* the same file through core/db.c, for the queries */
static db_conn *conn;
static char db_path[64];

static bool has_commune(const geo_commune *list, int n, const char *insee)
{
    for (int i = 0; i < n; i++)
        if (strcmp(list[i].insee, insee) == 0) return true;
    return false;
}

TEST(load)
{
    snprintf(db_path, sizeof db_path, "/tmp/repere-test-geo-%ld.db", (long)getpid());
    unlink(db_path);
    CHECK(sqlite3_open(db_path, &handle) == SQLITE_OK);
    sqlite3_exec(handle,
                 "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL", NULL,
                 NULL, NULL);
    static const char *const migrations[] = {"migrations/0002-gazetteer.sql",
                                             "migrations/0017-former-communes.sql"};
    /* 0017 also unlinks the places of 0001 (relinked at start-up): a
     * table with just those columns stands in for it here. */
    CHECK(sqlite3_exec(handle, "CREATE TABLE place(commune_insee TEXT, departement TEXT)", NULL,
                       NULL, NULL) == SQLITE_OK);
    for (size_t i = 0; i < ARRAY_LEN(migrations); i++) {
        char *sql = read_text(migrations[i]);
        CHECK(sql != NULL);
        char *msg = NULL;
        CHECK(sql && sqlite3_exec(handle, sql, NULL, NULL, &msg) == SQLITE_OK);
        if (msg) fprintf(stderr, "migration: %s\n", msg);
        sqlite3_free(msg);
        free(sql);
    }

    /* Speed is measured by the benchmarks, not asserted here. */
    CHECK(geo_gazetteer_load(handle, "data/gazetteer") == 0);
    char *open_error = NULL;
    cat = db_open(db_path, &open_error);
    CHECK(cat != NULL);
    free(open_error);
    conn = cat ? db_reader(cat) : NULL;

    sqlite3_stmt *s;
    sqlite3_prepare_v2(handle,
                       "SELECT (SELECT count(*) FROM commune WHERE parent IS NULL),"
                       " (SELECT count(*) FROM commune WHERE parent IS NOT NULL),"
                       " (SELECT count(*) FROM departement), (SELECT count(*) FROM region),"
                       " (SELECT count(*) FROM epci),"
                       " (SELECT count(*) FROM commune WHERE coord_source IN ('G', 'H'))",
                       -1, &s, NULL);
    CHECK(sqlite3_step(s) == SQLITE_ROW);
    CHECK(sqlite3_column_int(s, 0) > 34000);
    CHECK(sqlite3_column_int(s, 1) == 45);
    CHECK(sqlite3_column_int(s, 2) == 101);
    CHECK(sqlite3_column_int(s, 3) == 18);
    CHECK(sqlite3_column_int(s, 4) > 1200);
    CHECK(sqlite3_column_int(s, 5) > 8000);
    sqlite3_finalize(s);
    CHECK(sqlite3_exec(handle, "PRAGMA foreign_key_check", NULL, NULL, NULL) == SQLITE_OK);

    /* Unchanged files: nothing to do (the checksum is the same). */
    CHECK(geo_gazetteer_load(handle, "data/gazetteer") == 0);
    /* Inside a caller's transaction: a savepoint, and the caller commits. */
    CHECK(sqlite3_exec(handle,
                       "BEGIN IMMEDIATE; UPDATE gazetteer_meta SET value = 'x'"
                       " WHERE key = 'checksum'",
                       NULL, NULL, NULL) == SQLITE_OK);
    CHECK(geo_gazetteer_load(handle, "data/gazetteer") == 0);
    CHECK(sqlite3_exec(handle, "COMMIT", NULL, NULL, NULL) == SQLITE_OK);
    /* A missing directory is an error, not a crash, and changes nothing. */
    CHECK(geo_gazetteer_load(handle, "/nonexistent") == -1);

    /* A malformed row half-way: -1, and the loaded data is left intact. */
    char dir[64];
    snprintf(dir, sizeof dir, "/tmp/repere-test-geo-%ld.d", (long)getpid());
    mkdir(dir, 0700);
    const char *names[] = {"regions.tsv", "departements.tsv", "epci.tsv", "communes.tsv",
                           "former.tsv"};
    for (size_t i = 0; i < ARRAY_LEN(names); i++) {
        char *from = xasprintf("data/gazetteer/%s", names[i]);
        char *to = xasprintf("%s/%s", dir, names[i]);
        char *text = read_text(from);
        CHECK(text != NULL);
        if (text && i == 3) {
            /* Turn a line break in the middle into a tab: too many columns. */
            char *nl = strchr(text + strlen(text) / 2, '\n');
            if (nl) *nl = '\t';
        }
        FILE *f = fopen(to, "wb");
        CHECK(f != NULL);
        if (f && text) fputs(text, f);
        if (f) fclose(f);
        free(text);
        free(from);
        free(to);
    }
    CHECK(geo_gazetteer_load(handle, dir) == -1);
    sqlite3_prepare_v2(handle, "SELECT count(*) FROM commune", -1, &s, NULL);
    CHECK(sqlite3_step(s) == SQLITE_ROW && sqlite3_column_int(s, 0) > 34000);
    sqlite3_finalize(s);
    for (size_t i = 0; i < ARRAY_LEN(names); i++) {
        char *to = xasprintf("%s/%s", dir, names[i]);
        unlink(to);
        free(to);
    }
    rmdir(dir);
}

TEST(former_communes)
{
    sqlite3_stmt *s;
    sqlite3_prepare_v2(handle,
                       "SELECT (SELECT count(*) FROM commune_former WHERE kind = 'D'),"
                       " (SELECT count(*) FROM commune_former WHERE kind = 'A')",
                       -1, &s, NULL);
    CHECK(sqlite3_step(s) == SQLITE_ROW);
    CHECK(sqlite3_column_int(s, 0) > 2000);
    CHECK(sqlite3_column_int(s, 1) > 400);
    sqlite3_finalize(s);
    geo_former *f = NULL;
    int n = geo_former_find(conn, "Cran-Gevrier", 10, &f);
    CHECK(n == 1);
    if (n == 1) {
        CHECK_STR(f[0].name, "Cran-Gevrier");
        CHECK_STR(f[0].current.insee, "74010");
        CHECK_STR(f[0].current.name, "Annecy");
    }
    free(f);
    geo_former one;
    CHECK(geo_former_by_code(conn, "74093", &one) == 1);
    CHECK_STR(one.current.insee, "74010");
    CHECK(geo_former_by_code(conn, "99999", &one) == 0);
}

TEST(close_spellings)
{
    CHECK(geo_edit_distance("anecy", "annecy", 2) == 1);
    CHECK(geo_edit_distance("chambry", "chambery", 2) == 1);
    CHECK(geo_edit_distance("grenobel", "grenoble", 2) == 1); /* two neighbours swapped */
    CHECK(geo_edit_distance("lyon", "paris", 2) == 3);
    geo_commune *c = NULL;
    int n = geo_communes_close(conn, "Anecy", 5, &c);
    CHECK(n >= 1 && n <= 5);
    if (n >= 1) CHECK_STR(c[0].insee, "74010");
    free(c);
    n = geo_communes_close(conn, "Lyo", 5, &c); /* too short to guess */
    CHECK(n == 0);
    free(c);
}

TEST(postal_code)
{
    geo_commune *c = NULL;
    int n = geo_communes_by_postal_code(conn, "73200", 50, &c);
    CHECK(n >= 5);
    CHECK(has_commune(c, n, "73011")); /* Albertville */
    if (n > 0) {
        CHECK_STR(c[0].name, "Albertville"); /* the most populated first */
        CHECK_STR(c[0].departement_name, "Savoie");
        CHECK(strstr(c[0].postal_codes, "73200") != NULL);
    }
    free(c);

    /* An arrondissement before its city. */
    n = geo_communes_by_postal_code(conn, "69003", 10, &c);
    CHECK(n == 2);
    if (n == 2) {
        CHECK_STR(c[0].insee, "69383");
        CHECK_STR(c[0].parent, "69123");
        CHECK_STR(c[1].insee, "69123");
    }
    free(c);

    n = geo_communes_by_postal_code(conn, "00000", 10, &c);
    CHECK(n == 0 && c == NULL);
}

TEST(find_by_name)
{
    geo_commune *c = NULL;
    int n = geo_communes_find(conn, "aurillac", 10, &c);
    CHECK(n >= 1);
    if (n >= 1) {
        CHECK_STR(c[0].insee, "15014");
        CHECK(c[0].exact);
        CHECK(c[0].coord_source == 'G');
        CHECK(fabs(c[0].latitude - 44.93) < 0.05 && fabs(c[0].longitude - 2.44) < 0.05);
    }
    free(c);

    const char *etienne[] = {"ST ETIENNE", "Saint-Étienne", "saint etienne", "St-Etienne"};
    for (size_t i = 0; i < ARRAY_LEN(etienne); i++) {
        n = geo_communes_find(conn, etienne[i], 5, &c);
        CHECK(n >= 1 && strcmp(c[0].insee, "42218") == 0 && c[0].exact);
        free(c);
    }

    /* Ambiguous: several communes are called exactly Saint-Martin, and
     * hundreds start with it. */
    n = geo_communes_find(conn, "saint martin", 20, &c);
    CHECK(n == 20);
    int exact = 0;
    for (int i = 0; i < n; i++)
        exact += c[i].exact;
    CHECK(exact >= 2);
    CHECK(n > 0 && c[n - 1].exact == false);
    free(c);

    /* With or without the leading article. */
    n = geo_communes_find(conn, "puy en velay", 5, &c);
    CHECK(n >= 1 && strcmp(c[0].insee, "43157") == 0 && c[0].exact);
    free(c);
    n = geo_communes_find(conn, "Le Puy-en-Velay", 5, &c);
    CHECK(n >= 1 && strcmp(c[0].insee, "43157") == 0);
    free(c);

    /* Arrondissements by their short name. */
    n = geo_communes_find(conn, "Lyon 3e", 5, &c);
    CHECK(n >= 1 && strcmp(c[0].insee, "69383") == 0);
    free(c);
    n = geo_communes_find(conn, "marseille 13", 5, &c);
    CHECK(n >= 1 && strcmp(c[0].insee, "13213") == 0);
    free(c);

    /* Prefix while typing. */
    n = geo_communes_find(conn, "albertvi", 5, &c);
    CHECK(n >= 1 && strcmp(c[0].insee, "73011") == 0 && !c[0].exact);
    free(c);

    n = geo_communes_find(conn, "zzzz", 5, &c);
    CHECK(n == 0 && c == NULL);
    n = geo_communes_find(conn, " - ", 5, &c);
    CHECK(n == 0);
}

TEST(insee_and_overseas)
{
    geo_commune c;
    CHECK(geo_commune_by_insee(conn, "97411", &c) == 1);
    CHECK_STR(c.name, "Saint-Denis");
    CHECK_STR(c.departement, "974");
    CHECK_STR(c.departement_name, "La Réunion");
    CHECK(fabs(c.latitude - -20.88) < 0.1 && fabs(c.longitude - 55.45) < 0.1);
    CHECK(strstr(c.postal_codes, "97400") != NULL);

    CHECK(geo_commune_by_insee(conn, "2a004", &c) == 1);
    CHECK_STR(c.name, "Ajaccio");
    CHECK(geo_commune_by_insee(conn, "99999", &c) == 0);

    /* Nearest commune to a position: Albertville's town hall area. */
    CHECK(geo_commune_nearest(conn, 45.6755, 6.3925, &c) == 1);
    CHECK_STR(c.insee, "73011");
    /* Place Bellecour: an arrondissement of Lyon (2e), not Lyon itself. */
    CHECK(geo_commune_nearest(conn, 45.7578, 4.8320, &c) == 1);
    CHECK(c.parent[0] != '\0' && strcmp(c.parent, "69123") == 0);
    /* The middle of the Atlantic: nothing within 80 km. */
    CHECK(geo_commune_nearest(conn, 45.0, -20.0, &c) == 0);
    CHECK(geo_commune_by_insee(conn, "", &c) == 0);

    /* Every commune has coordinates inside France or the DROM. */
    sqlite3_stmt *s;
    sqlite3_prepare_v2(handle,
                       "SELECT count(*) FROM commune WHERE latitude IS NULL"
                       " OR (length(departement) = 2 AND NOT (latitude BETWEEN 41 AND 51.2"
                       " AND longitude BETWEEN -5.3 AND 9.7))",
                       -1, &s, NULL);
    CHECK(sqlite3_step(s) == SQLITE_ROW && sqlite3_column_int(s, 0) == 0);
    sqlite3_finalize(s);
}

TEST(departement)
{
    geo_departement d;
    CHECK(geo_departement_find(conn, "Savoie", &d) == 1);
    CHECK_STR(d.code, "73");
    CHECK_STR(d.region_name, "Auvergne-Rhône-Alpes");
    /* The centroid lies in Savoie (Chambéry area, weighted by population). */
    CHECK(d.latitude > 45.1 && d.latitude < 45.9 && d.longitude > 5.6 && d.longitude < 7.2);
    CHECK(geo_departement_find(conn, "73", &d) == 1);
    CHECK_STR(d.code, "73");
    CHECK(geo_departement_find(conn, "haute savoie", &d) == 1);
    CHECK_STR(d.code, "74");
    CHECK(geo_departement_find(conn, "2a", &d) == 1);
    CHECK_STR(d.name, "Corse-du-Sud");
    CHECK(geo_departement_find(conn, "974", &d) == 1);
    CHECK_STR(d.name, "La Réunion");
    CHECK(geo_departement_find(conn, "reunion", &d) == 1);
    CHECK_STR(d.code, "974");
    CHECK(geo_departement_find(conn, "1", &d) == 1);
    CHECK_STR(d.name, "Ain");
    CHECK(geo_departement_find(conn, "Aurillac", &d) == 0);
    CHECK(geo_departement_find(conn, "20", &d) == 0);
}

int main(void)
{
    RUN(name_key);
    RUN(classify);
    RUN(distance);
    RUN(load);
    if (handle) {
        RUN(former_communes);
        RUN(close_spellings);
        RUN(postal_code);
        RUN(find_by_name);
        RUN(insee_and_overseas);
        RUN(departement);
        db_close(cat);
        sqlite3_close(handle);
        unlink(db_path);
        char side[80];
        snprintf(side, sizeof side, "%s-wal", db_path);
        unlink(side);
        snprintf(side, sizeof side, "%s-shm", db_path);
        unlink(side);
    }
    return unit_report();
}
