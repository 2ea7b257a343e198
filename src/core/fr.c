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
    if (y < 1900 || y > 2200 || !calendar_valid_day(y, m, d)) return false;
    *year = y, *month = m, *day = d;
    return true;
}

static void date_words(buf *out, int y, int m, int d)
{
    /* TRANSLATORS: a date, day month year: "1er juin 2022", "5 mai 2022". */
    buf_printf(out, d == 1 ? _("%1$der %2$s %3$d") : _("%1$d %2$s %3$d"), d,
               gettext(FR_MONTHS[m - 1]), y);
}

bool fr_date(buf *out, const char *iso)
{
    int y, m, d;
    if (!fr_parse_date(iso, &y, &m, &d)) return false;
    date_words(out, y, m, d);
    return true;
}

/* Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm). */
static int64_t days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

/* The UTC instant of 01:00 on the last Sunday of a month (31-day months only:
 * March and October, the EU's summer-time boundaries). */
static int64_t last_sunday_0100(int y, int m)
{
    int64_t days = days_from_civil(y, m, 31);
    int weekday = (int)((days % 7 + 7 + 3) % 7); /* 0 Monday … 6 Sunday (1970-01-01 a Thursday) */
    return (days - (weekday + 1) % 7) * 86400 + 3600;
}

int fr_paris_offset(int64_t utc)
{
    int y, m, d;
    civil_from_days(utc >= 0 ? utc / 86400 : (utc - 86399) / 86400, &y, &m, &d);
    bool summer = utc >= last_sunday_0100(y, 3) && utc < last_sunday_0100(y, 10);
    return summer ? 7200 : 3600;
}

void fr_datetime_at(buf *out, int64_t utc)
{
    int64_t local = utc + fr_paris_offset(utc);
    int64_t days = local >= 0 ? local / 86400 : (local - 86399) / 86400;
    int64_t secs = local - days * 86400;
    int y, mo, d;
    civil_from_days(days, &y, &mo, &d);
    /* In the thread's language, like fr_date (the admin area's dates). */
    buf date = {0};
    date_words(&date, y, mo, d);
    /* TRANSLATORS: a date and a time of day: "12 mars 2026 à 14 h 05". */
    buf_printf(out, _("%1$s à %2$d h %3$02d"), date.data, (int)(secs / 3600),
               (int)(secs % 3600 / 60));
    buf_free(&date);
}

bool fr_datetime(buf *out, const char *iso_utc)
{
    int y, mo, d, h, mi;
    if (!fr_parse_date(iso_utc, &y, &mo, &d)) return false;
    const char *t = iso_utc + 10;
    if (!*t) return fr_date(out, iso_utc);
    if ((*t != 'T' && *t != ' ') || sscanf(t + 1, "%2d:%2d", &h, &mi) != 2 || t[3] != ':' ||
        h > 23 || mi > 59 || h < 0 || mi < 0)
        return false;
    fr_datetime_at(out, days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60);
    return true;
}

json_t *fr_datetime_json(const char *iso_utc)
{
    buf b = {0};
    json_t *v = json_string(fr_datetime(&b, iso_utc) ? b.data : iso_utc ? iso_utc : "");
    buf_free(&b);
    return v;
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
