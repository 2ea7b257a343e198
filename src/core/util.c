/*
 * util.c — see util.h. Everything here is pure and thread-safe.
 */
#include "core/util.h"

#include <arpa/inet.h>

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void out_of_memory(size_t n)
{
    fprintf(stderr, "repere: out of memory (allocating %zu bytes)\n", n);
    abort();
}

void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) out_of_memory(n);
    return p;
}

void *xcalloc(size_t count, size_t size)
{
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (!p) out_of_memory(count * size);
    return p;
}

void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q) out_of_memory(n);
    return q;
}

char *xstrdup(const char *s)
{
    return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
    char *p = xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *xasprintf(const char *fmt, ...)
{
    buf b = {0};
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(&b, fmt, ap);
    va_end(ap);
    return buf_steal(&b);
}

/* ---- buf ---- */

void buf_reserve(buf *b, size_t extra)
{
    size_t need = b->len + extra + 1;
    if (need <= b->cap) return;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < need)
        cap *= 2;
    b->data = xrealloc(b->data, cap);
    b->cap = cap;
}

void buf_append(buf *b, const void *data, size_t len)
{
    buf_reserve(b, len);
    if (len) memcpy(b->data + b->len, data, len);
    b->len += len;
    b->data[b->len] = '\0';
}

void buf_puts(buf *b, const char *s)
{
    buf_append(b, s, strlen(s));
}

void buf_putc(buf *b, char c)
{
    buf_append(b, &c, 1);
}

void buf_vprintf(buf *b, const char *fmt, va_list ap)
{
    va_list copy;
    va_copy(copy, ap);
    char small[256];
    int n = vsnprintf(small, sizeof small, fmt, copy);
    va_end(copy);
    if (n < 0) return;
    if ((size_t)n < sizeof small) {
        buf_append(b, small, (size_t)n);
        return;
    }
    buf_reserve(b, (size_t)n);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
}

void buf_printf(buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(b, fmt, ap);
    va_end(ap);
}

char *buf_steal(buf *b)
{
    if (!b->data) buf_reserve(b, 0), b->data[0] = '\0';
    char *p = b->data;
    b->data = NULL;
    b->len = b->cap = 0;
    return p;
}

void buf_reset(buf *b)
{
    b->len = 0;
    if (b->data) b->data[0] = '\0';
}

void buf_free(buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

/* ---- arena ---- */

struct arena_block {
    struct arena_block *next;
    size_t used, size;
    max_align_t data[];
};

struct arena {
    struct arena_block *head;
};

enum { ARENA_BLOCK = 16 * 1024 };

arena *arena_new(void)
{
    return xcalloc(1, sizeof(arena));
}

void *arena_alloc(arena *a, size_t n)
{
    n = (n + sizeof(max_align_t) - 1) & ~(sizeof(max_align_t) - 1);
    struct arena_block *b = a->head;
    if (!b || b->size - b->used < n) {
        size_t size = n > ARENA_BLOCK ? n : ARENA_BLOCK;
        b = xmalloc(sizeof(struct arena_block) + size);
        b->size = size;
        b->used = 0;
        b->next = a->head;
        a->head = b;
    }
    void *p = (char *)b->data + b->used;
    b->used += n;
    return p;
}

char *arena_strndup(arena *a, const char *s, size_t n)
{
    char *p = arena_alloc(a, n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *arena_strdup(arena *a, const char *s)
{
    return arena_strndup(a, s, strlen(s));
}

char *arena_printf(arena *a, const char *fmt, ...)
{
    buf b = {0};
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(&b, fmt, ap);
    va_end(ap);
    char *p = arena_strndup(a, b.data ? b.data : "", b.len);
    buf_free(&b);
    return p;
}

void arena_free(arena *a)
{
    if (!a) return;
    struct arena_block *b = a->head;
    while (b) {
        struct arena_block *next = b->next;
        free(b);
        b = next;
    }
    free(a);
}

/* ---- strings ---- */

bool str_starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

bool str_ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

char *str_trim(char *s)
{
    while (*s && isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1]))
        s[--n] = '\0';
    return s;
}

/* Decode one code point; returns its length or 0 when invalid. */
static size_t utf8_decode(const unsigned char *s, size_t len, uint32_t *cp)
{
    if (len == 0) return 0;
    unsigned char c = s[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    size_t n;
    uint32_t v, min;
    if ((c & 0xE0) == 0xC0)
        n = 2, v = c & 0x1F, min = 0x80;
    else if ((c & 0xF0) == 0xE0)
        n = 3, v = c & 0x0F, min = 0x800;
    else if ((c & 0xF8) == 0xF0)
        n = 4, v = c & 0x07, min = 0x10000;
    else
        return 0;
    if (len < n) return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80) return 0;
        v = (v << 6) | (s[i] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) return 0;
    *cp = v;
    return n;
}

size_t utf8_next(const char *s, size_t len, uint32_t *cp)
{
    return utf8_decode((const unsigned char *)s, len, cp);
}

bool utf8_valid(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        uint32_t cp;
        size_t n = utf8_decode(p + i, len - i, &cp);
        if (!n) return false;
        i += n;
    }
    return true;
}

