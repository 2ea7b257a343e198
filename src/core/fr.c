/*
 * fr.c — see fr.h.
 */
#include "core/fr.h"

#include "core/i18n.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Marked for translation: writers of dates pass them through gettext(). */
const char *const FR_MONTHS[12] = {N_("janvier"),   N_("février"), N_("mars"),     N_("avril"),
                                   N_("mai"),       N_("juin"),    N_("juillet"),  N_("août"),
                                   N_("septembre"), N_("octobre"), N_("novembre"), N_("décembre")};
const char *const FR_WEEKDAYS[7] = {N_("lundi"),    N_("mardi"),  N_("mercredi"), N_("jeudi"),
                                    N_("vendredi"), N_("samedi"), N_("dimanche")};

bool fr_parse_date(const char *iso, int *year, int *month, int *day)
{
    int y, m, d;
    char tail;
    if (!iso || strlen(iso) < 10) return false;
    if (sscanf(iso, "%4d-%2d-%2d%c", &y, &m, &d, &tail) < 3) return false;
    if (iso[4] != '-' || iso[7] != '-') return false;
    if (m < 1 || m > 12 || d < 1 || d > 31 || y < 1900 || y > 2200) return false;
    static const int mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (d > mdays[m - 1] || (m == 2 && d == 29 && !leap)) return false;
    *year = y, *month = m, *day = d;
    return true;
}

bool fr_date(buf *out, const char *iso)
{
    int y, m, d;
    if (!fr_parse_date(iso, &y, &m, &d)) return false;
    /* TRANSLATORS: a date, day month year: "1er juin 2022", "5 mai 2022". */
    buf_printf(out, d == 1 ? _("%1$der %2$s %3$d") : _("%1$d %2$s %3$d"), d,
               gettext(FR_MONTHS[m - 1]), y);
    return true;
}

static void phone_digits(buf *out, const char *e164);

void fr_phone(buf *out, const char *e164)
{
    if (!e164 || !*e164) return;
    /* In right-to-left text the groups of a number would come out in the
     * reverse order: LRI … PDI (invisible) keep it left to right. */
    bool isolate = i18n_current()->rtl;
    if (isolate) buf_puts(out, "\xe2\x81\xa6"); /* U+2066 LEFT-TO-RIGHT ISOLATE */
    phone_digits(out, e164);
    if (isolate) buf_puts(out, "\xe2\x81\xa9"); /* U+2069 POP DIRECTIONAL ISOLATE */
}

static void phone_digits(buf *out, const char *e164)
{
    static const char *const overseas[] = {"+262", "+269", "+508", "+590", "+594",
                                           "+596", "+681", "+687", "+689"};
    size_t len = strlen(e164);
    if (str_starts_with(e164, "+33") && len == 12) {
        /* +33 X XX XX XX XX → 0X XX XX XX XX */
        buf_printf(out, "0%c %.2s %.2s %.2s %.2s", e164[3], e164 + 4, e164 + 6, e164 + 8,
                   e164 + 10);
        return;
    }
    for (size_t i = 0; i < sizeof overseas / sizeof overseas[0]; i++) {
        /* DOM numbers with a 0 national prefix: +262 262 12 34 56 → 02 62 12 34 56 */
        if (str_starts_with(e164, overseas[i]) && len == 13) {
            const char *n = e164 + 4;
            buf_printf(out, "0%.1s %.2s %.2s %.2s %.2s", n, n + 1, n + 3, n + 5, n + 7);
            return;
        }
    }
    buf_puts(out, e164);
}

void fr_distance(buf *out, double km)
{
    /* The number and the unit for the request's language (core/i18n.c). */
    buf number = {0};
    if (km < 1.0) {
        long m = lround(km * 100.0) * 10;
        if (m < 10) m = 10;
        i18n_number(&number, m);
        buf_printf(out, _("%s m"), number.data);
    } else {
        if (km < 100.0)
            i18n_decimal(&number, (double)lround(km * 10.0) / 10.0, 1);
        else
            i18n_number(&number, lround(km));
        buf_printf(out, _("%s km"), number.data);
    }
    buf_free(&number);
}

void fr_number(buf *out, long n)
{
    /* Thousands separated as the request's language does (French: a narrow
     * no-break space); the table is in core/i18n.c. */
    i18n_number(out, n);
}

void fr_count(buf *out, long n, const char *singular, const char *plural)
{
    /* French: 0 and 1 take the singular; another language's plural forms
     * come from its catalogue (po-extract.sh collects fr_count's words). */
    fr_number(out, n);
    const char *word = i18n_current() == I18N_FRENCH
                           ? ((n >= -1 && n <= 1) ? singular : plural)
                           : ngettext(singular, plural, (unsigned long)(n < 0 ? -n : n));
    buf_printf(out, " %s", word);
}
