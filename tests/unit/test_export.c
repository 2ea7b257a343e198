/*
 * test_export.c — the pure parts of the national-schema export: CSV
 * quoting, E.164 telephone numbers, coordinates that read back exactly,
 * the cleaners that make values acceptable to the reference library,
 * territories, client timestamps and file names.
 */
#include "places/export.h"
#include "unit.h"

#include <jansson.h>
#include <stdlib.h>

static char *cell(const char *v)
{
    buf b = {0};
    export_csv_cell(&b, v);
    return b.data ? buf_steal(&b) : xstrdup("");
}

TEST(csv_quoting)
{
    char *s;
    CHECK_STR(s = cell("simple"), "simple");
    free(s);
    CHECK_STR(s = cell(NULL), "");
    free(s);
    CHECK_STR(s = cell("a,b"), "\"a,b\"");
    free(s);
    CHECK_STR(s = cell("dit \"bonjour\""), "\"dit \"\"bonjour\"\"\"");
    free(s);
    CHECK_STR(s = cell("ligne 1\nligne 2"), "\"ligne 1\nligne 2\"");
    free(s);
    CHECK_STR(s = cell("cr\r"), "\"cr\r\"");
    free(s);
    CHECK_STR(s = cell("Mo-Fr 09:00-12:00; Sa off"), "Mo-Fr 09:00-12:00; Sa off");
    free(s);
    CHECK_STR(s = cell("Gratuit|Payant"), "Gratuit|Payant");
    free(s);
    CHECK_STR(s = cell("Médiathèque « Louise »"), "Médiathèque « Louise »");
    free(s);
}

/* Spreadsheet formulas in the open data are neutralised (OWASP CSV
 * injection); numbers, coordinates and E.164 telephones are left alone. */
TEST(csv_formulas)
{
    char *s;
    CHECK_STR(s = cell("=HYPERLINK(\"http://x.example\",\"Cliquez\")"),
              "\"'=HYPERLINK(\"\"http://x.example\"\",\"\"Cliquez\"\")\"");
    free(s);
    CHECK_STR(s = cell("=1+2"), "\"'=1+2\"");
    free(s);
    CHECK_STR(s = cell("+cmd|' /C calc'!A0"), "\"'+cmd|' /C calc'!A0\"");
    free(s);
    CHECK_STR(s = cell("-2+3"), "\"'-2+3\"");
    free(s);
    CHECK_STR(s = cell("@SUM(A1)"), "\"'@SUM(A1)\"");
    free(s);
    CHECK_STR(s = cell("\tonglet"), "\"'\tonglet\"");
    free(s);
    CHECK_STR(s = cell("-0.570"), "-0.570");
    free(s);
    CHECK_STR(s = cell("+33479311919"), "+33479311919");
    free(s);
    CHECK_STR(s = cell("45,5"), "\"45,5\"");
    free(s);
    CHECK_STR(s = cell("- tiret en début"), "\"'- tiret en début\"");
    free(s);
    CHECK_STR(s = cell("Lieu = tout public"), "Lieu = tout public");
    free(s);
}

TEST(csv_header_and_row)
{
    buf b = {0};
    export_csv_header(&b);
    CHECK(str_starts_with(b.data, "id,pivot,nom,commune,code_postal,code_insee,adresse,"));
    CHECK(str_ends_with(b.data, ",fiche_acces_libre,prise_rdv\r\n"));
    buf_reset(&b);
    export_record r = {0};
    r.fields[EXPORT_ID] = "42";
    r.fields[EXPORT_NOM] = "Lieu, avec virgule";
    r.fields[EXPORT_PRISE_RDV] = "https://rdv.example.fr";
    export_csv_row(&b, &r);
    size_t commas = 0;
    for (const char *p = b.data; *p; p++)
        commas += *p == ',';
    CHECK(commas == EXPORT_COLUMN_COUNT - 1 + 1); /* the one inside the quoted name */
    CHECK(str_starts_with(b.data, "42,,\"Lieu, avec virgule\","));
    CHECK(str_ends_with(b.data, ",https://rdv.example.fr\r\n"));
    buf_free(&b);
}

TEST(e164)
{
    char out[17];
    CHECK(export_phone("+33479311919", out) && strcmp(out, "+33479311919") == 0);
    CHECK(export_phone("04 79 31 19 19", out) && strcmp(out, "+33479311919") == 0);
    CHECK(export_phone("04.79.31.19.19", out) && strcmp(out, "+33479311919") == 0);
    CHECK(export_phone("+33 (0)4 79 31 19 19", out) && strcmp(out, "+33479311919") == 0);
    CHECK(export_phone("0262 12 34 56", out) && strcmp(out, "+262262123456") == 0);
    CHECK(export_phone("0690 12 34 56", out) && strcmp(out, "+590690123456") == 0);
    CHECK(export_phone("+687 12 34 56", out) && strcmp(out, "+687123456") == 0);
    CHECK(!export_phone("+41 22 123 45 67", out)); /* Swiss: not accepted by the schema */
    CHECK(!export_phone("3949", out));
    CHECK(!export_phone("", out));
    CHECK(!export_phone(NULL, out));
    CHECK(!export_phone("04 79 31 19 19 ou 06 12 34 56 78", out));
}

