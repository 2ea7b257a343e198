/*
 * util.h — allocation that cannot fail, growable byte buffers, a
 * per-request arena, and small string helpers shared by every module.
 *
 * Allocation failure aborts the process through xmalloc and friends:
 * callers never check for NULL.
 */
#ifndef REPERE_UTIL_H
#define REPERE_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* printf into a fresh malloc'd string (caller frees). */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A growable byte buffer, always NUL-terminated. Zero-initialise to use. */
typedef struct buf {
    char *data;
    size_t len;
    size_t cap;
} buf;

void buf_reserve(buf *b, size_t extra);
void buf_append(buf *b, const void *data, size_t len);
void buf_puts(buf *b, const char *s);
void buf_putc(buf *b, char c);
void buf_printf(buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vprintf(buf *b, const char *fmt, va_list ap);
/* Hand the bytes over (caller frees) and reset the buffer. */
char *buf_steal(buf *b);
void buf_reset(buf *b);
void buf_free(buf *b);

/*
 * Arena: many small allocations freed at once (one per request).
 * Memory returned by arena_* lives until arena_free.
 */
typedef struct arena arena;
arena *arena_new(void);
void *arena_alloc(arena *a, size_t n);
char *arena_strdup(arena *a, const char *s);
char *arena_strndup(arena *a, const char *s, size_t n);
char *arena_printf(arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void arena_free(arena *a);

/* String helpers. */
/* qsort/bsearch comparison of two char * (strcmp order). */
int str_ptr_cmp(const void *a, const void *b);
bool str_starts_with(const char *s, const char *prefix);
bool str_ends_with(const char *s, const char *suffix);
/* Trim ASCII whitespace in place; returns s advanced past leading blanks. */
char *str_trim(char *s);
/* True when the bytes are valid UTF-8 (no overlongs, no surrogates). */
bool utf8_valid(const char *s, size_t len);
/* Decode the code point at s (len bytes available) into *cp; returns its
 * length in bytes, or 0 when the bytes there are not valid UTF-8. */
size_t utf8_next(const char *s, size_t len, uint32_t *cp);
/* Number of code points in valid UTF-8. */
size_t utf8_length(const char *s);

/* The Gregorian calendar, the one owner of its rule: leap years, the days
 * of a month (0 when the month is not 1-12), and whether year-month-day is
 * a day of it (no 31 April, 29 February only in leap years). */
bool calendar_leap_year(int year);
int calendar_days_in_month(int year, int month);
bool calendar_valid_day(int year, int month, int day);

/*
 * JSON values written straight into a buffer, byte for byte as jansson's
 * compact dump writes them (checked by tests/unit/test_util.c), for the
 * hot writers that would otherwise build a jansson tree only to dump it.
 * A string: quotes, \" \\ \b \f \n \r \t, other controls as \u00XX, the
 * rest as is; NULL or invalid UTF-8 → null. A real: %.17g with ".0" when
 * it would read as an integer, exponent without '+' or leading zeros;
 * not finite → null.
 */
void buf_json_string(buf *b, const char *s);
void buf_json_real(buf *b, double v);

/*
 * Fold a UTF-8 string for matching: lowercase, Latin diacritics removed,
 * ligatures expanded (œ → oe), every run of non-alphanumerics turned into one
 * space, trimmed. "Saint-Étienne-de-l'Œuvre" → "saint etienne de l oeuvre".
 * Returns a malloc'd string.
 */
char *text_fold(const char *s);

/*
 * text_fold, and also keeps the Cyrillic and Arabic letters (folded: lower
 * case, no vowel marks, one form of alef, yeh, kaf) instead of treating them
 * as separators: what the search reads in a query typed on a Ukrainian,
 * Arabic or Dari page ("робота", "وظيفة"). Returns a malloc'd string.
 */
char *text_fold_words(const char *s);

/*
 * URL slug of a name: folded, spaces turned into '-', at most 80 bytes.
 * "Espace Public Numérique d'Aubenas" → "espace-public-numerique-d-aubenas".
 */
char *text_slug(const char *s);

/* Current time as seconds since the epoch (UTC). */
int64_t now_utc(void);

/*
 * A copy of `s` safe to write to a log line or a terminal: control
 * characters, DEL, '"' and '\\' become \xHH, so a visitor cannot forge a log
 * line (CR LF in a URL) nor send escape sequences to an admin's terminal.
 * UTF-8 letters pass. Malloc'd; "" for NULL.
 */
char *text_printable(const char *s);
/* The same for text shown on a terminal rather than in a quoted log field:
 * control characters escaped, quotes and backslashes as they are. */
char *text_terminal_safe(const char *s);
/* Capitalise the first letter of s in place: ASCII, Latin-1, Latin
 * Extended-A, Romanian ș/ț and Cyrillic (the scripts of the interface's
 * languages that have capitals); anything else is left as it is. */
void text_capitalise_first(char *s);

/* Anonymise a client address for logs (IPv4 /24, IPv6 /48); "-" when not one. */
void ip_anonymise(const char *ip, char *out, size_t outlen);

#endif
