/*
 * validate.c — one function per input rule (see validate.h for each rule and
 * who uses it). Before this file there were seven e-mail checks with seven
 * rules, and the place editor saved addresses the importer refused; a rule
 * changes here or nowhere.
 */
#include "core/validate.h"
#include "core/i18n.h"
#include "core/util.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static bool set_why(const char **why, const char *message)
{
    if (why) *why = message;
    return false;
}

static bool ascii_alnum(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool ascii_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9') return false;
    return true;
}

/*
 * A host name: labels of letters, digits, hyphens (not at a label's ends)
 * and bytes beyond ASCII (internationalised names, already checked as
 * UTF-8), 1 to 63 bytes each, single dots between them, at least two, the
 * last one at least two letters or an "xn--" label. Shared by e-mail domains
 * and web hosts so the two never disagree.
 */
static bool host_ok(const char *d, size_t n, const char **why)
{
    if (n == 0) return set_why(why, N_("il manque le nom de domaine"));
    if (d[0] == '.' || d[n - 1] == '.')
        return set_why(why, N_("le nom de domaine ne peut pas commencer ni finir par un point"));
    size_t labels = 0, start = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i < n && d[i] != '.') {
            unsigned char c = (unsigned char)d[i];
            if (!ascii_alnum(c) && c != '-' && c < 0x80)
                return set_why(why, N_("caractère non permis dans le nom de domaine"));
            continue;
        }
        size_t len = i - start;
        if (len == 0) return set_why(why, N_("deux points se suivent dans le nom de domaine"));
        if (len > 63)
            return set_why(why, N_("une partie du nom de domaine a 63 caractères au plus"));
        if (d[start] == '-' || d[i - 1] == '-')
            return set_why(why,
                           N_("une partie du nom de domaine ne peut pas commencer ni finir par "
                              "un tiret"));
        labels++;
        if (i == n) {
            bool letters = len >= 2;
            for (size_t k = start; k < i && letters; k++) {
                unsigned char c = (unsigned char)d[k];
                letters = (ascii_alnum(c) && !(c >= '0' && c <= '9')) || c >= 0x80;
            }
            bool punycode = len > 4 && strncasecmp(d + start, "xn--", 4) == 0;
            if (labels < 2 || !(letters || punycode))
                return set_why(why, N_("il manque l'extension du nom de domaine (.fr, .org…)"));
        }
        start = i + 1;
    }
    return true;
}

/* RFC 5322's atext: what a local part may hold besides letters and digits
 * ('|' left out: lists of addresses are stored '|'-joined). */
static bool local_char_ok(unsigned char c)
{
    return ascii_alnum(c) || c >= 0x80 || (c && strchr("!#$%&'*+-/=^_`{}~", c));
}

bool validate_email(const char *s, const char **why)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0) return set_why(why, N_("l'adresse est vide"));
    if (n > VALIDATE_EMAIL_MAX) return set_why(why, N_("254 caractères au plus"));
    if (!utf8_valid(s, n)) return set_why(why, N_("caractères illisibles"));
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] <= ' ' || s[i] == 0x7f)
            return set_why(why, N_("une adresse ne contient pas d'espace"));
    const char *at = strchr(s, '@');
    if (!at) return set_why(why, N_("il manque le signe @"));
    if (strchr(at + 1, '@')) return set_why(why, N_("une adresse n'a qu'un seul signe @"));
    size_t local = (size_t)(at - s);
    if (local == 0) return set_why(why, N_("il manque le nom avant le signe @"));
    if (local > 64) return set_why(why, N_("le nom avant le signe @ a 64 caractères au plus"));
    for (size_t i = 0; i < local; i++) {
        if (s[i] == '.') {
            if (i == 0 || i == local - 1 || s[i + 1] == '.')
                return set_why(why,
                               N_("un point ne peut pas commencer ni finir le nom avant le signe "
                                  "@, ni être doublé"));
        } else if (!local_char_ok((unsigned char)s[i])) {
            return set_why(why, N_("caractère non permis avant le signe @"));
        }
    }
    return host_ok(at + 1, n - local - 1, why);
}

