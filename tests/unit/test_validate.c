/*
 * test_validate.c — the input rules of core/validate.c, table-driven: what
 * each accepts and refuses, and what it normalises. The first rows are the
 * addresses the old copies disagreed on (issue 12, item 3).
 */
#include "core/validate.h"
#include "unit.h"

#include <math.h>
#include <stdlib.h>

typedef struct {
    const char *in;
    bool ok;
} row;

/* A valid address of `total` bytes: 64 bytes, '@', labels of 49 bytes, ".fr". */
static void address_of_length(char *out, size_t total)
{
    memset(out, 'a', 64);
    out[64] = '@';
    for (size_t i = 65; i < total - 3; i++)
        out[i] = (i - 65) % 50 == 49 ? '.' : 'b';
    memcpy(out + total - 3, ".fr", 4);
}

TEST(email)
{
    static const row rows[] = {
        {"contact@mairie..fr", false}, /* the editor saved it, the importer refused it */
        {"a@b", false},
        {"a b@c.fr", false},
        {"x@-y.fr", false},
        {"x@y-.fr", false},
        {"contact@mairie.fr.", false},
        {"contact@.mairie.fr", false},
        {".contact@mairie.fr", false},
        {"contact.@mairie.fr", false},
        {"con..tact@mairie.fr", false},
        {"contact@mairie.f", false},
        {"contact@mairie.12", false},
        {"contact@@mairie.fr", false},
        {"a@b@mairie.fr", false},
        {"@mairie.fr", false},
        {"contact@", false},
        {"contact", false},
        {"", false},
        {"contact@mairie.fr\n", false},
        {"x\"onmouseover=\"alert(1)@example.org", false},
        {"<contact@mairie.fr>", false},
        {"contact@mairie.fr, autre@mairie.fr", false},
        {"a|b@mairie.fr", false},
        {"contact@mai_rie.fr", false},
        {"contact@mairie.fr", true},
        {"Prenom.Nom+ateliers@ville-chambery.fr", true},
        {"o'brien@example.org", true},
        {"epn@xn--mairie-vian-kbb.fr", true},
        {"accueil@mairie-évian.fr", true},
        {"a@b.co", true},
        {"a@b.xn--p1ai", true},
        {"epnalboussiere@rhone-crussol.fr", true},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        const char *why = NULL;
        bool ok = validate_email(rows[i].in, &why);
        if (ok != rows[i].ok) fprintf(stderr, "  e-mail « %s »\n", rows[i].in);
        CHECK(ok == rows[i].ok);
        CHECK(ok || (why && *why));
    }
    const char *why = NULL;
    CHECK(!validate_email("contact@mairie..fr", &why));
    CHECK_STR(why, "deux points se suivent dans le nom de domaine");
    CHECK(!validate_email(NULL, NULL));

    char address[300];
    address_of_length(address, 254);
    CHECK(validate_email(address, NULL));
    address_of_length(address, 255);
    CHECK(!validate_email(address, NULL));
    memset(address, 'a', 65); /* 65 bytes before @ */
    memcpy(address + 65, "@mairie.fr", 11);
    CHECK(!validate_email(address, NULL));
    CHECK(validate_email(address + 1, NULL));
}

TEST(url)
{
    static const struct {
        const char *in, *out;
    } rows[] = {
        {"https://www.mairie.fr", "https://www.mairie.fr"},
        {"http://epn.alboussiere.inforoutes.fr", "http://epn.alboussiere.inforoutes.fr"},
        {"HTTPS://Mairie.fr/Page?x=1#a", "https://Mairie.fr/Page?x=1#a"},
        {"www.mairie.fr/epn", "http://www.mairie.fr/epn"},
        {"https://mairie.fr:8443/rdv", "https://mairie.fr:8443/rdv"},
        {"https://mairie-évian.fr/", "https://mairie-évian.fr/"},
        {"https://m.facebook.com/laquincaillerienumerique/",
         "https://m.facebook.com/laquincaillerienumerique/"},
        {"mairie.fr", NULL},
        {"ftp://mairie.fr", NULL},
        {"javascript:alert(1)", NULL},
        {"https://", NULL},
        {"https:///page", NULL},
        {"https://localhost/", NULL},
        {"https://mairie..fr/", NULL},
        {"https://.mairie.fr/", NULL},
        {"https://-mairie.fr/", NULL},
        {"https://user@mairie.fr/", NULL},
        {"https://mairie.fr:/", NULL},
        {"https://mairie.fr:http/", NULL},
        {"https://mairie.fr/a b", NULL},
        {"https://mairie.fr/\"onclick", NULL},
        {"https://mairie.fr/<script>", NULL},
        {"", NULL},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        char *got = NULL;
        const char *why = NULL;
        bool ok = validate_url(rows[i].in, &got, &why);
        if (ok != (rows[i].out != NULL)) fprintf(stderr, "  URL « %s »\n", rows[i].in);
        CHECK(ok == (rows[i].out != NULL));
        if (ok)
            CHECK_STR(got, rows[i].out);
        else
            CHECK(got == NULL && why && *why);
        free(got);
    }
    CHECK(validate_url("https://mairie.fr", NULL, NULL));
}

