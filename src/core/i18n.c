/*
 * i18n.c — languages, per-thread gettext through uselocale(); see i18n.h.
 */
#include "core/i18n.h"

#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define TEXT_DOMAIN "repere"
#define NNBSP "\xe2\x80\xaf" /* U+202F narrow no-break space */

/* Chosen in docs/languages.md. French first (the source language).
 * A date with its weekday, without and with the year: %1$s the weekday,
 * %2$d the day, %3$s the month (names from the catalogue), %4$d the year. */
const i18n_lang I18N_LANGS[] = {
    {.code = "fr",
     .tag = "fr",
     .name = "Français",
     .decimal = ",",
     .group = NNBSP,
     .day_date = "%1$s %2$d %3$s",
     .day_date_year = "%1$s %2$d %3$s %4$d"},
    {.code = "en",
     .tag = "en",
     .name = "English",
     .decimal = ".",
     .group = ",",
     .day_date = "%1$s, %3$s %2$d",
     .day_date_year = "%1$s, %3$s %2$d, %4$d"},
    /* Arabic in France is read with Western digits and French separators. */
    {.code = "ar",
     .tag = "ar",
     .name = "العربية",
     .rtl = true,
     .decimal = ",",
     .group = NNBSP,
     .day_date = "%1$s %2$d %3$s",
     .day_date_year = "%1$s %2$d %3$s %4$d"},
    {.code = "uk",
     .tag = "uk",
     .name = "Українська",
     .decimal = ",",
     .group = NNBSP,
     .day_date = "%1$s, %2$d %3$s",
     .day_date_year = "%1$s, %2$d %3$s %4$d"},
    {.code = "prs",
     .tag = "fa-AF",
     .name = "دری",
     .rtl = true,
     .decimal = "٫",
     .group = "٬",
     .day_date = "%1$s %2$d %3$s",
     .day_date_year = "%1$s %2$d %3$s %4$d"},
    {.code = "es",
     .tag = "es",
     .name = "Español",
     .decimal = ",",
     .group = ".",
     .day_date = "%1$s %2$d de %3$s",
     .day_date_year = "%1$s %2$d de %3$s de %4$d"},
    {.code = "pt",
     .tag = "pt",
     .name = "Português",
     .decimal = ",",
     .group = ".",
     .day_date = "%1$s, %2$d de %3$s",
     .day_date_year = "%1$s, %2$d de %3$s de %4$d"},
    {.code = "tr",
     .tag = "tr",
     .name = "Türkçe",
     .decimal = ",",
     .group = ".",
     .day_date = "%1$s, %2$d %3$s",
     .day_date_year = "%1$s, %2$d %3$s %4$d"},
    {.code = "ro",
     .tag = "ro",
     .name = "Română",
     .decimal = ",",
     .group = ".",
     .day_date = "%1$s, %2$d %3$s",
     .day_date_year = "%1$s, %2$d %3$s %4$d"},
};
const size_t I18N_COUNT = sizeof I18N_LANGS / sizeof I18N_LANGS[0];

enum { MAX_LANGS = 16 };
/* Start-up configuration: one LC_MESSAGES locale per language (0: none). */
static locale_t locales[MAX_LANGS];
static _Thread_local const i18n_lang *current;

const i18n_lang *i18n_find(const char *code)
{
    for (size_t i = 0; i < I18N_COUNT; i++)
        if (strcmp(I18N_LANGS[i].code, code) == 0) return &I18N_LANGS[i];
    return NULL;
}

const i18n_lang *i18n_from_path(const char *path, const char **rest)
{
    *rest = path;
    if (path[0] != '/') return I18N_FRENCH;
    for (size_t i = 1; i < I18N_COUNT && i < MAX_LANGS; i++) {
        if (!locales[i]) continue; /* not served: no catalogue */
        size_t n = strlen(I18N_LANGS[i].code);
        if (strncmp(path + 1, I18N_LANGS[i].code, n) != 0) continue;
        const char *after = path + 1 + n;
        if (*after == '/') {
            *rest = after;
            return &I18N_LANGS[i];
        }
        if (*after == '\0') {
            *rest = "/";
            return &I18N_LANGS[i];
        }
    }
    return I18N_FRENCH;
}

bool i18n_served(const i18n_lang *l)
{
    size_t i = (size_t)(l - I18N_LANGS);
    return i == 0 || (i < MAX_LANGS && locales[i]);
}

const char *i18n_prefix(const i18n_lang *l)
{
    static const char *const prefixes[] = {"",    "/en", "/ar", "/uk", "/prs",
                                           "/es", "/pt", "/tr", "/ro"};
    size_t i = (size_t)(l - I18N_LANGS);
    return i < sizeof prefixes / sizeof prefixes[0] ? prefixes[i] : "";
}

