/*
 * phone.c — telephone numbers to E.164. See phone.h.
 *
 * A French national number is ten digits starting with 0. Metropolitan ones
 * become +33 and the nine digits after the 0. Overseas departments and
 * collectivities have their own country codes, chosen by the first four
 * digits of the national number (ARCEP numbering plan):
 *   0262 0263 0692 0693 Réunion, 0269 0639 Mayotte        → +262
 *   0590 0690 0691 Guadeloupe, Saint-Martin, Saint-Barthélemy → +590
 *   0594 0694 Guyane                                       → +594
 *   0596 0696 0697 Martinique                              → +596
 * Mayotte has used +262 since 2007 (+269 is the Comoros); an input already
 * written "+269…" is kept as the producer wrote it.
 */
#include "core/phone.h"

#include <string.h>

typedef struct overseas_prefix {
    const char *national; /* first four digits of the ten-digit national number */
    const char *country;  /* its country code */
} overseas_prefix;

static const overseas_prefix OVERSEAS[] = {
    {"0262", "262"}, {"0263", "262"}, {"0692", "262"}, {"0693", "262"}, {"0269", "262"},
    {"0639", "262"}, {"0590", "590"}, {"0690", "590"}, {"0691", "590"}, {"0594", "594"},
    {"0694", "594"}, {"0596", "596"}, {"0696", "596"}, {"0697", "596"},
};

/* The country code for a ten-digit national number starting with 0. */
static const char *country_of(const char *national)
{
    for (size_t i = 0; i < sizeof OVERSEAS / sizeof OVERSEAS[0]; i++)
        if (strncmp(national, OVERSEAS[i].national, 4) == 0) return OVERSEAS[i].country;
    return "33";
}

/* Is this byte sequence at p a separator people put inside numbers? Returns its length. */
static size_t separator_len(const unsigned char *p)
{
    if (*p == ' ' || *p == '.' || *p == '-' || *p == '\t') return 1;
    if (p[0] == 0xC2 && p[1] == 0xA0) return 2;                 /* no-break space */
    if (p[0] == 0xE2 && p[1] == 0x80 && p[2] == 0xAF) return 3; /* narrow no-break space */
    return 0;
}

bool phone_normalize(const char *text, char out[PHONE_E164_MAX])
{
    /* Keep '+' (leading only) and digits; drop separators and "(0)". */
    char digits[32];
    size_t n = 0;
    bool plus = false;
    const unsigned char *p = (const unsigned char *)text;
    while (*p) {
        size_t sep = separator_len(p);
        if (sep) {
            p += sep;
        } else if (*p == '+' && n == 0 && !plus) {
            plus = true;
            p++;
        } else if (p[0] == '(' && p[1] == '0' && p[2] == ')' && plus) {
            p += 3; /* "+33 (0)4 …" */
        } else if (*p >= '0' && *p <= '9') {
            if (n + 1 >= sizeof digits) return false;
            digits[n++] = (char)*p++;
        } else {
            return false;
        }
    }
    digits[n] = '\0';
    if (!plus && n > 2 && digits[0] == '0' && digits[1] == '0') { /* 0033… */
        memmove(digits, digits + 2, n - 1);
        n -= 2;
        plus = true;
    }
    if (!plus) {
        if (n != 10 || digits[0] != '0' || digits[1] == '0') return false;
        const char *cc = country_of(digits);
        strcpy(out, "+");
        strcat(out, cc);
        strcat(out, digits + 1);
        return true;
    }
    if (strncmp(digits, "33", 2) == 0) {
        /* +33 and nine digits; an overseas number wrongly written +33 262…
         * gets its own country code. */
        if (n != 11 || digits[2] == '0') return false;
        char national[11] = "0";
        strcat(national, digits + 2);
        strcpy(out, "+");
        strcat(out, country_of(national));
        strcat(out, digits + 2);
        return true;
    }
    if (n < 8 || n > 15 || digits[0] == '0') return false;
    out[0] = '+';
    memcpy(out + 1, digits, n + 1);
    return true;
}