TEST(postal_code)
{
    static const row rows[] = {
        {"73000", true},  {"20000", true},  {"20090", true},   {"97400", true},
        {"98800", true},  {"01000", true},  {"2A004", false},  {"2B033", false},
        {"2a004", false}, {"7300", false},  {"730000", false}, {"73 000", false},
        {"7300a", false}, {"00100", false}, {"", false},       {"７３０００", false},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        const char *why = NULL;
        bool ok = validate_postal_code(rows[i].in, &why);
        if (ok != rows[i].ok) fprintf(stderr, "  code postal « %s »\n", rows[i].in);
        CHECK(ok == rows[i].ok);
        CHECK(ok || (why && *why));
    }
    const char *why = NULL;
    validate_postal_code("2A004", &why);
    CHECK(why && strstr(why, "Corse"));
    CHECK(!validate_postal_code(NULL, NULL));
}

TEST(insee_and_pivot)
{
    char out[VALIDATE_INSEE_SIZE];
    CHECK(validate_insee_code("73065", out, NULL));
    CHECK_STR(out, "73065");
    CHECK(validate_insee_code("2a004", out, NULL));
    CHECK_STR(out, "2A004");
    CHECK(validate_insee_code("2B033", out, NULL));
    CHECK(validate_insee_code("97411", NULL, NULL));
    CHECK(!validate_insee_code("2C004", NULL, NULL));
    CHECK(!validate_insee_code("20004", NULL, NULL));
    CHECK(!validate_insee_code("7306", NULL, NULL));
    CHECK(!validate_insee_code("7306a", NULL, NULL));

    char pivot[VALIDATE_PIVOT_SIZE];
    CHECK(validate_pivot("538 518 473 00011", pivot, NULL));
    CHECK_STR(pivot, "53851847300011");
    CHECK(validate_pivot("w123456789", pivot, NULL));
    CHECK_STR(pivot, "W123456789");
    CHECK(validate_pivot("00000000000000", NULL, NULL));
    CHECK(!validate_pivot("5385184730001", NULL, NULL));
    CHECK(!validate_pivot("538518473000111", NULL, NULL));
    CHECK(!validate_pivot("X123456789", NULL, NULL));
    CHECK(!validate_pivot("W12345678_", NULL, NULL));
    CHECK(!validate_pivot("", NULL, NULL));
}

TEST(coordinates)
{
    static const struct {
        const char *in;
        bool latitude, ok;
        double value;
    } rows[] = {
        {"45.5646", true, true, 45.5646},
        {"45,5646", true, true, 45.5646},
        {"-21.1151", true, true, -21.1151},
        {"+5.9178", false, true, 5.9178},
        {"90", true, true, 90},
        {"-180", false, true, -180},
        {"1.0000000000000001e-05", false, true, 1e-05}, /* how JSON numbers reach the importer */
        {"90.0001", true, false, 0},
        {"180.5", false, false, 0},
        {"45.", true, false, 0},
        {".5", true, false, 0},
        {"45.5.6", true, false, 0},
        {"1,234.5", false, false, 0},
        {" 45.5", true, false, 0},
        {"45.5 ", true, false, 0},
        {"nan", true, false, 0},
        {"inf", false, false, 0},
        {"0x10", false, false, 0},
        {"1e400", false, false, 0},
        {"", true, false, 0},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        double v = -999;
        const char *why = NULL;
        bool ok = validate_coordinate(rows[i].in, rows[i].latitude, &v, &why);
        if (ok != rows[i].ok) fprintf(stderr, "  coordonnée « %s »\n", rows[i].in);
        CHECK(ok == rows[i].ok);
        if (ok)
            CHECK(fabs(v - rows[i].value) < 1e-12);
        else
            CHECK(why && *why);
    }

    const char *why = NULL;
    CHECK(validate_position("73000", 45.5646, 5.9178, NULL));   /* Chambéry */
    CHECK(validate_position("20000", 41.9192, 8.7386, NULL));   /* Ajaccio */
    CHECK(validate_position("97400", -20.8789, 55.4481, NULL)); /* Saint-Denis, La Réunion */
    CHECK(!validate_position("73000", 5.9178, 45.5646, &why));  /* swapped */
    CHECK_STR(why, "position hors de France");
    CHECK(!validate_position("97400", 45.5646, 5.9178, &why)); /* Réunion code, Alps position */
    CHECK_STR(why, "position dans un autre territoire que celui du code postal");
    CHECK(!validate_position("73000", -20.8789, 55.4481, NULL));
}

