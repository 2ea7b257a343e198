/*
 * validate.h — the one owner of each rule about what people and files give
 * us: e-mail addresses, web addresses, postal codes, INSEE codes, SIRET and
 * RNA numbers, positions, dates. Every form (place editor, new place, claim,
 * report, invitation, account), every importer (places, workshops), the
 * command line (`repere user`, --contact) and the export call these, so an
 * address the editor saves is one the importer takes, and the reverse.
 * Telephone numbers have their own owner: core/phone.c.
 *
 * Every function is pure: it reads bytes and answers. When it answers false
 * and `why` is not NULL, *why is a static French phrase saying what is wrong
 * (lower case, no final full stop), for the caller to put after the name of
 * its field: « contact@mairie..fr » n'est pas une adresse électronique :
 * deux points se suivent dans le domaine.
 */
#ifndef REPERE_VALIDATE_H
#define REPERE_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>

enum {
    VALIDATE_EMAIL_MAX = 254, /* bytes: RFC 5321's limit on a path, what mail servers take */
    VALIDATE_URL_MAX = 2000,  /* bytes: what every browser and crawler follows */
    VALIDATE_INSEE_SIZE = 6,  /* an INSEE code and its NUL */
    VALIDATE_PIVOT_SIZE = 15, /* a SIRET (14 digits) or an RNA (10 characters) and its NUL */
};

/*
 * An e-mail address as a mailto: link and a mail server need it:
 * at most 254 bytes of valid UTF-8, exactly one '@';
 * before it, 1 to 64 bytes of letters, digits and ! # $ % & ' * + - / = ^ _ ` { } ~
 * (and letters beyond ASCII), with dots only between them (no leading,
 * trailing or doubled dot); after it, a domain of at least two labels
 * separated by single dots, each 1 to 63 letters, digits or hyphens (not at
 * its ends), the last one (.fr, .org…) at least two letters. No blanks.
 * Used by: the place editor (public addresses), the new-place form's
 * neighbours (claim, report, invitation, forgotten password), `repere user`,
 * --contact, the places importer (courriels) and the workshops importer
 * (inscription par courriel).
 */
bool validate_email(const char *s, const char **why);

/*
 * A web address people can follow: http:// or https:// (any case, written
 * lower case), or "www.…" taken as http://www.…; a host name with the same
 * rule as an e-mail domain, an optional port; no blanks, control
 * characters, quotes, < > \ or backquote; at most 2 000 bytes.
 * On success, when `normalised` is not NULL, *normalised is the address to
 * store (malloc'd, the caller frees). Used by: the place editor (site web,
 * rendez-vous, acceslibre), the places importer (site_web, prise_rdv,
 * fiche_acces_libre), the workshops importer (inscription par lien).
 */
bool validate_url(const char *s, char **normalised, const char **why);

/*
 * A French postal code: five ASCII digits, not starting with 00. Corsica's
 * are digits too (20000–20999); 2A and 2B belong to INSEE codes only.
 * Used by: the place editor, the new-place form, the places importer.
 */
bool validate_postal_code(const char *s, const char **why);

/*
 * A commune's INSEE code, the national schema's ^([013-9]\d|2[AB1-9])\d{3}$;
 * "2a"/"2b" are accepted and written upper case into `out` (may be NULL).
 * Used by: the places importer (code_insee), the export.
 */
bool validate_insee_code(const char *s, char out[VALIDATE_INSEE_SIZE], const char **why);

/*
 * The schema's pivot: a SIRET (14 digits) or an RNA number (W and 9 letters
 * or digits), spaces, dots and hyphens between them ignored; the compact,
 * upper-case form is written into `out` (may be NULL). The SIRET's Luhn key
 * is not checked: the national data has La Poste's and placeholder numbers.
 * Used by: the places importer (pivot), the export.
 */
bool validate_pivot(const char *s, char out[VALIDATE_PIVOT_SIZE], const char **why);

/*
 * One coordinate in decimal degrees as people and files write it:
 * [sign] digits [. or , digits] [e exponent], nothing around it; a latitude
 * within ±90, a longitude within ±180. Writes the value into *out.
 * Used by: the place editor, the places importer.
 */
bool validate_coordinate(const char *s, bool latitude, double *out, const char **why);

/*
 * Is this position in France, in the territory of its postal code
 * (metropolitan France and Corsica, or the overseas territory its 97x/98x
 * code names)? The boxes are generous rectangles: they catch swapped
 * latitude and longitude, a sign lost, a place put on the other side of the
 * world; not a commune put in the next département. Used by: the place
 * editor, the places importer.
 */
bool validate_position(const char *postal_code, double latitude, double longitude,
                       const char **why);

/*
 * A calendar date written YYYY-MM-DD (exactly ten bytes), that exists
 * (no 31 April, 29 February only in leap years), between 1990 and 2100.
 * Used by: the place editor (temporary closures), the places importer
 * (date_maj).
 */
bool validate_date(const char *s, const char **why);

/*
 * Would a spreadsheet run this text as a formula? (OWASP "CSV injection".)
 * validate_csv_safe is false for text starting with =, +, -, @, a tab or a
 * carriage return — other than a plain number ("-0.57", "45,5") or an E.164
 * telephone ("+33479311919"). The CSV writer neutralises such cells (a
 * leading apostrophe). validate_not_formula is the narrower rule for what
 * people type in a one-line field: = @ tab CR, or + - directly followed by
 * something other than a space ("- tiret" is text; "-2+3", "+cmd" are not).
 * Used by: the CSV export (places/export.c), the places importer (a
 * warning), the place editor's one-line fields (refused).
 */
bool validate_csv_safe(const char *s);

/*
 * A path of this site to send someone back to after a form ("retour"): it
 * starts with one '/', holds no backslash, no space and no control
 * character anywhere (browsers drop tabs and newlines, so "/\t/evil.example"
 * would become the foreign "//evil.example"), and has at most `max` bytes.
 * Used by: the login form, the selection's "back to the search" links.
 */
bool validate_local_path(const char *s, size_t max);
bool validate_not_formula(const char *s, const char **why);

#endif