bool validate_url(const char *s, char **normalised, const char **why)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0) return set_why(why, N_("l'adresse est vide"));
    if (n > VALIDATE_URL_MAX) return set_why(why, N_("2 000 caractères au plus"));
    if (!utf8_valid(s, n)) return set_why(why, N_("caractères illisibles"));
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c <= ' ' || c == 0x7f)
            return set_why(why, N_("une adresse web ne contient pas d'espace"));
        if (strchr("\"<>\\`", c))
            return set_why(why,
                           N_("une adresse web ne contient pas de guillemet, de < > ni de \\"));
    }
    const char *scheme, *rest;
    if (strncasecmp(s, "https://", 8) == 0) {
        scheme = "https://";
        rest = s + 8;
    } else if (strncasecmp(s, "http://", 7) == 0) {
        scheme = "http://";
        rest = s + 7;
    } else if (strncasecmp(s, "www.", 4) == 0) {
        scheme = "http://";
        rest = s;
    } else {
        return set_why(why, N_("l'adresse doit commencer par https:// ou http://"));
    }
    size_t hostport = strcspn(rest, "/?#");
    const char *colon = memchr(rest, ':', hostport);
    size_t host = colon ? (size_t)(colon - rest) : hostport;
    if (colon) {
        size_t port = hostport - host - 1;
        if (port == 0 || port > 5 || !ascii_digits(colon + 1, port))
            return set_why(why, N_("numéro de port invalide après le nom du site"));
    }
    if (!host_ok(rest, host, why)) return false;
    if (normalised) *normalised = xasprintf("%s%s", scheme, rest);
    return true;
}

bool validate_postal_code(const char *s, const char **why)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 5 && s[0] == '2' && strchr("aAbB", s[1]) && ascii_digits(s + 2, 3))
        return set_why(why, N_("en Corse aussi, le code postal s'écrit avec des chiffres (20…)"));
    if (n != 5 || !ascii_digits(s, 5))
        return set_why(why, N_("le code postal a cinq chiffres, par exemple 73000"));
    if (s[0] == '0' && s[1] == '0') return set_why(why, N_("aucun code postal ne commence par 00"));
    return true;
}

bool validate_insee_code(const char *s, char out[VALIDATE_INSEE_SIZE], const char **why)
{
    size_t n = s ? strlen(s) : 0;
    bool ok = n == 5 && ascii_digits(s + 2, 3);
    if (ok) {
        char b = (char)toupper((unsigned char)s[1]);
        ok = s[0] == '2' ? b == 'A' || b == 'B' || (b >= '1' && b <= '9') : ascii_digits(s, 2);
    }
    if (!ok) return set_why(why, N_("cinq caractères attendus, chiffres ou 2A, 2B pour la Corse"));
    if (out) {
        memcpy(out, s, 6);
        out[1] = (char)toupper((unsigned char)out[1]);
    }
    return true;
}

bool validate_pivot(const char *s, char out[VALIDATE_PIVOT_SIZE], const char **why)
{
    char compact[VALIDATE_PIVOT_SIZE];
    size_t n = 0;
    for (const char *p = s ? s : ""; *p; p++) {
        if (*p == ' ' || *p == '.' || *p == '-') continue;
        if (n == VALIDATE_PIVOT_SIZE - 1) return set_why(why, N_("trop de caractères"));
        compact[n++] = *p;
    }
    compact[n] = '\0';
    bool ok = n == 14 && ascii_digits(compact, 14);
    if (!ok && n == 10 && (compact[0] == 'W' || compact[0] == 'w')) {
        ok = true;
        for (size_t i = 0; i < 10; i++) {
            if (i && !ascii_alnum((unsigned char)compact[i])) ok = false;
            compact[i] = (char)toupper((unsigned char)compact[i]);
        }
    }
    if (!ok)
        return set_why(why, N_("un SIRET (14 chiffres) ou un RNA (W et 9 caractères) est attendu"));
    if (out) memcpy(out, compact, n + 1);
    return true;
}

bool validate_coordinate(const char *s, bool latitude, double *out, const char **why)
{
    /* Checked by hand rather than trusting strtod, which also reads "inf",
     * "nan", hexadecimal and leading blanks. */
    char tmp[40];
    size_t n = s ? strlen(s) : 0, i = 0;
    if (n == 0 || n >= sizeof tmp)
        return set_why(why, N_("un nombre en degrés décimaux est attendu"));
    memcpy(tmp, s, n + 1);
    if (tmp[i] == '+' || tmp[i] == '-') i++;
    size_t digits = strspn(tmp + i, "0123456789");
    i += digits;
    if (digits && (tmp[i] == '.' || tmp[i] == ',')) {
        tmp[i++] = '.';
        size_t decimals = strspn(tmp + i, "0123456789");
        if (!decimals) digits = 0;
        i += decimals;
    }
    if (digits && (tmp[i] == 'e' || tmp[i] == 'E')) {
        i++;
        if (tmp[i] == '+' || tmp[i] == '-') i++;
        size_t exponent = strspn(tmp + i, "0123456789");
        if (!exponent) digits = 0;
        i += exponent;
    }
    if (!digits || i != n) return set_why(why, N_("un nombre en degrés décimaux est attendu"));
    double v = strtod(tmp, NULL), limit = latitude ? 90 : 180;
    if (!(v >= -limit && v <= limit))
        return set_why(why, latitude ? "la latitude est comprise entre -90 et 90"
                                     : "la longitude est comprise entre -180 et 180");
    if (out) *out = v;
    return true;
}