TEST(dates)
{
    static const row rows[] = {
        {"2026-03-02", true},  {"2024-02-29", true},  {"2000-02-29", true},
        {"1990-01-01", true},  {"2100-12-31", true},  {"2026-02-29", false},
        {"1900-02-29", false}, {"2026-04-31", false}, {"2026-13-01", false},
        {"2026-00-10", false}, {"2026-01-00", false}, {"2026-1-5", false},
        {"2026/03/02", false}, {"02/03/2026", false}, {"2026-03-02T10:00", false},
        {"1989-12-31", false}, {"2101-01-01", false}, {"", false},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        const char *why = NULL;
        bool ok = validate_date(rows[i].in, &why);
        if (ok != rows[i].ok) fprintf(stderr, "  date « %s »\n", rows[i].in);
        CHECK(ok == rows[i].ok);
        CHECK(ok || (why && *why));
    }
    CHECK(!validate_date(NULL, NULL));
}

/* OWASP CSV injection: what the CSV writer neutralises, what people may
 * not type in a one-line field. */
TEST(formulas)
{
    const char *why = NULL;
    CHECK(!validate_csv_safe("=1+2"));
    CHECK(!validate_csv_safe("@SUM(A1)"));
    CHECK(!validate_csv_safe("+cmd"));
    CHECK(!validate_csv_safe("-2+3"));
    CHECK(!validate_csv_safe("\tx"));
    CHECK(!validate_csv_safe("- tiret"));
    CHECK(validate_csv_safe("-0.570"));
    CHECK(validate_csv_safe("45,5"));
    CHECK(validate_csv_safe("+33479311919"));
    CHECK(validate_csv_safe("Lieu = tout public"));
    CHECK(validate_csv_safe(""));
    CHECK(!validate_not_formula("=HYPERLINK(\"x\")", &why) && why && strstr(why, "formule"));
    CHECK(!validate_not_formula("+cmd", NULL));
    CHECK(!validate_not_formula("-2+3", NULL));
    CHECK(validate_not_formula("- tiret", NULL));
    CHECK(validate_not_formula("-", NULL));
    CHECK(validate_not_formula("-12", NULL));
    CHECK(validate_not_formula("Médiathèque", NULL));
}

/* "retour": a path of this site, whatever browsers do to it. */
TEST(local_paths)
{
    CHECK(validate_local_path("/admin/lieux/42", 512));
    CHECK(validate_local_path("/lieux?q=caf&ou=Grenoble", 512));
    CHECK(!validate_local_path("//evil.example", 512));
    CHECK(!validate_local_path("/\\evil.example", 512));
    CHECK(!validate_local_path("/\t/evil.example", 512)); /* browsers drop the tab */
    CHECK(!validate_local_path("/\n/evil.example", 512));
    CHECK(!validate_local_path("/ /evil.example", 512));
    CHECK(!validate_local_path("https://evil.example/", 512));
    CHECK(!validate_local_path("", 512));
    CHECK(!validate_local_path(NULL, 512));
    CHECK(!validate_local_path("/abcdef", 4));
}

int main(void)
{
    RUN(email);
    RUN(url);
    RUN(postal_code);
    RUN(insee_and_pivot);
    RUN(coordinates);
    RUN(dates);
    RUN(formulas);
    RUN(local_paths);
    return unit_report();
}
