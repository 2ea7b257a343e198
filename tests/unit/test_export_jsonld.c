/*
 * test_export_jsonld.c — schema.org JSON-LD of a place page: valid JSON,
 * the facts of the place, the coming week's opening hours from the hours
 * engine, nothing private, and no way for a name to close the <script>
 * element it is written into.
 */
#include "core/db.h"
#include "places/jsonld.h"
#include "unit.h"
#include "core/util.h"

#include <jansson.h>
#include <stdlib.h>
#include <unistd.h>

static db *open_temp(char *dir_template)
{
    if (!mkdtemp(dir_template)) return NULL;
    char *path = xasprintf("%s/t.db", dir_template);
    char *err = NULL;
    db *d = db_open(path, &err);
    free(path);
    free(err);
    if (!d || db_migrate(d, "migrations") < 0) return NULL;
    return d;
}

/* Monday 2026-05-04 10:00 UTC. */
static const int64_t MONDAY = 1777888800;

TEST(place)
{
    char dir[] = "/tmp/repere-jsonld-XXXXXX";
    db *d = open_temp(dir);
    CHECK(d != NULL);
    if (!d) return;
    db_conn *w = db_begin(d);
    int rc = sqlite3_exec(
        db_handle(w),
        "INSERT INTO place (id, source, source_id, pivot, name, slug, name_key, commune, "
        "commune_key,"
        " postal_code, address, latitude, longitude, phone, emails, website, hours, summary, fees,"
        " departement, typologies, private_contact, date_maj) VALUES"
        " (7, 't', '7', '00000000000000', '</script><script>alert(1)</script> & Cie', 'x', 'x',"
        " 'Chambéry', 'chambery', '73000', '1 rue <b>du</b> Lac', 45.5646, 5.9178, '+33479000000',"
        " 'a@example.fr|b@example.fr', 'https://example.fr', 'Mo-Fr 09:00-12:00; We 14:00-18:00',"
        " 'Un lieu', 'Gratuit', '73', 'EPN|BIB', 'SECRET-MANAGER-PHONE', '2026-01-01');"
        "INSERT INTO place (id, source, source_id, pivot, name, slug, name_key, commune, "
        "commune_key,"
        " postal_code, address, date_maj, closed_at) VALUES (8, 't', '8', '00000000000000', "
        "'Fermé',"
        " 'f', 'f', 'Chambéry', 'chambery', '73000', '2 rue', '2026-01-01', '2026-02-01');"
        "INSERT INTO place (id, source, source_id, pivot, name, slug, name_key, commune,"
        " commune_key, postal_code, address, hours, departement, date_maj) VALUES"
        " (9, 't', '9', '00000000000000', 'Nuit', 'n', 'n', 'Chambéry', 'chambery', '73000',"
        " '3 rue', 'Th 19:00-11:00', '73', '2026-01-01');",
        NULL, NULL, NULL);
    CHECK(rc == SQLITE_OK);
    CHECK(db_commit(w) == 0);

    char *text = jsonld_place_script(db_reader(d), 7, "https://repere.example.fr", MONDAY);
    CHECK(text != NULL);
    if (!text) return;
    CHECK(strchr(text, '<') == NULL);
    CHECK(strchr(text, '>') == NULL);
    CHECK(strchr(text, '&') == NULL);
    CHECK(strstr(text, "SECRET") == NULL);
    json_error_t err;
    json_t *o = json_loads(text, JSON_REJECT_DUPLICATES, &err);
    CHECK(o != NULL);
    CHECK_STR(json_string_value(json_object_get(o, "@context")), "https://schema.org");
    CHECK_STR(json_string_value(json_object_get(o, "@type")), "LocalBusiness");
    CHECK_STR(json_string_value(json_object_get(o, "name")),
              "</script><script>alert(1)</script> & Cie");
    CHECK_STR(json_string_value(json_object_get(o, "url")), "https://repere.example.fr/lieux/7-x");
    CHECK_STR(json_string_value(json_object_get(o, "telephone")), "+33479000000");
    json_t *address = json_object_get(o, "address");
    CHECK_STR(json_string_value(json_object_get(address, "@type")), "PostalAddress");
    CHECK_STR(json_string_value(json_object_get(address, "postalCode")), "73000");
    CHECK_STR(json_string_value(json_object_get(address, "addressLocality")), "Chambéry");
    CHECK_STR(json_string_value(json_object_get(address, "streetAddress")), "1 rue <b>du</b> Lac");
    json_t *geo = json_object_get(o, "geo");
    CHECK(json_real_value(json_object_get(geo, "latitude")) == 45.5646);
    CHECK(json_array_size(json_object_get(o, "email")) == 2);
    CHECK(json_is_true(json_object_get(o, "isAccessibleForFree")));
    /* Mo-Fr mornings, and Wednesday's later rule replaces its morning: 5 ranges,
     * less Friday 8 May (Victoire 1945), a public holiday the hours do not
     * mention: opening then is unknown, never announced (issue 21). */
    json_t *specs = json_object_get(o, "openingHoursSpecification");
    CHECK(json_array_size(specs) == 4);
    size_t k;
    json_t *spec;
    json_array_foreach(specs, k, spec)
        CHECK(strcmp(json_string_value(json_object_get(spec, "validFrom")), "2026-05-08") != 0);
    json_t *monday = json_array_get(specs, 0);
    CHECK_STR(json_string_value(json_object_get(monday, "dayOfWeek")), "Monday");
    CHECK_STR(json_string_value(json_object_get(monday, "opens")), "09:00");
    CHECK_STR(json_string_value(json_object_get(monday, "closes")), "12:00");
    CHECK_STR(json_string_value(json_object_get(monday, "validFrom")), "2026-05-04");
    json_t *wednesday = json_array_get(specs, 2);
    CHECK_STR(json_string_value(json_object_get(wednesday, "dayOfWeek")), "Wednesday");
    CHECK_STR(json_string_value(json_object_get(wednesday, "opens")), "14:00");
    json_decref(o);
    free(text);

    /* A span past midnight keeps its part after midnight, on the next day's date. */
    text = jsonld_place_script(db_reader(d), 9, "", MONDAY);
    o = text ? json_loads(text, JSON_REJECT_DUPLICATES, &err) : NULL;
    specs = json_object_get(o, "openingHoursSpecification");
    CHECK(json_array_size(specs) == 2);
    json_t *evening = json_array_get(specs, 0), *morning = json_array_get(specs, 1);
    CHECK_STR(json_string_value(json_object_get(evening, "dayOfWeek")), "Thursday");
    CHECK_STR(json_string_value(json_object_get(evening, "opens")), "19:00");
    CHECK_STR(json_string_value(json_object_get(evening, "validFrom")), "2026-05-07");
    CHECK_STR(json_string_value(json_object_get(morning, "dayOfWeek")), "Friday");
    CHECK_STR(json_string_value(json_object_get(morning, "opens")), "00:00");
    CHECK_STR(json_string_value(json_object_get(morning, "closes")), "11:00");
    CHECK_STR(json_string_value(json_object_get(morning, "validThrough")), "2026-05-08");
    json_decref(o);
    free(text);

    /* Closed and unknown places have no description. */
    CHECK(jsonld_place_script(db_reader(d), 8, "", MONDAY) == NULL);
    CHECK(jsonld_place_script(db_reader(d), 999, "", MONDAY) == NULL);
    db_close(d);
    char *cmd = xasprintf("rm -rf %s", dir);
    CHECK(system(cmd) == 0);
    free(cmd);
}

TEST(script_text)
{
    json_t *v = json_pack("{s:s}", "a", "x</script>\xE2\x80\xA8y");
    char *s = jsonld_script_text(v);
    CHECK_STR(s, "{\"a\":\"x\\u003c/script\\u003e\\u2028y\"}");
    json_t *back = json_loads(s, 0, NULL);
    CHECK_STR(json_string_value(json_object_get(back, "a")), "x</script>\xE2\x80\xA8y");
    json_decref(back);
    json_decref(v);
    free(s);
}

int main(void)
{
    RUN(place);
    RUN(script_text);
    return unit_report();
}