size_t utf8_length(const char *s)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if ((*p & 0xC0) != 0x80) n++;
    return n;
}

int str_ptr_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

bool calendar_leap_year(int year)
{
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int calendar_days_in_month(int year, int month)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month < 1 || month > 12) return 0;
    return month == 2 && calendar_leap_year(year) ? 29 : days[month - 1];
}

bool calendar_valid_day(int year, int month, int day)
{
    return day >= 1 && day <= calendar_days_in_month(year, month);
}

void buf_json_string(buf *b, const char *s)
{
    if (!s) {
        buf_puts(b, "null");
        return;
    }
    size_t start = b->len, len = strlen(s);
    buf_reserve(b, len + 2);
    buf_putc(b, '"');
    const char *run = s, *p = s, *end = s + len;
    while (p < end) {
        unsigned char c = (unsigned char)*p;
        if (c >= 0x80) { /* checked as it goes: invalid UTF-8 is written null */
            uint32_t cp;
            size_t n = utf8_decode((const unsigned char *)p, (size_t)(end - p), &cp);
            if (!n) {
                b->len = start;
                buf_puts(b, "null");
                return;
            }
            p += n;
            continue;
        }
        if (c >= 0x20 && c != '"' && c != '\\') {
            p++;
            continue;
        }
        buf_append(b, run, (size_t)(p - run));
        run = ++p;
        switch (c) {
        case '"':
            buf_puts(b, "\\\"");
            break;
        case '\\':
            buf_puts(b, "\\\\");
            break;
        case '\b':
            buf_puts(b, "\\b");
            break;
        case '\f':
            buf_puts(b, "\\f");
            break;
        case '\n':
            buf_puts(b, "\\n");
            break;
        case '\r':
            buf_puts(b, "\\r");
            break;
        case '\t':
            buf_puts(b, "\\t");
            break;
        default:
            buf_printf(b, "\\u%04X", c);
        }
    }
    buf_append(b, run, (size_t)(end - run));
    buf_putc(b, '"');
}

void buf_json_real(buf *b, double v)
{
    if (!isfinite(v)) {
        buf_puts(b, "null");
        return;
    }
    char text[40];
    int n = snprintf(text, sizeof text, "%.17g", v);
    if (!strpbrk(text, ".e")) memcpy(text + n, ".0", 3);
    /* The exponent without '+' nor leading zeros: "1e+22" → "1e22", "1e-05" → "1e-5". */
    char *e = strchr(text, 'e');
    if (e) {
        char *digits = e + 1 + (e[1] == '-');
        char *from = e + 1;
        if (*from == '+' || *from == '-') from++;
        while (*from == '0' && from[1])
            from++;
        memmove(digits, from, strlen(from) + 1);
    }
    buf_puts(b, text);
}

/*
 * ASCII folding of the Latin-1 Supplement and Latin Extended-A letters.
 * Writes the replacement into out (at most 2 bytes + NUL); returns false
 * when the code point is not a letter we fold (it then acts as a separator).
 */