TEST(coordinates)
{
    char out[32];
    export_format_coordinate(45.1234, out);
    CHECK_STR(out, "45.1234");
    export_format_coordinate(4.727693802487535, out);
    CHECK(strtod(out, NULL) == 4.727693802487535);
    export_format_coordinate(-21.1151, out);
    CHECK_STR(out, "-21.1151");
    export_format_coordinate(0.0000123, out);
    CHECK(!strchr(out, 'e'));
    export_format_coordinate(0, out);
    CHECK_STR(out, "0");
    export_format_coordinate(120, out);
    CHECK_STR(out, "120");
    export_format_coordinate(0.1 + 0.2, out);
    CHECK_STR(out, "0.30000000000000004");
    /* Always the shortest text that reads back exactly: the first precision
     * that does, as %g writes it, over values of 1 to 17 digits. */
    unsigned seed = 13;
    int same = 0, count = 0;
    for (int i = 0; i < 20000; i++) {
        seed = seed * 1103515245u + 12345u;
        double v = ((double)(seed >> 8) / (double)(1u << 24) - 0.5) * 360.0;
        char typed[32];
        snprintf(typed, sizeof typed, "%.*f", 1 + i % 16, v);
        v = strtod(typed, NULL);
        char shortest[32];
        for (int precision = 1; precision <= 17; precision++) {
            snprintf(shortest, sizeof shortest, "%.*g", precision, v);
            if (strtod(shortest, NULL) == v) break;
        }
        if (strchr(shortest, 'e')) continue; /* whole numbers: "1e+02", written plainly */
        export_format_coordinate(v, out);
        count++;
        same += strcmp(out, shortest) == 0;
    }
    CHECK(count > 19000 && same == count);
}

static char *clean(bool (*fn)(const char *, buf *), const char *in)
{
    buf b = {0};
    bool ok = fn(in, &b);
    if (!ok) {
        buf_free(&b);
        return xstrdup("(none)");
    }
    return buf_steal(&b);
}

TEST(cleaners)
{
    char *s;
    CHECK_STR(s = clean(export_clean_commune, "Saint-Étienne"), "Saint-Étienne");
    free(s);
    CHECK_STR(s = clean(export_clean_commune, "L'Haÿ-les-Roses"), "L'Haÿ-les-Roses");
    free(s);
    CHECK_STR(s = clean(export_clean_commune, "Saint-Martin (Isère)"), "Saint-Martin Isère");
    free(s);
    CHECK_STR(s = clean(export_clean_commune, "  Lyon 3e  "), "Lyon 3e");
    free(s);
    CHECK_STR(s = clean(export_clean_commune, "()"), "(none)");
    free(s);
    CHECK_STR(s = clean(export_clean_address, "1 rue <b>du</b> Test"), "1 rue b du /b Test");
    free(s);
    CHECK_STR(s = clean(export_clean_address, "12, av. du Général-de-Gaulle (bât. B) n°3"),
              "12, av. du Général-de-Gaulle (bât. B) n°3");
    free(s);
    CHECK_STR(s = clean(export_clean_address, "Place \"du marché\"\n2e étage"),
              "Place du marché 2e étage");
    free(s);
    /* idempotent */
    char *once = clean(export_clean_address, "«Le Forum» #2 _ rue");
    char *twice = clean(export_clean_address, once);
    CHECK_STR(once, twice);
    free(once);
    free(twice);
}

TEST(urls)
{
    char *s;
    CHECK_STR(
        s = clean(export_clean_url,
                  "https://acceslibre.beta.gouv.fr/app/07-alboussiere/a/mairie/erp/mairie-12/"),
        "https://acceslibre.beta.gouv.fr/app/07-alboussiere/a/mairie/erp/mairie-12/");
    free(s);
    CHECK_STR(s = clean(export_clean_url,
                        "https://rdv.example.fr/prendre rendez-vous?lieu=médiathèque&x=a/b"),
              "https://rdv.example.fr/prendre%20rendez-vous?lieu=m%C3%A9diath%C3%A8que&x=a%2Fb");
    free(s);
    CHECK_STR(s = clean(export_clean_url, "https://example.fr:443/a"), "https://example.fr/a");
    free(s);
    CHECK_STR(s = clean(export_clean_url, "https://example.fr:8080/a"), "(none)");
    free(s);
    CHECK_STR(s = clean(export_clean_url, "https://example.fr/#section-2"), "https://example.fr/");
    free(s);
    CHECK_STR(s = clean(export_clean_url, "https://example.fr/a#ok"), "https://example.fr/a#ok");
    free(s);
    CHECK_STR(s = clean(export_clean_url, "pas une url"), "(none)");
    free(s);
    CHECK_STR(s = clean(export_clean_url, "https://exämple.fr/"), "(none)");
    free(s);
    char *once = clean(export_clean_url, "https://x.fr/a b?c=d e");
    char *twice = clean(export_clean_url, once);
    CHECK_STR(once, twice);
    free(once);
    free(twice);
}