/* A geographic box: France's metropolitan and overseas territories. */
typedef struct geo_box {
    const char *postal_prefix; /* postal codes of the territory ("" = the rest) */
    double lat_min, lat_max, lon_min, lon_max;
} geo_box;

static const geo_box FRANCE_BOXES[] = {
    {"971", 15.8, 16.55, -61.85, -60.95},   /* Guadeloupe */
    {"971", 17.85, 18.15, -63.2, -62.75},   /* Saint-Martin, Saint-Barthélemy */
    {"972", 14.35, 14.9, -61.25, -60.8},    /* Martinique */
    {"973", 2.1, 5.8, -54.65, -51.6},       /* Guyane */
    {"974", -21.4, -20.85, 55.2, 55.85},    /* La Réunion */
    {"975", 46.7, 47.15, -56.45, -56.1},    /* Saint-Pierre-et-Miquelon */
    {"976", -13.05, -12.6, 44.95, 45.35},   /* Mayotte */
    {"986", -14.4, -13.15, -178.2, -176.1}, /* Wallis-et-Futuna */
    {"987", -28.0, -7.8, -154.8, -134.4},   /* Polynésie française */
    {"988", -23.0, -19.0, 163.5, 168.5},    /* Nouvelle-Calédonie */
    {"", 41.3, 51.15, -5.2, 9.6},           /* Métropole and Corse */
};

bool validate_position(const char *postal_code, double latitude, double longitude, const char **why)
{
    const char *code = postal_code ? postal_code : "";
    bool in_france = false;
    bool overseas = str_starts_with(code, "97") || str_starts_with(code, "98");
    for (size_t i = 0; i < ARRAY_LEN(FRANCE_BOXES); i++) {
        const geo_box *b = &FRANCE_BOXES[i];
        if (latitude < b->lat_min || latitude > b->lat_max || longitude < b->lon_min ||
            longitude > b->lon_max)
            continue;
        in_france = true;
        if (*b->postal_prefix ? str_starts_with(code, b->postal_prefix) : !overseas) return true;
    }
    return set_why(why, in_france ? "position dans un autre territoire que celui du code postal"
                                  : "position hors de France");
}

bool validate_date(const char *s, const char **why)
{
    if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-' || !ascii_digits(s, 4) ||
        !ascii_digits(s + 5, 2) || !ascii_digits(s + 8, 2))
        return set_why(why, N_("une date AAAA-MM-JJ est attendue"));
    int y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
    if (!calendar_valid_day(y, m, d)) return set_why(why, N_("cette date n'existe pas"));
    if (y < 1990 || y > 2100) return set_why(why, N_("une date entre 1990 et 2100 est attendue"));
    return true;
}

/* [+-]digits[.,digits], or + and 6 to 15 digits (E.164): a number. */
static bool plain_number(const char *v)
{
    const char *p = v;
    if (*p == '+' || *p == '-') p++;
    size_t digits = strspn(p, "0123456789");
    if (!digits) return false;
    p += digits;
    if (*p == '.' || *p == ',') {
        size_t frac = strspn(p + 1, "0123456789");
        if (!frac) return false;
        p += 1 + frac;
    }
    return *p == '\0';
}

bool validate_csv_safe(const char *s)
{
    return !s || !s[0] || !strchr("=+-@\t\r", s[0]) || plain_number(s);
}

bool validate_not_formula(const char *s, const char **why)
{
    if (validate_csv_safe(s)) return true;
    bool sign = s[0] == '+' || s[0] == '-';
    if (sign && (s[1] == ' ' || s[1] == '\0')) return true; /* "- tiret", a lone dash */
    if (why)
        *why = N_("ce texte commence comme une formule de tableur (=, +, -, @) : commencez-le "
                  "autrement");
    return false;
}

bool validate_local_path(const char *s, size_t max)
{
    if (!s || s[0] != '/' || s[1] == '/' || strlen(s) > max) return false;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p <= ' ' || *p == 0x7f || *p == '\\') return false;
    return true;
}