static bool fold_code_point(uint32_t cp, char out[3])
{
    static const char *const latin1[64] = {
        /* C0 */ "a", "a", "a", "a", "a", "a", "ae", "c",
        "e",          "e", "e", "e", "i", "i", "i",  "i",
        /* D0 */ "d", "n", "o", "o", "o", "o", "o",  NULL,
        "o",          "u", "u", "u", "u", "y", "th", "ss",
        /* E0 */ "a", "a", "a", "a", "a", "a", "ae", "c",
        "e",          "e", "e", "e", "i", "i", "i",  "i",
        /* F0 */ "d", "n", "o", "o", "o", "o", "o",  NULL,
        "o",          "u", "u", "u", "u", "y", "th", "y"};
    /* Latin Extended-A (U+0100..U+017F), one base letter per code point. */
    static const char ext_a[] =
        "aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiiiijjjjkkklllllllllln"
        "nnnnnnnnoooooooorrrrrrssssssssttttttuuuuuuuuuuuuwwyyyzzzzzzs";
    const char *rep = NULL;
    if (cp >= 0xC0 && cp <= 0xFF)
        rep = latin1[cp - 0xC0];
    else if (cp == 0x152 || cp == 0x153)
        rep = "oe";
    else if (cp == 0x132 || cp == 0x133)
        rep = "ij";
    else if (cp >= 0x100 && cp - 0x100 < sizeof ext_a - 1) {
        out[0] = ext_a[cp - 0x100];
        out[1] = '\0';
        return true;
    }
    if (!rep) return false;
    strcpy(out, rep);
    return true;
}

/*
 * Folding of the Cyrillic and Arabic letters the search reads in a query
 * typed in Ukrainian, Arabic or Dari (text_fold_words): Cyrillic lowercased
 * (ё → е, ґ kept), Arabic without its vowel marks and tatweel, the forms of
 * alef, yeh, kaf and teh marbuta written one way (Dari's ی ک as Arabic's).
 * Returns 1 and the letter in out (2 bytes + NUL), 0 for a separator, -1 for
 * a mark to drop without separating.
 */
static int fold_other_script(uint32_t cp, char out[3])
{
    if (cp >= 0x410 && cp <= 0x42F)
        cp += 0x20;
    else if (cp >= 0x400 && cp <= 0x40F)
        cp += 0x50;
    else if (cp == 0x490)
        cp = 0x491;
    if (cp == 0x451) cp = 0x435;
    if ((cp >= 0x64B && cp <= 0x65F) || cp == 0x670 || cp == 0x640) return -1;
    if (cp == 0x622 || cp == 0x623 || cp == 0x625 || cp == 0x671) cp = 0x627;
    if (cp == 0x649 || cp == 0x6CC) cp = 0x64A;
    if (cp == 0x6A9) cp = 0x643;
    if (cp == 0x629) cp = 0x647;
    if (cp >= 0x660 && cp <= 0x669) { /* Arabic-Indic digits */
        out[0] = (char)('0' + (cp - 0x660)), out[1] = '\0';
        return 1;
    }
    if (cp >= 0x6F0 && cp <= 0x6F9) { /* Persian digits */
        out[0] = (char)('0' + (cp - 0x6F0)), out[1] = '\0';
        return 1;
    }
    bool cyrillic = cp >= 0x430 && cp <= 0x45F, ukrainian = cp == 0x491;
    bool arabic = (cp >= 0x621 && cp <= 0x63A) || (cp >= 0x641 && cp <= 0x64A) ||
                  (cp >= 0x671 && cp <= 0x6D3);
    if (!cyrillic && !ukrainian && !arabic) return 0;
    out[0] = (char)(0xC0 | (cp >> 6)), out[1] = (char)(0x80 | (cp & 0x3F)), out[2] = '\0';
    return 1;
}

static char *fold(const char *s, bool other_scripts)
{
    buf b = {0};
    const unsigned char *p = (const unsigned char *)s;
    size_t len = strlen(s), i = 0;
    bool space = true; /* suppress leading spaces */
    while (i < len) {
        uint32_t cp;
        size_t n = utf8_decode(p + i, len - i, &cp);
        if (!n) { /* invalid byte: treat as a separator */
            i++;
            cp = ' ';
        } else {
            i += n;
        }
        char rep[3] = {0};
        bool letter;
        if (cp < 0x80) {
            letter = isalnum((int)cp) != 0;
            rep[0] = (char)tolower((int)cp);
        } else {
            letter = fold_code_point(cp, rep);
            if (!letter && other_scripts) {
                int kind = fold_other_script(cp, rep);
                if (kind < 0) continue;
                letter = kind > 0;
            }
        }
        if (letter) {
            buf_puts(&b, rep);
            space = false;
        } else if (!space) {
            buf_putc(&b, ' ');
            space = true;
        }
    }
    if (b.len && b.data[b.len - 1] == ' ') b.data[--b.len] = '\0';
    return buf_steal(&b);
}

