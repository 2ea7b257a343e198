/* Unit tests for util.c: buffers, arena, UTF-8 checks, folding and slugs. */
#include "unit.h"
#include "core/util.h"
#include "core/fr.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

TEST(fold)
{
    char *f = text_fold("Saint-Étienne-de-l'Œuvre");
    CHECK_STR(f, "saint etienne de l oeuvre");
    free(f);
    f = text_fold("  ALBOUSSIÈRE  ");
    CHECK_STR(f, "alboussiere");
    free(f);
    f = text_fold("Cœur d’Ardèche — Privas");
    CHECK_STR(f, "coeur d ardeche privas");
    free(f);
    f = text_fold("Łódź Ñandú");
    CHECK_STR(f, "lodz nandu");
    free(f);
    f = text_fold("a\xff\xfe b");
    CHECK_STR(f, "a b");
    free(f);
}

TEST(slug)
{
    char *s = text_slug("Espace Public Numérique d'Aubenas");
    CHECK_STR(s, "espace-public-numerique-d-aubenas");
    free(s);
    s = text_slug("<script>alert(1)</script>");
    CHECK_STR(s, "script-alert-1-script");
    free(s);
    s = text_slug("");
    CHECK_STR(s, "");
    free(s);
}

TEST(utf8)
{
    CHECK(utf8_valid("héllo", strlen("héllo")));
    CHECK(!utf8_valid("\xc3\x28", 2));
    CHECK(!utf8_valid("\xed\xa0\x80", 3)); /* surrogate */
    CHECK(!utf8_valid("\xc0\xaf", 2));     /* overlong */
    CHECK(utf8_length("Ardèche") == 7);
}

TEST(buffers)
{
    buf b = {0};
    for (int i = 0; i < 1000; i++)
        buf_printf(&b, "%d,", i);
    CHECK(b.len > 3000);
    CHECK(strncmp(b.data, "0,1,2,", 6) == 0);
    char *s = buf_steal(&b);
    CHECK(b.data == NULL);
    free(s);
    arena *a = arena_new();
    char *x = arena_printf(a, "%s-%d", "lieu", 42);
    CHECK_STR(x, "lieu-42");
    void *big = arena_alloc(a, 100000);
    CHECK(big != NULL);
    arena_free(a);
}

/* Logs and terminals: no raw control characters from visitors. */
TEST(printable)
{
    char *t = text_printable("/lieux/x\r\nFAUX \"200\"\x1b[31m é");
    CHECK_STR(t, "/lieux/x\\x0d\\x0aFAUX \\x22200\\x22\\x1b[31m é");
    free(t);
    t = text_printable(NULL);
    CHECK_STR(t, "");
    free(t);
    /* The C1 controls too (U+009B: a CSI for UTF-8 terminals); other
     * two-byte letters stay as they are. */
    t = text_printable("a\xc2\x9b"
                       "31mb \xc2\x85 \xc2\xa0\xc3\xa9");
    CHECK_STR(t, "a\\xc2\\x9b31mb \\xc2\\x85 \xc2\xa0\xc3\xa9");
    free(t);
    /* On a terminal (import reports), quotes are text: only controls go. */
    t = text_terminal_safe("Mo 09:00-12:00 \"sur RDV\" \\ \x1b[2J");
    CHECK_STR(t, "Mo 09:00-12:00 \"sur RDV\" \\ \\x1b[2J");
    free(t);
}

/* The first letter in capitals, in the interface's scripts. */
TEST(capitalise_first)
{
    const char *cases[][2] = {{"lundi", "Lundi"},
                              {"élément", "Élément"},
                              {"înainte", "Înainte"},
                              {"ședință", "Ședință"},
                              {"ăla", "Ăla"},
                              {"понеділок", "Понеділок"},
                              {"іспит", "Іспит"},
                              {"ґанок", "Ґанок"},
                              {"الاثنين", "الاثنين"},
                              {"Déjà", "Déjà"},
                              {"Ĺ", "Ĺ"},
                              {"şehir", "Şehir"},
                              {"1er", "1er"},
                              {"", ""}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *s = xstrdup(cases[i][0]);
        text_capitalise_first(s);
        CHECK_STR(s, cases[i][1]);
        free(s);
    }
}