TEST(territories)
{
    export_territory t;
    const char *err;
    CHECK(export_territory_parse("commune:73065", &t, &err) && t.kind == EXPORT_TERRITORY_COMMUNE &&
          strcmp(t.code, "73065") == 0);
    CHECK(export_territory_parse("commune:2a004", &t, &err) && strcmp(t.code, "2A004") == 0);
    CHECK(export_territory_parse("epci:200066793", &t, &err) && t.kind == EXPORT_TERRITORY_EPCI);
    CHECK(export_territory_parse("departement:2b", &t, &err) && strcmp(t.code, "2B") == 0);
    CHECK(export_territory_parse("departement:974", &t, &err));
    CHECK(export_territory_parse("REGION:84", &t, &err) && t.kind == EXPORT_TERRITORY_REGION);
    CHECK(!export_territory_parse("departement:20", &t, &err) && err);
    CHECK(!export_territory_parse("commune:7306", &t, &err));
    CHECK(!export_territory_parse("epci:12", &t, &err));
    CHECK(!export_territory_parse("pays:FR", &t, &err));
    CHECK(!export_territory_parse("73", &t, &err));
    CHECK(!export_territory_parse("departement:", &t, &err));
    buf b = {0};
    export_territory_parse("departement:73", &t, &err);
    export_territory_slug(&t, &b);
    CHECK_STR(b.data, "departement-73");
    buf_free(&b);
}

TEST(timestamps)
{
    char out[21];
    CHECK(export_parse_timestamp("2026-05-04", out) && strcmp(out, "2026-05-04T00:00:00Z") == 0);
    CHECK(export_parse_timestamp("2026-05-04T10:20:30Z", out) &&
          strcmp(out, "2026-05-04T10:20:30Z") == 0);
    CHECK(export_parse_timestamp("2026-05-04T10:20Z", out) &&
          strcmp(out, "2026-05-04T10:20:00Z") == 0);
    CHECK(export_parse_timestamp("2026-05-04T01:20:30+02:00", out) &&
          strcmp(out, "2026-05-03T23:20:30Z") == 0);
    CHECK(export_parse_timestamp("2026-05-04T10:20:30.123Z", out));
    CHECK(!export_parse_timestamp("2026-02-30", out));
    CHECK(!export_parse_timestamp("2025-02-29", out));
    CHECK(export_parse_timestamp("2024-02-29", out));
    CHECK(!export_parse_timestamp("2026-13-01", out));
    CHECK(!export_parse_timestamp("hier", out));
    CHECK(!export_parse_timestamp("2026-05-04T10:20:30", out)); /* no zone */
    CHECK(!export_parse_timestamp("2026-05-04T25:00:00Z", out));
    CHECK(!export_parse_timestamp("2026-05-04Tfoo", out));
    CHECK(!export_parse_timestamp("", out));
}

/* Canonical timestamps as seconds: exact, strict, and in the texts' order
 * (the API orders a search's hits by them where SQL compares the texts). */
TEST(timestamp_seconds)
{
    int64_t s = -1;
    CHECK(export_timestamp_seconds("1970-01-01T00:00:00Z", &s) && s == 0);
    CHECK(export_timestamp_seconds("2026-05-04T10:20:30Z", &s) && s == 1777890030);
    CHECK(export_timestamp_seconds("2024-02-29T23:59:59Z", &s) && s == 1709251199);
    const char *bad[] = {"2026-05-04T10:20:30",
                         "2026-05-04 10:20:30Z",
                         "2026-05-04T10:20:30.1Z",
                         "2026-05-04",
                         "2026-02-30T00:00:00Z",
                         "2025-02-29T00:00:00Z",
                         "2026-13-01T00:00:00Z",
                         "2026-05-04T24:00:00Z",
                         "2026-05-04T10:60:00Z",
                         "2026-05-04t10:20:30z",
                         "+026-05-04T10:20:30Z",
                         "",
                         NULL};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CHECK(!export_timestamp_seconds(bad[i], &s));
    const char *ordered[] = {"1999-12-31T23:59:59Z", "2000-01-01T00:00:00Z", "2026-01-09T10:00:00Z",
                             "2026-01-10T09:59:59Z", "2026-01-10T10:00:00Z", "2026-10-01T00:00:00Z",
                             "2100-03-01T00:00:00Z"};
    for (size_t i = 0; i + 1 < sizeof ordered / sizeof ordered[0]; i++) {
        int64_t a, b;
        CHECK(export_timestamp_seconds(ordered[i], &a) &&
              export_timestamp_seconds(ordered[i + 1], &b) && a < b &&
              strcmp(ordered[i], ordered[i + 1]) < 0);
    }
}