/* One range of an Accept-Language header: its primary subtag and q-value. */
const i18n_lang *i18n_from_accept(const char *header)
{
    if (!header) return NULL;
    const i18n_lang *best = NULL;
    double best_q = 0;
    bool french_first = false;
    const char *p = header;
    while (*p) {
        while (*p == ' ' || *p == ',')
            p++;
        const char *start = p;
        while (*p && *p != ',' && *p != ';' && *p != ' ')
            p++;
        size_t len = (size_t)(p - start);
        double q = 1.0;
        while (*p && *p != ',') {
            if (p[0] == ';' && p[1] == 'q' && p[2] == '=') q = strtod(p + 3, NULL);
            p++;
        }
        char code[8] = "";
        size_t primary = 0;
        while (primary < len && start[primary] != '-' && primary < sizeof code - 1) {
            code[primary] = (char)(start[primary] | 0x20);
            primary++;
        }
        code[primary] = '\0';
        /* Dari is Persian as spoken in Afghanistan: fa-AF, prs. */
        if (strcmp(code, "fa") == 0 && len >= 5 && (start[3] | 0x20) == 'a' &&
            (start[4] | 0x20) == 'f')
            strcpy(code, "prs");
        const i18n_lang *l = i18n_find(code);
        if (l && i18n_served(l) && q > best_q) {
            best = l, best_q = q;
            french_first = l == I18N_FRENCH;
        }
    }
    return best && !french_first ? best : NULL;
}

bool i18n_init(const char *localedir)
{
    /* newlocale() finds the LC_MESSAGES category of "en" in
     * localedir/en/LC_MESSAGES (made by the Makefile), gettext finds
     * localedir/en/LC_MESSAGES/repere.mo: one directory per language. */
    setenv("LOCPATH", localedir, 1);
    bindtextdomain(TEXT_DOMAIN, localedir);
    bind_textdomain_codeset(TEXT_DOMAIN, "UTF-8");
    textdomain(TEXT_DOMAIN);
    bool ok = true;
    for (size_t i = 1; i < I18N_COUNT && i < MAX_LANGS; i++) {
        char *mo = xasprintf("%s/%s/LC_MESSAGES/%s.mo", localedir, I18N_LANGS[i].code, TEXT_DOMAIN);
        struct stat st;
        if (stat(mo, &st) != 0) {
            /* Not translated yet (no po/LL.po): not served, quietly. */
        } else {
            locales[i] = newlocale(LC_MESSAGES_MASK, I18N_LANGS[i].code, (locale_t)0);
            if (!locales[i]) {
                fprintf(stderr, "repere: no locale %s in %s: %s stays in French\n",
                        I18N_LANGS[i].code, localedir, I18N_LANGS[i].name);
                ok = false;
            }
        }
        free(mo);
    }
    unsetenv("LOCPATH");
    return ok;
}

void i18n_shutdown(void)
{
    for (size_t i = 0; i < MAX_LANGS; i++)
        if (locales[i]) {
            freelocale(locales[i]);
            locales[i] = (locale_t)0;
        }
}

void i18n_enter(const i18n_lang *l)
{
    size_t i = (size_t)(l - I18N_LANGS);
    current = l;
    uselocale(i < MAX_LANGS && locales[i] ? locales[i] : LC_GLOBAL_LOCALE);
}

void i18n_leave(void)
{
    current = NULL;
    uselocale(LC_GLOBAL_LOCALE);
}

void i18n_day_date(buf *out, const char *weekday, int day, const char *month, int year)
{
    const i18n_lang *l = i18n_current();
    if (year)
        buf_printf(out, l->day_date_year, weekday, day, month, year);
    else
        buf_printf(out, l->day_date, weekday, day, month);
}

const char *i18n_plural(long n, const char *singular, const char *plural)
{
    if (i18n_current() == I18N_FRENCH) return n >= -1 && n <= 1 ? singular : plural;
    return ngettext(singular, plural, (unsigned long)(n < 0 ? -n : n));
}

const char *i18n_pgettext(const char *key, const char *message)
{
    /* gettext answers its argument when there is no translation: the key
     * then still holds the context, which must not show. */
    const char *t = gettext(key);
    return t == key ? message : t;
}

const char *i18n_label(const char *marked)
{
    const char *message = strchr(marked, '\004');
    return message ? i18n_pgettext(marked, message + 1) : gettext(marked);
}

const i18n_lang *i18n_current(void)
{
    return current ? current : I18N_FRENCH;
}

void i18n_number(buf *out, long n)
{
    const i18n_lang *l = i18n_current();
    char digits[32];
    snprintf(digits, sizeof digits, "%ld", n < 0 ? -n : n);
    if (n < 0) buf_putc(out, '-');
    size_t len = strlen(digits);
    for (size_t i = 0; i < len; i++) {
        if (i > 0 && (len - i) % 3 == 0) buf_puts(out, l->group);
        buf_putc(out, digits[i]);
    }
}

void i18n_decimal(buf *out, double x, int decimals)
{
    const i18n_lang *l = i18n_current();
    char text[64];
    snprintf(text, sizeof text, "%.*f", decimals, x);
    for (const char *p = text; *p; p++)
        if (*p == '.')
            buf_puts(out, l->decimal);
        else
            buf_putc(out, *p);
}