/* French numbers: thousands split by a narrow no-break space; counts agree. */
TEST(french_numbers)
{
    buf b = {0};
    fr_number(&b, 0);
    CHECK_STR(b.data, "0");
    buf_reset(&b);
    fr_number(&b, 1234567);
    CHECK_STR(b.data, "1\u202f234\u202f567");
    buf_reset(&b);
    fr_number(&b, -45912);
    CHECK_STR(b.data, "-45\u202f912");
    buf_reset(&b);
    fr_count(&b, 1, "lieu", "lieux");
    CHECK_STR(b.data, "1 lieu");
    buf_reset(&b);
    fr_count(&b, 30000, "lieu", "lieux");
    CHECK_STR(b.data, "30\u202f000 lieux");
    buf_free(&b);
}

/* Admin timestamps: UTC in the database, Europe/Paris in words on pages,
 * across both daylight-saving changes. */
TEST(french_datetimes)
{
    buf b = {0};
    CHECK(fr_datetime(&b, "2026-11-28T23:19:05Z"));
    CHECK_STR(b.data, "29 novembre 2026 à 0 h 19");
    buf_reset(&b);
    CHECK(fr_datetime(&b, "2026-07-01 08:05:00"));
    CHECK_STR(b.data, "1er juillet 2026 à 10 h 05");
    buf_reset(&b);
    /* 2026: summer time from 29 March 01:00 UTC to 25 October 01:00 UTC. */
    CHECK(fr_datetime(&b, "2026-03-29T00:59Z"));
    CHECK_STR(b.data, "29 mars 2026 à 1 h 59");
    buf_reset(&b);
    CHECK(fr_datetime(&b, "2026-03-29T01:00Z"));
    CHECK_STR(b.data, "29 mars 2026 à 3 h 00");
    buf_reset(&b);
    CHECK(fr_datetime(&b, "2026-10-25T00:30Z"));
    CHECK_STR(b.data, "25 octobre 2026 à 2 h 30");
    buf_reset(&b);
    CHECK(fr_datetime(&b, "2026-10-25T01:30Z"));
    CHECK_STR(b.data, "25 octobre 2026 à 2 h 30");
    buf_reset(&b);
    CHECK(fr_datetime(&b, "2026-12-31T23:30:00Z"));
    CHECK_STR(b.data, "1er janvier 2027 à 0 h 30");
    buf_reset(&b);
    CHECK(fr_datetime(&b, "2022-05-05"));
    CHECK_STR(b.data, "5 mai 2022");
    buf_reset(&b);
    CHECK(!fr_datetime(&b, "2026-11-28Tnope"));
    CHECK(!fr_datetime(&b, "hier"));
    CHECK(b.len == 0);
    buf_free(&b);
}

/* A query in Ukrainian, Arabic or Dari keeps its words (text_fold drops
 * them as separators): lower case, no vowel marks, one form of a letter. */
TEST(fold_words)
{
    char *f = text_fold_words("Робота, ДОКУМЕНТИ — Ґанок");
    CHECK_STR(f, "робота документи ґанок");
    free(f);
    f = text_fold_words("وَظِيفَة أوراق ـ ١٢");
    CHECK_STR(f, "وظيفه اوراق 12");
    free(f);
    /* Dari's ی and ک are written as Arabic's: typed either way, one word. */
    char *dari = text_fold_words("کمپیوتر"), *arabic = text_fold_words("كمپيوتر");
    CHECK_STR(dari, arabic);
    free(dari);
    free(arabic);
    f = text_fold_words("Saint-Étienne");
    CHECK_STR(f, "saint etienne");
    free(f);
    f = text_fold("Робота");
    CHECK_STR(f, "");
    free(f);
}

/* What jansson's compact dump writes for the value (the writers' reference). */
static char *jansson_text(json_t *v)
{
    char *s = v ? json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
    json_decref(v);
    return s ? s : xstrdup("null");
}

static char *written_string(const char *s)
{
    buf b = {0};
    buf_puts(&b, "x"); /* not at the start of the buffer */
    buf_json_string(&b, s);
    char *text = xstrdup(b.data + 1);
    buf_free(&b);
    return text;
}