TEST(file_names)
{
    export_filter f = {0};
    int64_t t = 1779580800; /* 2026-05-24 */
    char *s = export_file_name(&f, EXPORT_FORMAT_CSV, t);
    CHECK_STR(s, "20260524_repere_lieux-de-mediation-numerique_france.csv");
    free(s);
    const char *err;
    export_territory_parse("departement:73", &f.territory, &err);
    s = export_file_name(&f, EXPORT_FORMAT_GEOJSON, t);
    CHECK_STR(s, "20260524_repere_lieux-de-mediation-numerique_departement-73.geojson");
    free(s);
    f.search = true;
    s = export_file_name(&f, EXPORT_FORMAT_JSON, t);
    CHECK_STR(s, "20260524_repere_lieux-de-mediation-numerique_recherche.json");
    free(s);
}

TEST(formats)
{
    export_format f;
    CHECK(export_format_parse("csv", &f) && f == EXPORT_FORMAT_CSV);
    CHECK(export_format_parse("geojson", &f) && f == EXPORT_FORMAT_GEOJSON);
    CHECK(!export_format_parse("xml", &f));
    CHECK(!export_format_parse(NULL, &f));
}

/* The record as a jansson tree: the reference the direct writers follow. */
static json_t *record_tree(const export_record *r)
{
    json_t *o = json_object();
    for (int i = 0; i < EXPORT_COLUMN_COUNT; i++) {
        json_t *v;
        if (i == EXPORT_LATITUDE || i == EXPORT_LONGITUDE)
            v = r->has_position ? json_real(i == EXPORT_LATITUDE ? r->latitude : r->longitude)
                                : json_null();
        else
            v = r->fields[i] ? json_string(r->fields[i]) : json_null();
        json_object_set_new(o, EXPORT_COLUMNS[i], v);
    }
    return o;
}

static void check_as_jansson(const export_record *r)
{
    buf b = {0};
    export_json_record(&b, r);
    char *want = json_dumps(record_tree(r), JSON_COMPACT);
    CHECK_STR(b.data, want);
    free(want);
    buf_reset(&b);
    export_geojson_feature_open(&b, r);
    export_json_record(&b, r);
    buf_putc(&b, '}');
    json_t *geometry = r->has_position ? json_pack("{s:s, s:[f, f]}", "type", "Point",
                                                   "coordinates", r->longitude, r->latitude)
                                       : json_null();
    json_t *feature = json_pack("{s:s, s:o, s:o}", "type", "Feature", "geometry", geometry,
                                "properties", record_tree(r));
    want = json_dumps(feature, JSON_COMPACT);
    CHECK_STR(b.data, want);
    free(want);
    json_decref(feature);
    buf_free(&b);
}

TEST(json_record_as_jansson)
{
    export_record r = {0};
    static const char *const TEXTS[] = {"Médiathèque « L’Arche »",   "a \"quoted\" \\ name",
                                        "ligne 1\nligne 2\ttab",     "https://ex.fr/a/b?c=d&e",
                                        "Mo-Fr 09:00-12:00; PH off", "\x01\x1f\x7f 😀"};
    for (int i = 0; i < EXPORT_COLUMN_COUNT; i++)
        r.fields[i] = TEXTS[i % ARRAY_LEN(TEXTS)];
    r.has_position = true;
    r.latitude = 44.620909;
    r.longitude = 4.389863;
    check_as_jansson(&r);
    r.latitude = -21.115141, r.longitude = 55.536384;
    check_as_jansson(&r);
    export_record sparse = {0};
    sparse.fields[EXPORT_ID] = "src:42";
    sparse.fields[EXPORT_NOM] = "Lieu sans position";
    check_as_jansson(&sparse);
}

int main(void)
{
    RUN(csv_quoting);
    RUN(csv_formulas);
    RUN(csv_header_and_row);
    RUN(e164);
    RUN(coordinates);
    RUN(cleaners);
    RUN(urls);
    RUN(territories);
    RUN(timestamps);
    RUN(timestamp_seconds);
    RUN(file_names);
    RUN(formats);
    RUN(json_record_as_jansson);
    return unit_report();
}