char *text_fold(const char *s)
{
    return fold(s, false);
}

char *text_fold_words(const char *s)
{
    return fold(s, true);
}

char *text_slug(const char *s)
{
    char *f = text_fold(s);
    size_t n = strlen(f);
    if (n > 80) {
        n = 80;
        while (n > 0 && f[n - 1] != ' ')
            n--;
        if (n == 0) n = 80;
        f[n] = '\0';
    }
    for (char *p = f; *p; p++)
        if (*p == ' ') *p = '-';
    n = strlen(f);
    while (n && f[n - 1] == '-')
        f[--n] = '\0';
    return f;
}

int64_t now_utc(void)
{
    return (int64_t)time(NULL);
}

void ip_anonymise(const char *ip, char *out, size_t outlen)
{
    struct in_addr v4;
    struct in6_addr v6;
    if (inet_pton(AF_INET, ip, &v4) == 1) {
        unsigned char *b = (unsigned char *)&v4;
        b[3] = 0;
        inet_ntop(AF_INET, &v4, out, (socklen_t)outlen);
    } else if (inet_pton(AF_INET6, ip, &v6) == 1) {
        memset(v6.s6_addr + 6, 0, 10);
        inet_ntop(AF_INET6, &v6, out, (socklen_t)outlen);
    } else {
        snprintf(out, outlen, "-");
    }
}

void text_capitalise_first(char *s)
{
    unsigned char *p = (unsigned char *)s;
    if (!p || !*p) return;
    if (p[0] >= 'a' && p[0] <= 'z') {
        p[0] -= 'a' - 'A';
        return;
    }
    unsigned cp = p[0] >= 0xc0 && p[0] < 0xe0 && (p[1] & 0xc0) == 0x80
                      ? (unsigned)(p[0] & 0x1f) << 6 | (p[1] & 0x3f)
                      : 0;
    unsigned up = cp;
    if (cp >= 0xe0 && cp <= 0xfe && cp != 0xf7)
        up = cp - 0x20; /* à → À */
    else if (((cp >= 0x100 && cp <= 0x137) || (cp >= 0x14a && cp <= 0x177)) && cp % 2 &&
             cp != 0x131) /* ă → Ă, ş → Ş (pairs: capital even in these two runs) */
        up = cp - 1;
    else if (cp == 0x219 || cp == 0x21b)
        up = cp - 1; /* ș → Ș, ț → Ț */
    else if (cp >= 0x430 && cp <= 0x44f)
        up = cp - 0x20; /* а → А */
    else if (cp >= 0x450 && cp <= 0x45f)
        up = cp - 0x50; /* і → І */
    else if (cp == 0x491)
        up = 0x490; /* ґ → Ґ */
    if (up == cp || up < 0x80) return;
    p[0] = (unsigned char)(0xc0 | up >> 6);
    p[1] = (unsigned char)(0x80 | (up & 0x3f));
}

static char *printable(const char *s, bool quotes)
{
    buf b = {0};
    static const char hex[] = "0123456789abcdef";
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        if (*p < 0x20 || *p == 0x7f || (quotes && (*p == '"' || *p == '\\'))) {
            char e[4] = {'\\', 'x', hex[*p >> 4], hex[*p & 15]};
            buf_append(&b, e, 4);
        } else if (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {
            /* U+0080–U+009F, the C1 controls (U+009B is a terminal's CSI):
             * written as their two bytes. */
            char e[8] = {'\\', 'x', 'c', '2', '\\', 'x', hex[p[1] >> 4], hex[p[1] & 15]};
            buf_append(&b, e, 8);
            p++;
        } else {
            buf_putc(&b, (char)*p);
        }
    }
    return b.data ? buf_steal(&b) : xstrdup("");
}

char *text_printable(const char *s)
{
    return printable(s, true);
}

char *text_terminal_safe(const char *s)
{
    return printable(s, false);
}