TEST(json_string_as_jansson)
{
    /* every byte below 0x80 alone and inside text, then UTF-8 of every length */
    char s[8];
    for (int c = 1; c < 0x80; c++) {
        snprintf(s, sizeof s, "%c", c);
        char *want = jansson_text(json_string(s)), *got = written_string(s);
        CHECK_STR(got, want);
        free(want), free(got);
        snprintf(s, sizeof s, "a%cb", c);
        want = jansson_text(json_string(s)), got = written_string(s);
        CHECK_STR(got, want);
        free(want), free(got);
    }
    static const char *const PIECES[] = {
        "é",  "Œ",  "’",    "\xe2\x80\xa8", "😀",    "\"", "\\",      "/",
        "\n", "\t", "\x01", "\x1f",         "\x7f", " ",  "Ardèche", ""};
    unsigned seed = 7;
    for (int round = 0; round < 2000; round++) {
        buf text = {0};
        int pieces = round % 9;
        for (int i = 0; i < pieces; i++) {
            seed = seed * 1103515245u + 12345u;
            buf_puts(&text, PIECES[(seed >> 16) % ARRAY_LEN(PIECES)]);
        }
        const char *t = text.data ? text.data : "";
        char *want = jansson_text(json_string(t)), *got = written_string(t);
        CHECK_STR(got, want);
        free(want), free(got);
        buf_free(&text);
    }
    /* no value for jansson; null here, and nothing half written before it */
    static const char *const INVALID[] = {"\xff", "a\xc3", "\xc0\xaf", "\xed\xa0\x80",
                                          "ok\xf4\x90\x80\x80"};
    for (size_t i = 0; i < ARRAY_LEN(INVALID); i++) {
        CHECK(json_string(INVALID[i]) == NULL);
        char *got = written_string(INVALID[i]);
        CHECK_STR(got, "null");
        free(got);
    }
    char *got = written_string(NULL);
    CHECK_STR(got, "null");
    free(got);
}

TEST(json_real_as_jansson)
{
    double values[400] = {0.0,       -0.0,       1.0,       -5.0,    0.1,     1e-5, -1e-7,
                          1e16,      1e17,       1e22,      1.5e300, 5e-324,  45.0, 2.3522,
                          48.856614, -21.115141, 55.536384, 1e15,    123456.5};
    size_t n = 19;
    unsigned seed = 11;
    while (n < ARRAY_LEN(values)) { /* coordinates as the catalogue holds them */
        seed = seed * 1103515245u + 12345u;
        values[n++] = ((double)(seed >> 8) / (1 << 24)) * 360.0 - 180.0;
        values[n - 1] = round(values[n - 1] * 1e6) / 1e6;
    }
    for (size_t i = 0; i < n; i++) {
        buf b = {0};
        buf_json_real(&b, values[i]);
        char *want = jansson_text(json_real(values[i]));
        CHECK_STR(b.data, want);
        free(want);
        buf_free(&b);
    }
    buf b = {0};
    buf_json_real(&b, NAN);
    CHECK_STR(b.data, "null");
    buf_free(&b);
}

TEST(calendar)
{
    CHECK(calendar_leap_year(2024) && calendar_leap_year(2000));
    CHECK(!calendar_leap_year(2026) && !calendar_leap_year(1900) && !calendar_leap_year(2100));
    CHECK(calendar_days_in_month(2024, 2) == 29 && calendar_days_in_month(2026, 2) == 28);
    CHECK(calendar_days_in_month(2026, 4) == 30 && calendar_days_in_month(2026, 12) == 31);
    CHECK(calendar_days_in_month(2026, 0) == 0 && calendar_days_in_month(2026, 13) == 0);
    CHECK(calendar_valid_day(2024, 2, 29) && !calendar_valid_day(2026, 2, 29));
    CHECK(!calendar_valid_day(2026, 4, 31) && calendar_valid_day(2026, 12, 31));
    CHECK(!calendar_valid_day(2026, 1, 0) && !calendar_valid_day(2026, 13, 1));
}

int main(void)
{
    RUN(printable);
    RUN(capitalise_first);
    RUN(fold);
    RUN(fold_words);
    RUN(slug);
    RUN(utf8);
    RUN(buffers);
    RUN(french_numbers);
    RUN(french_datetimes);
    RUN(calendar);
    RUN(json_string_as_jansson);
    RUN(json_real_as_jansson);
    return unit_report();
}
