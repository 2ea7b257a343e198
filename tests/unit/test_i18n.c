/* Unit tests for the languages (core/i18n.c, docs/languages.md): URL
 * prefixes, Accept-Language, numbers per language, and gettext per thread —
 * two threads in two languages at once never see each other's. Uses the
 * catalogues `make` compiles into build/locale (REPERE_LOCALEDIR overrides). */
#include "core/fr.h"
#include "core/i18n.h"
#include "unit.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* $(BUILD)/locale, beside $(BUILD)/tests/ where this binary is. */
static const char *locale_dir(void)
{
    static char dir[4096];
    const char *env = getenv("REPERE_LOCALEDIR");
    if (env && *env) return env;
    ssize_t n = readlink("/proc/self/exe", dir, sizeof dir - 16);
    if (n <= 0) return "build/locale";
    dir[n] = '\0';
    char *slash = strrchr(dir, '/');
    if (!slash) return "build/locale";
    strcpy(slash, "/../locale");
    return dir;
}

TEST(prefixes)
{
    const char *rest;
    CHECK(i18n_from_path("/en/lieux/12-x", &rest) == i18n_find("en"));
    CHECK_STR(rest, "/lieux/12-x");
    CHECK(i18n_from_path("/ar", &rest) == i18n_find("ar"));
    CHECK_STR(rest, "/");
    CHECK(i18n_from_path("/english", &rest) == I18N_FRENCH);
    CHECK_STR(rest, "/english");
    CHECK(i18n_from_path("/lieux", &rest) == I18N_FRENCH);
    CHECK_STR(rest, "/lieux");
    /* a language without a catalogue has no URL */
    CHECK(i18n_served(i18n_find("en")) && i18n_served(i18n_find("ar")));
    CHECK_STR(i18n_prefix(i18n_find("ar")), "/ar");
    CHECK_STR(i18n_prefix(I18N_FRENCH), "");
}

TEST(accept_language)
{
    CHECK(i18n_from_accept("ar-MA,ar;q=0.9,fr;q=0.5") == i18n_find("ar"));
    CHECK(i18n_from_accept("fr-FR,fr;q=0.9,en;q=0.8") == NULL); /* French first */
    CHECK(i18n_from_accept("de-DE,en;q=0.3") == i18n_find("en"));
    CHECK(i18n_from_accept("de, ja") == NULL);
    CHECK(i18n_from_accept("en;q=0.2, ar;q=0.8") == i18n_find("ar"));
    CHECK(i18n_from_accept("") == NULL);
    CHECK(i18n_from_accept(NULL) == NULL);
}

typedef struct {
    const char *lang;
    int ok;
} worker;

/* Each thread in its language translates, many times over, while the other
 * does the same in another language. */
static void *translate_many(void *arg)
{
    worker *w = arg;
    const char *want = strcmp(w->lang, "en") == 0   ? "Skip to content"
                       : strcmp(w->lang, "ar") == 0 ? "الانتقال إلى المحتوى"
                                                    : "Aller au contenu";
    i18n_enter(i18n_find(w->lang));
    w->ok = 1;
    for (int i = 0; i < 20000; i++)
        if (strcmp(gettext("Aller au contenu"), want) != 0) w->ok = 0;
    i18n_leave();
    return NULL;
}

TEST(per_thread)
{
    worker w[3] = {{"en", 0}, {"ar", 0}, {"fr", 0}};
    pthread_t t[3];
    for (int i = 0; i < 3; i++)
        pthread_create(&t[i], NULL, translate_many, &w[i]);
    for (int i = 0; i < 3; i++)
        pthread_join(t[i], NULL);
    CHECK(w[0].ok);
    CHECK(w[1].ok);
    CHECK(w[2].ok);
    /* outside a request: French */
    CHECK_STR(gettext("Aller au contenu"), "Aller au contenu");
}

TEST(numbers_and_plurals)
{
    buf b = {0};
    i18n_enter(i18n_find("en"));
    fr_number(&b, 12345);
    buf_puts(&b, "|");
    fr_distance(&b, 3.24);
    buf_puts(&b, "|");
    fr_count(&b, 1, "lieu", "lieux");
    buf_puts(&b, "|");
    fr_count(&b, 0, "lieu", "lieux");
    CHECK_STR(b.data, "12,345|3.2 km|1 place|0 places");
    buf_reset(&b);
    i18n_enter(i18n_find("ar"));
    /* Arabic: six plural forms; 11 takes the fourth (index 4) */
    fr_count(&b, 11, "lieu", "lieux");
    buf_puts(&b, "|");
    fr_count(&b, 2, "lieu", "lieux");
    CHECK_STR(b.data, "11 مكانًا|2 مكانان");
    buf_reset(&b);
    i18n_leave();
    fr_number(&b, 12345);
    buf_puts(&b, "|");
    fr_distance(&b, 3.24);
    buf_puts(&b, "|");
    fr_count(&b, 0, "lieu", "lieux");
    CHECK_STR(b.data, "12\u202f345|3,2 km|0 lieu");
    buf_free(&b);
}

/* A date with its weekday: the order and the joining words from the
 * language's row (Spanish says "de" before the month and the year). */
TEST(day_dates)
{
    buf b = {0};
    i18n_day_date(&b, "mardi", 5, "mai", 0);
    buf_puts(&b, "|");
    i18n_day_date(&b, "mardi", 5, "mai", 2026);
    CHECK_STR(b.data, "mardi 5 mai|mardi 5 mai 2026");
    buf_reset(&b);
    i18n_enter(i18n_find("es"));
    i18n_day_date(&b, "martes", 5, "mayo", 2026);
    CHECK_STR(b.data, "martes 5 de mayo de 2026");
    buf_reset(&b);
    i18n_enter(i18n_find("en"));
    i18n_day_date(&b, "Tuesday", 5, "May", 2026);
    CHECK_STR(b.data, "Tuesday, May 5, 2026");
    i18n_leave();
    buf_free(&b);
}

/* French plural rule for the source; the catalogue's elsewhere. A message in
 * a context the catalogue lacks reads as its message, never as the key. */
TEST(plural_and_context)
{
    CHECK_STR(i18n_plural(0, "lieu", "lieux"), "lieu");
    CHECK_STR(i18n_plural(2, "lieu", "lieux"), "lieux");
    i18n_enter(i18n_find("en"));
    CHECK_STR(i18n_plural(1, "lieu", "lieux"), "place");
    CHECK_STR(i18n_plural(0, "lieu", "lieux"), "places");
    CHECK_STR(C_("un contexte absent", "Aller au contenu"), "Aller au contenu");
    /* a table entry marked in a context shows its message, never the context */
    CHECK_STR(i18n_label(NC_("un contexte absent", "Aller au contenu")), "Aller au contenu");
    CHECK_STR(i18n_label(N_("Aller au contenu")), "Skip to content");
    i18n_leave();
    CHECK_STR(C_("un contexte absent", "Aller au contenu"), "Aller au contenu");
    CHECK_STR(i18n_label(NC_("nom d'un lieu", "Nom")), "Nom");
    /* « de %s » is the start of a time range ("de 10 h au coucher du soleil")
     * and, in a context, where a distance is counted from ("de Chambéry"):
     * Turkish says them differently. */
    i18n_enter(i18n_find("tr"));
    CHECK_STR(C_("origine d'une distance", "de %s"), "%s çevresinde");
    CHECK(strstr(gettext("de %s"), "saat") != NULL);
    i18n_leave();
}

/* The admin area's dates in words (fr_datetime) follow the thread's
 * language: the date part through the same message as fr_date. */
TEST(datetime_in_words)
{
    buf b = {0};
    i18n_enter(i18n_find("en"));
    CHECK(fr_datetime(&b, "2026-11-28T13:19:05Z"));
    CHECK(strstr(b.data, "November 28, 2026") != NULL);
    CHECK(strstr(b.data, "novembre") == NULL);
    buf_reset(&b);
    i18n_leave();
    CHECK(fr_datetime(&b, "2026-11-28T13:19:05Z"));
    CHECK_STR(b.data, "28 novembre 2026 à 14 h 19");
    buf_free(&b);
}

int main(void)
{
    CHECK(i18n_init(locale_dir()));
    RUN(prefixes);
    RUN(accept_language);
    RUN(per_thread);
    RUN(numbers_and_plurals);
    RUN(day_dates);
    RUN(plural_and_context);
    RUN(datetime_in_words);
    i18n_shutdown();
    return unit_report();
}
