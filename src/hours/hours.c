/*
 * hours.c — parse and evaluate OpenStreetMap opening_hours. See hours.h and
 * docs/hours.md.
 *
 * Parsing is a hand-written lexer plus recursive descent over the grammar
 *   rule      := [years] [dates] [weeks] [days] [times | 24/7] [state] [comment]
 *   schedule  := rule { (";" | "," | "||") rule }
 * Tolerated real-world variants (French day names, "9h30", en dashes, a
 * missing day selector…) are folded into the same structures, so that
 * hours_normalise() prints the canonical form.
 *
 * Evaluation follows the reference evaluator opening_hours.js (used by the
 * national map) rule for rule, one local day at a time: the day is a table
 * of 1440 minute states, which makes overrides, `off` rules, fallbacks and
 * times past midnight simple to get right. Minute tables are then turned
 * into UTC intervals through tz.c, which handles the daylight-saving gaps.
 */
#include "hours/hours.h"
#include "hours/school_holidays_data.h"
#include "core/i18n.h"
#include "hours/sun.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* At most this many items in one selector list or time list of a rule. */
#define MAX_ITEMS 16
/* At most this many rules in one expression. */
#define MAX_RULES 64
#define MINUTES_PER_DAY 1440
/* nth weekday of the month: bit n-1 for "[n]" (1-5), bit 4+n for "[-n]". */
#define NTH_FROM_END 5
#define NTH_ALL 0x3FF

enum { STATE_CLOSED = HOURS_CLOSED, STATE_OPEN = HOURS_OPEN, STATE_UNKNOWN = HOURS_UNKNOWN };
enum { RULE_NORMAL, RULE_ADDITIONAL, RULE_FALLBACK };

/* Years or ISO weeks: from-to every step (step 1 = each). */
/* The end of "2060+" and "2055/2" (from 2055, every other year). */
#define YEAR_OPEN 9999
typedef struct int_range {
    int from, to, step;
} int_range;

/*
 * year 0: every year; day 0: first (start) or last (end) day of the month.
 * easter: Easter Sunday moved by offset days ("easter -2 days"), every year.
 */
typedef struct date_point {
    int year, month, day;
    bool easter;
    int offset;
    /* "Jan Su[2]", "Dec Su[-1] +4 days" (a range's start or end): the nth
     * weekday of the month (weekday 1 = Monday … 7 = Sunday, nth 1-5 or -1 to
     * -5), moved by offset days; weekday 0 otherwise. */
    int weekday, nth;
} date_point;

typedef struct date_range {
    date_point from, to;
    int step; /* "Jan 01-31/8": every 8th day from the first (days of one month); 0 or 1: each */
} date_range;

/*
 * Local minutes from the day's midnight; start < end <= start + 1440, end up
 * to 2880. open_end: "17:00+", unknown until a guessed end; joined: it
 * continues the range before it ("10:00-12:00+"), so start may pass 1440.
 */
typedef struct time_range {
    int start, end;
    bool open_end;
    bool joined;
    /* A time given by the Sun ("sunrise", "(sunset-00:30)"): the event + 1
     * (sun.h), 0 for a fixed time, and its offset in minutes. start and end
     * then hold opening_hours.js's time without a position (sunrise 06:00)
     * plus the offset: it decides there, once, whether the range wraps past
     * midnight; each day's times come from the place's position. */
    uint8_t start_sun, end_sun;
    int16_t start_offset, end_offset;
} time_range;

typedef struct rule {
    int kind; /* RULE_NORMAL (after ";"), RULE_ADDITIONAL (","), RULE_FALLBACK ("||") */
    int_range years[MAX_ITEMS];
    int year_count;
    date_range dates[MAX_ITEMS];
    int date_count;
    int_range weeks[MAX_ITEMS];
    int week_count;
    uint8_t weekdays; /* bit 0 = Monday */
    /* Which of those weekdays of the month (NTH_* bits): NTH_ALL for every one;
     * "We[1,3]" is first and third, "Sa[-1]" the last. */
    uint16_t nth[7];
    int nth_offset; /* "Su[-1] -1 day": the selected days move by this many days */
    bool holiday;   /* PH is listed with the weekdays */
    bool school;    /* SH is listed with the weekdays */
    /* "SH Mo-Fr", "PH We,Fr": the holidays AND those weekdays (no comma
     * between them), instead of the holidays OR the weekdays. */
    bool holiday_and;
    int holiday_offset; /* "PH +1 day": the day after each public holiday (-1, 0 or +1) */
    bool always;        /* written "24/7" */
    time_range times[MAX_ITEMS];
    int time_count; /* 0: the whole day */
    int state;
    bool explicit_state;
    char *comment; /* owned, or NULL */
} rule;

struct hours_schedule {
    rule *rules;
    size_t count;
    bool tolerated;         /* see hours_tolerated() */
    bool mentions_holidays; /* some rule names PH: trusted on holidays as written */
    bool mentions_school;   /* some rule names SH: needs the school calendar */
    struct day_memo *memo;  /* days already cut into segments (walk_segments), or NULL */
};

/* ------------------------------------------------------------------ */
/* Names                                                               */
/* ------------------------------------------------------------------ */

static const char *const weekday_osm[7] = {"Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"};
static const char *const month_osm[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
/* Marked for translation (N_), translated where they are written (_). */
static const char *const weekday_fr[7] = {N_("lundi"),    N_("mardi"),  N_("mercredi"), N_("jeudi"),
                                          N_("vendredi"), N_("samedi"), N_("dimanche")};
static const char *const month_fr[12] = {
    N_("janvier"), N_("février"), N_("mars"),      N_("avril"),   N_("mai"),      N_("juin"),
    N_("juillet"), N_("août"),    N_("septembre"), N_("octobre"), N_("novembre"), N_("décembre")};

const char *hours_weekday_fr(int weekday)
{
    return weekday >= 0 && weekday < 7 ? gettext(weekday_fr[weekday]) : "";
}

const char *hours_month_fr(int month)
{
    return month >= 1 && month <= 12 ? gettext(month_fr[month - 1]) : "";
}

typedef struct word_value {
    const char *word; /* folded: lowercase ASCII, accents removed */
    int value;
} word_value;

/*
 * Day names accepted: OSM's two letters, French two letters (lu ma me je ve
 * sa di), French and English full names, French and English three letters
 * except "mar" (that one is March).
 */
static const word_value weekday_words[] = {
    {"mo", 0},          {"tu", 1},       {"we", 2},       {"th", 3},         {"fr", 4},
    {"sa", 5},          {"su", 6},       {"lu", 0},       {"ma", 1},         {"me", 2},
    {"je", 3},          {"ve", 4},       {"di", 6},       {"lun", 0},        {"mer", 2},
    {"jeu", 3},         {"ven", 4},      {"sam", 5},      {"dim", 6},        {"lundi", 0},
    {"mardi", 1},       {"mercredi", 2}, {"jeudi", 3},    {"vendredi", 4},   {"samedi", 5},
    {"dimanche", 6},    {"mon", 0},      {"tue", 1},      {"wed", 2},        {"thu", 3},
    {"fri", 4},         {"sat", 5},      {"sun", 6},      {"monday", 0},     {"tuesday", 1},
    {"wednesday", 2},   {"thursday", 3}, {"friday", 4},   {"saturday", 5},   {"sunday", 6},
    {"montag", 0},      {"dienstag", 1}, {"mittwoch", 2}, {"donnerstag", 3}, {"freitag", 4},
    {"samstag", 5},     {"sonntag", 6},  {"montags", 0},  {"dienstags", 1},  {"mittwochs", 2},
    {"donnerstags", 3}, {"freitags", 4}, {"samstags", 5}, {"sonntags", 6},   {"lunes", 0},
    {"martes", 1},      {"jueves", 3},   {"viernes", 4},  {"domingo", 6},    {"mi", 2},
    {"do", 3}, /* German Mittwoch, Donnerstag (Di is dimanche in France) */
};
/* The first seven weekday_words are OpenStreetMap's; the others are tolerated. */
#define OSM_WEEKDAY_WORDS 7

static const word_value month_words[] = {
    {"jan", 1},
    {"feb", 2},
    {"mar", 3},
    {"apr", 4},
    {"may", 5},
    {"jun", 6},
    {"jul", 7},
    {"aug", 8},
    {"sep", 9},
    {"oct", 10},
    {"nov", 11},
    {"dec", 12},
    {"january", 1},
    {"february", 2},
    {"march", 3},
    {"april", 4},
    {"june", 6},
    {"july", 7},
    {"august", 8},
    {"september", 9},
    {"october", 10},
    {"november", 11},
    {"december", 12},
    {"janvier", 1},
    {"fevrier", 2},
    {"mars", 3},
    {"avril", 4},
    {"mai", 5},
    {"juin", 6},
    {"juillet", 7},
    {"aout", 8},
    {"septembre", 9},
    {"octobre", 10},
    {"novembre", 11},
    {"decembre", 12},
    /* German, Spanish and Italian names, as opening_hours.js tolerates them */
    {"januar", 1},
    {"februar", 2},
    {"marz", 3},
    {"juni", 6},
    {"juli", 7},
    {"oktober", 10},
    {"dezember", 12},
    {"enero", 1},
    {"febrero", 2},
    {"marzo", 3},
    {"abril", 4},
    {"mayo", 5},
    {"junio", 6},
    {"julio", 7},
    {"agosto", 8},
    {"septiembre", 9},
    {"octubre", 10},
    {"noviembre", 11},
    {"diciembre", 12},
    {"gennaio", 1},
    {"febbraio", 2},
    {"aprile", 4},
    {"maggio", 5},
    {"giugno", 6},
    {"luglio", 7},
    {"settembre", 9},
    {"ottobre", 10},
    {"dicembre", 12},
};

static const word_value state_words[] = {
    {"open", STATE_OPEN},  {"ouvert", STATE_OPEN},  {"closed", STATE_CLOSED},
    {"off", STATE_CLOSED}, {"ferme", STATE_CLOSED}, {"unknown", STATE_UNKNOWN},
};

static int lookup(const word_value *table, size_t n, const char *word)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(table[i].word, word) == 0) return table[i].value;
    return -1;
}

/* ------------------------------------------------------------------ */
/* Lexer                                                               */
/* ------------------------------------------------------------------ */

enum {
    T_END,
    T_NUM,
    T_WORD,
    T_COMMENT,
    T_BAD_COMMENT, /* a '"' without its closing partner */
    T_DASH,
    T_COMMA,
    T_SEMI,
    T_COLON,
    T_SLASH,
    T_PLUS,
    T_OROR,
    T_LBRACKET,
    T_OTHER
};

typedef struct token {
    int kind;
    size_t pos, end; /* byte offsets in the expression */
    int value;       /* T_NUM */
    int digits;      /* T_NUM */
    char word[24];   /* T_WORD, folded; "" when too long to be a keyword */
} token;

/* Length of the UTF-8 sequence at p, and its code point. Input is valid UTF-8. */
static int utf8_at(const unsigned char *p, uint32_t *cp)
{
    if (p[0] < 0x80) {
        *cp = p[0];
        return 1;
    }
    if ((p[0] & 0xE0) == 0xC0) {
        *cp = (uint32_t)(p[0] & 0x1F) << 6 | (p[1] & 0x3F);
        return 2;
    }
    if ((p[0] & 0xF0) == 0xE0) {
        *cp = (uint32_t)(p[0] & 0x0F) << 12 | (uint32_t)(p[1] & 0x3F) << 6 | (p[2] & 0x3F);
        return 3;
    }
    *cp = (uint32_t)(p[0] & 0x07) << 18 | (uint32_t)(p[1] & 0x3F) << 12 |
          (uint32_t)(p[2] & 0x3F) << 6 | (p[3] & 0x3F);
    return 4;
}

/* ASCII fold of a Latin letter (é → e), 0 when cp is not a letter we read. */
static char fold_letter(uint32_t cp)
{
    /* U+00C0-U+00FF, upper then lower case; '.' for signs and letters we never need. */
    static const char latin1[] = "aaaaaa.ceeeeiiii.nooooo.ouuuuy.."
                                 "aaaaaa.ceeeeiiii.nooooo.ouuuuy.y";
    if (cp >= 'A' && cp <= 'Z') return (char)(cp + 32);
    if (cp >= 'a' && cp <= 'z') return (char)cp;
    if (cp >= 0xC0 && cp <= 0xFF && latin1[cp - 0xC0] != '.') return latin1[cp - 0xC0];
    return 0;
}

static bool is_space(uint32_t cp)
{
    return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == 0xA0 || cp == 0x202F;
}

/* The token starting at or after byte pos (blanks skipped). */
static token lex(const char *src, size_t pos)
{
    const unsigned char *s = (const unsigned char *)src;
    uint32_t cp = 0;
    int n;
    while (s[pos]) {
        n = utf8_at(s + pos, &cp);
        if (!is_space(cp)) break;
        pos += (size_t)n;
    }
    token t = {.kind = T_OTHER, .pos = pos, .end = pos + 1};
    unsigned char c = s[pos];
    if (c == '\0') {
        t.kind = T_END;
        t.end = pos;
        return t;
    }
    if (c >= '0' && c <= '9') {
        t.kind = T_NUM;
        size_t p = pos;
        while (s[p] >= '0' && s[p] <= '9') {
            if (t.value < 100000) t.value = t.value * 10 + (s[p] - '0');
            t.digits++;
            p++;
        }
        t.end = p;
        return t;
    }
    n = utf8_at(s + pos, &cp);
    if (fold_letter(cp)) {
        t.kind = T_WORD;
        size_t p = pos, len = 0;
        while (s[p] && (n = utf8_at(s + p, &cp), fold_letter(cp))) {
            if (len + 1 < sizeof t.word) t.word[len] = fold_letter(cp);
            len++;
            p += (size_t)n;
        }
        if (len + 1 > sizeof t.word) len = 0; /* too long for any keyword */
        t.word[len] = '\0';
        t.end = p;
        return t;
    }
    t.end = pos + (size_t)n;
    switch (cp) {
    case '-':
    case 0x2010:
    case 0x2011:
    case 0x2012:
    case 0x2013:
    case 0x2014:
    case 0x2212:
    case 0x2192: /* → */
    case 0x30FC: /* ー */
    case 0xFF5E: /* ～ */
    case '~':
    case '=':
        t.kind = T_DASH;
        break;
    case ',':
        t.kind = T_COMMA;
        break;
    case ';':
        t.kind = T_SEMI;
        break;
    case ':':
        t.kind = T_COLON;
        break;
    case '/':
        t.kind = T_SLASH;
        break;
    case '+':
        t.kind = T_PLUS;
        break;
    case '[':
        t.kind = T_LBRACKET;
        break;
    case '|':
        if (s[pos + 1] == '|') {
            t.kind = T_OROR;
            t.end = pos + 2;
        }
        break;
    case '"': {
        const char *close = strchr(src + pos + 1, '"');
        if (close) {
            t.kind = T_COMMENT;
            t.end = (size_t)(close - src) + 1;
        } else {
            t.kind = T_BAD_COMMENT;
        }
        break;
    }
    default:
        break;
    }
    return t;
}

/* ------------------------------------------------------------------ */
/* Hand-typed forms, rewritten before lexing                           */
/* ------------------------------------------------------------------ */

/*
 * Words, phrases and signs that opening_hours.js tolerates with a warning
 * and the grammar does not know: they are rewritten into OpenStreetMap
 * syntax before lexing, and the schedule counts as tolerated (the importer,
 * the admin area and `repere hours` show the canonical form, with a
 * warning). Each form is matched as a whole word, without regard to case;
 * a blank in `typed` stands for any run of blanks or underscores, none
 * included. An empty `osm` drops the word. Only forms opening_hours.js
 * reads the same way are listed (the oracle compares them): English,
 * French (« sur rendez-vous »), German, Portuguese and Russian words for
 * "to", day names in Russian, Georgian, Thai, Japanese and Arabic.
 *
 * Sorted by the first byte of `typed` (hand_typed_at() looks up that byte
 * first): keep it so when adding a form.
 */
typedef struct hand_typed {
    const char *typed; /* lowercase */
    const char *osm;
} hand_typed;

static const hand_typed hand_typed_forms[] = {
    {"24 hours 7 days a week", "24/7"},
    {"24 hours", "00:00-24:00"},
    {"24x7", "24/7"},
    {"7 days a week", "Mo-Su"},
    {"7 days/week", "Mo-Su"},
    {"always open", "24/7"},
    {"always closed", "off"},
    {"an feiertag", "PH"},
    {"an feiertags", "PH"},
    {"an feiertage", "PH"},
    {"an feiertagen", "PH"},
    {"auch", ","},
    {"as", "-"},
    {"ate", "-"},
    {"by appointment", "\"by appointment\""},
    {"by appointments", "\"by appointment\""},
    {"day after public holiday", "PH +1 day"},
    {"day before public holiday", "PH -1 day"},
    {"durchgehend", ""},
    {"feiertag", "PH"},
    {"feiertags", "PH"},
    {"feiertage", "PH"},
    {"feiertagen", "PH"},
    {"geschlossen", "off"},
    {"geschl", "off"},
    {"geöffnet", ""},
    {"hours", ""},
    {"hrs", ""},
    {"hs", ""},
    {"midnight", "00:00"},
    {"midday", "12:00"},
    {"nach vereinbarung", "\"Nach Vereinbarung\""},
    {"nach absprache", "\"Nach Absprache\""},
    {"on work day", "Mo-Fr"},
    {"on work days", "Mo-Fr"},
    {"one day after public holiday", "PH +1 day"},
    {"one day before public holiday", "PH -1 day"},
    {"on appointment", "\"on appointment\""},
    {"on appointments", "\"on appointment\""},
    {"opening_hours =", ""}, /* the OpenStreetMap key pasted with its value */
    {"ruhetag", "off"},
    {"ruhetage", "off"},
    {"sur rendez-vous", "\"sur rendez-vous\""},
    {"sur rendez vous", "\"sur rendez-vous\""},
    {"sur rdv", "\"sur rendez-vous\""},
    {"sonn-", "Su"},
    {"und", ","},
    {"uhr", ""},
    {"weekend", "Sa,Su"},
    {"weekends", "Sa,Su"},
    {"weekday", "Mo-Fr"},
    {"weekdays", "Mo-Fr"},
    {"werktag", "Mo-Sa"},
    {"werktags", "Mo-Sa"},
    {"zwischen", ""},
    {"öffnungszeit", ""},
    {"öffnungszeit:", ""},
    {"öffnungszeiten", ""},
    {"öffnungszeiten:", ""},
    {"ás", "-"},
    {"às", "-"},
    {"á", "-"},
    {"до", "-"},
    {"ам", "am"},
    {"оff", "off"}, /* a Cyrillic о */
    {"понедельник", "Mo"},
    {"вторник", "Tu"},
    {"пятница", "Fr"},
    {"воскресенье", "Su"},
    {"пн", "Mo"},
    {"вт", "Tu"},
    {"пт", "Fr"},
    {"вс", "Su"},
    {"рм", "pm"},
    {"среда", "We"},
    {"четверг", "Th"},
    {"суббота", "Sa"},
    {"ср", "We"},
    {"чт", "Th"},
    {"сб", "Sa"},
    {"الاثنين", "Mo"},
    {"الثلاثاء", "Tu"},
    {"الأربعاء", "We"},
    {"الخميس", "Th"},
    {"الجمعة", "Fr"},
    {"السبت", "Sa"},
    {"الأحد", "Su"},
    {"วันจันทร์", "Mo"},
    {"วันอังคาร", "Tu"},
    {"วันพุธ", "We"},
    {"วันพฤหัสบดี", "Th"},
    {"วันศุกร์", "Fr"},
    {"วันเสาร์", "Sa"},
    {"วันอาทิตย์", "Su"},
    {"ორშაბათი", "Mo"},
    {"სამშაბათი", "Tu"},
    {"ოთხშაბათი", "We"},
    {"ხუთშაბათი", "Th"},
    {"პარასკევი", "Fr"},
    {"შაბათი", "Sa"},
    {"კვირა", "Su"},
    {"土曜日", "Sa"},
    {"月曜日", "Mo"},
    {"水曜日", "We"},
    {"木曜日", "Th"},
    {"日曜日", "Su"},
    {"火曜日", "Tu"},
    {"金曜日", "Fr"},
};

/* Lowercase of the Latin-1 and Cyrillic capitals; other code points as they are. */
static uint32_t lower_cp(uint32_t cp)
{
    if ((cp >= 'A' && cp <= 'Z') || (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7) ||
        (cp >= 0x410 && cp <= 0x42F))
        return cp + 32;
    if (cp >= 0x400 && cp <= 0x40F) return cp + 80;
    return cp;
}

/* A code point that belongs to a word: a letter of any script, or "_". */
static bool is_word_cp(uint32_t cp)
{
    if (cp < 0x80) return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || cp == '_';
    if (cp < 0xC0 || cp == 0xD7 || cp == 0xF7) return false; /* Latin-1 signs: « » ° … */
    if (cp >= 0x2000 && cp <= 0x2BFF) return false; /* punctuation, super/subscripts, arrows */
    if (cp >= 0x3000 && cp <= 0x303F) return false; /* CJK punctuation: 「 」 */
    if (cp == 0x30FC) return false;                 /* ー, read as a dash */
    return !(cp >= 0xFF00 && cp <= 0xFF65);         /* full-width signs and digits */
}

static bool is_digit_cp(uint32_t cp)
{
    return cp >= '0' && cp <= '9';
}

/* Code point at s, 0 at the end of the text. */
static uint32_t cp_at(const char *s)
{
    uint32_t cp = 0;
    if (*s) utf8_at((const unsigned char *)s, &cp);
    return cp;
}

/*
 * Bytes of s that spell `typed` (any case; a blank in `typed` takes any run
 * of blanks or underscores, none included), 0 when s does not start so.
 */
static size_t match_prefix(const char *s, const char *typed)
{
    size_t i = 0, j = 0;
    uint32_t a, b;
    while (typed[j]) {
        if (typed[j] == ' ') {
            while ((a = cp_at(s + i)) && (is_space(a) || a == '_'))
                i += (size_t)utf8_at((const unsigned char *)s + i, &a);
            j++;
            continue;
        }
        if (!s[i]) return 0;
        int n = utf8_at((const unsigned char *)s + i, &a);
        int m = utf8_at((const unsigned char *)typed + j, &b);
        if (lower_cp(a) != b) return 0;
        i += (size_t)n;
        j += (size_t)m;
    }
    return i;
}

/* Like match_prefix(), but only a whole word: no letter (or digit after a digit) follows. */
static size_t match_typed(const char *s, const char *typed)
{
    size_t n = match_prefix(s, typed);
    if (!n) return 0;
    uint32_t next = cp_at(s + n), last = (unsigned char)typed[strlen(typed) - 1];
    if ((last >= 0x80 || is_word_cp(last)) && is_word_cp(next)) return 0;
    if (is_digit_cp(last) && is_digit_cp(next)) return 0;
    return n;
}

/*
 * « Sonn- und Feiertags », « an Sonn- und Feiertagen », « nur Sonn-/Feiertag »
 * (Sundays and public holidays, Su,PH) at s: its length, 0 when none.
 */
static size_t sundays_and_holidays(const char *s)
{
    static const char *const leads[] = {"an ", "nur "};
    static const char *const joins[] = {"- und ", " und ", "-/", "/"};
    static const char *const tails[] = {"feiertagen", "feiertage", "feiertags", "feiertag"};
    size_t n = 0, k = 0;
    if (!strchr("ansANS", *s) || !*s) return 0; /* the first letter of a lead or of "sonn" */
    for (size_t i = 0; i < ARRAY_LEN(leads) && !n; i++)
        n = match_prefix(s, leads[i]);
    if (!(k = match_prefix(s + n, "sonn"))) return 0;
    n += k;
    k = 0;
    for (size_t i = 0; i < ARRAY_LEN(joins) && !k; i++)
        k = match_prefix(s + n, joins[i]);
    if (!k) return 0;
    n += k;
    for (size_t i = 0; i < ARRAY_LEN(tails); i++)
        if ((k = match_typed(s + n, tails[i]))) return n + k;
    return 0;
}

/* The longest hand-typed form at s: its length, and *osm its rewriting. 0 when none. */
static size_t hand_typed_at(const char *s, const char **osm)
{
    size_t best = sundays_and_holidays(s);
    *osm = "Su,PH";
    unsigned char first = (unsigned char)*s;
    if (first >= 'A' && first <= 'Z') first += 32;
    if (first >= 0x80) first = 0x80; /* capitals of other scripts may change the lead byte */
    size_t lo = 0, hi = ARRAY_LEN(hand_typed_forms);
    while (lo < hi) { /* the first form whose first byte is not below `first` */
        size_t mid = (lo + hi) / 2;
        if ((unsigned char)hand_typed_forms[mid].typed[0] < first)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (size_t i = lo; i < ARRAY_LEN(hand_typed_forms); i++) {
        unsigned char want = (unsigned char)hand_typed_forms[i].typed[0];
        if (first < 0x80 && want != first) break;
        size_t n = match_typed(s, hand_typed_forms[i].typed);
        if (n > best) {
            best = n;
            *osm = hand_typed_forms[i].osm;
        }
    }
    return best;
}

/* A digit written as a superscript, a subscript or a degree sign ("12°°"), or -1. */
static int raised_digit(uint32_t cp)
{
    if (cp == 0xB0 || cp == 0x2070) return 0;
    if (cp == 0xB9) return 1;
    if (cp == 0xB2 || cp == 0xB3) return (int)cp - 0xB0;
    if (cp >= 0x2074 && cp <= 0x2079) return (int)cp - 0x2070;
    if (cp >= 0x2080 && cp <= 0x2089) return (int)cp - 0x2080;
    return -1;
}

/* Quotes that may open or close a comment instead of '"': ' „ “ ” ‚ ‘ ’ « » 「 」 『 』. */
static bool is_quote_open(uint32_t cp)
{
    return cp == '\'' || cp == 0x201E || cp == 0x201C || cp == 0x201A || cp == 0x2018 ||
           cp == 0x2019 || cp == 0xAB || cp == 0x300C || cp == 0x300E || cp == '"';
}

static bool is_quote_close(uint32_t cp)
{
    return cp == '"' || cp == '\'' || cp == 0x201D || cp == 0x201C || cp == 0x2018 ||
           cp == 0x2019 || cp == 0xBB || cp == 0x300D || cp == 0x300F;
}

/*
 * The text the parser reads, and for each of its bytes the span of the
 * typed text it comes from (error positions and quotes name what was typed).
 */
typedef struct rewritten {
    bool dry; /* only find out whether anything would be rewritten (no allocation) */
    bool changed;
    buf text;
    size_t *from, *to; /* NULL when nothing was rewritten */
    size_t cap;
} rewritten;

static void emit(rewritten *w, const char *bytes, size_t n, size_t from, size_t to)
{
    if (w->dry) return;
    if (w->text.len + n + 1 > w->cap) {
        w->cap = 2 * (w->text.len + n + 1);
        w->from = xrealloc(w->from, w->cap * sizeof *w->from);
        w->to = xrealloc(w->to, w->cap * sizeof *w->to);
    }
    for (size_t i = 0; i <= n; i++) { /* and the end of the text, after the last byte */
        w->from[w->text.len + i] = i < n ? from : to;
        w->to[w->text.len + i] = to;
    }
    buf_append(&w->text, bytes, n);
}

/* Copy typed bytes [from, to) as they are. */
static void emit_typed(rewritten *w, const char *src, size_t from, size_t to)
{
    for (size_t i = from; i < to; i++)
        emit(w, src + i, 1, i, i + 1);
}

/*
 * A comment between other quotes („…“, « … », '…', 「…」) at src + i, as
 * opening_hours.js reads them: up to a closing quote, with no '"', ';' or
 * '|' inside. Emits it with '"' and returns the typed length, 0 when none.
 */
static size_t other_quotes(rewritten *w, const char *src, size_t i)
{
    uint32_t cp;
    size_t open = (size_t)utf8_at((const unsigned char *)src + i, &cp), j = i + open;
    while (src[j] && src[j] != ';' && src[j] != '|' && !is_quote_close(cp_at(src + j)))
        j += (size_t)utf8_at((const unsigned char *)src + j, &cp);
    if (!src[j] || !is_quote_close(cp_at(src + j))) return 0;
    size_t close = (size_t)utf8_at((const unsigned char *)src + j, &cp);
    size_t first = i + open, last = j; /* « sur rendez-vous »: without its inner blanks */
    while (first < last && is_space(cp_at(src + first)))
        first += (size_t)utf8_at((const unsigned char *)src + first, &cp);
    while (last > first) {
        size_t k = last - 1; /* the start of the last character */
        while (k > first && ((unsigned char)src[k] & 0xC0) == 0x80)
            k--;
        if (!is_space(cp_at(src + k))) break;
        last = k;
    }
    emit(w, "\"", 1, i, first);
    emit_typed(w, src, first, last);
    emit(w, "\"", 1, j, j + close);
    return j + close - i;
}

/*
 * Rewrite the hand-typed forms of src (hand_typed_forms, other quotes,
 * raised digits, a full-width colon, a '.' after a day, a month or a day
 * number: "mon.", "Dec 24.") into what the grammar reads. w->changed tells
 * whether anything was rewritten (a dry w stops there, having written
 * nothing); the caller frees w with rewritten_free().
 */
static void rewrite_hand_typed(rewritten *w, const char *src)
{
    size_t i = 0;
    uint32_t prev = 0, cp;
    while (src[i]) {
        size_t n = (size_t)utf8_at((const unsigned char *)src + i, &cp);
        const char *osm;
        size_t len;
        if (cp == '"' && strchr(src + i + 1, '"')) { /* a comment: as typed */
            len = (size_t)(strchr(src + i + 1, '"') - (src + i)) + 1;
            emit_typed(w, src, i, i + len);
        } else if (is_quote_open(cp) && (len = other_quotes(w, src, i))) {
            w->changed = true;
        } else if (raised_digit(cp) >= 0) { /* "12°°", "⁰⁰:³⁰": up to two digits at once */
            size_t end = i + n;
            char digits[3] = {(char)('0' + raised_digit(cp)), 0, 0};
            uint32_t second = cp_at(src + end);
            if (raised_digit(second) >= 0) {
                digits[1] = (char)('0' + raised_digit(second));
                end += (size_t)utf8_at((const unsigned char *)src + end, &second);
            }
            /* after an hour, they are the minutes ("12°°" is 12:00) */
            size_t k = w->text.len, run = 0;
            while (k > 0 && w->text.data && is_digit_cp((unsigned char)w->text.data[k - 1]))
                k--, run++;
            if (run >= 1 && run <= 2) emit(w, ":", 1, i, end);
            emit(w, digits, strlen(digits), i, end);
            len = end - i;
            w->changed = true;
        } else if (cp == 0xFF1A) { /* ： */
            emit(w, ":", 1, i, i + n);
            len = n;
            w->changed = true;
        } else if ((is_word_cp(cp) || is_digit_cp(cp)) && !is_word_cp(prev) &&
                   !(is_digit_cp(prev) && is_digit_cp(cp)) &&
                   (len = hand_typed_at(src + i, &osm))) {
            if (src[i + len] == '.') len++; /* "geschl." */
            emit(w, *osm ? osm : " ", *osm ? strlen(osm) : 1, i, i + len);
            w->changed = true;
        } else if (fold_letter(cp) && !is_word_cp(prev)) { /* a word of the grammar */
            token t = lex(src, i);
            len = t.end - i;
            if (t.end - i == 4 && (!strncmp(t.word, "sh", 2) || !strncmp(t.word, "ph", 2)) &&
                lookup(weekday_words, OSM_WEEKDAY_WORDS, t.word + 2) >= 0) {
                emit_typed(w, src, i, i + 2); /* "SHWe": SH We */
                emit(w, " ", 1, i + 2, i + 2);
                emit_typed(w, src, i + 2, t.end);
                w->changed = true;
            } else {
                emit_typed(w, src, i, t.end);
            }
            if (src[t.end] == '.' &&
                (lookup(weekday_words, ARRAY_LEN(weekday_words), t.word) >= 0 ||
                 lookup(month_words, ARRAY_LEN(month_words), t.word) >= 0)) {
                len++; /* "mon.", "jun.": the dot is dropped */
                w->changed = true;
            }
        } else if (is_digit_cp(cp)) { /* "Dec 24.-25.": a dot after a day number */
            len = 0;
            while (is_digit_cp((unsigned char)src[i + len]))
                len++;
            emit_typed(w, src, i, i + len);
            if (src[i + len] == '.' && src[i + len + 1] &&
                !is_digit_cp((unsigned char)src[i + len + 1])) {
                len++;
                w->changed = true;
            }
        } else {
            emit_typed(w, src, i, i + n);
            len = n;
        }
        if (w->dry && w->changed) return;
        i += len;
        prev = 0;
        if (i > 0) { /* the code point just before i */
            size_t k = i - 1;
            while (k > 0 && ((unsigned char)src[k] & 0xC0) == 0x80)
                k--;
            utf8_at((const unsigned char *)src + k, &prev);
        }
    }
    if (!w->dry && !w->from) emit(w, "", 0, 0, 0);
}

static void rewritten_free(rewritten *w)
{
    buf_free(&w->text);
    free(w->from);
    free(w->to);
}

/* ------------------------------------------------------------------ */
/* Parser                                                              */
/* ------------------------------------------------------------------ */

typedef struct parser {
    const char *src;         /* what is parsed: the text as typed, or its rewriting */
    const char *typed;       /* the text as typed, for error messages */
    const size_t *from, *to; /* the typed span of each byte of src; NULL when src is typed */
    token tok;               /* current token */
    hours_error *err;
    bool failed;
    bool tolerated; /* a hand-typed form was read (see hours_tolerated) */
    bool bare_hour; /* the last time read was a bare hour ("16" in "16-16") */
} parser;

static void advance(parser *p)
{
    p->tok = lex(p->src, p->tok.end);
}

/* The token after the current one, without consuming anything. */
static token peek(const parser *p)
{
    return lex(p->src, p->tok.end);
}

/* Record the first error, at byte offset pos, with a French reason. */
static void fail_at(parser *p, size_t pos, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void fail_at(parser *p, size_t pos, const char *fmt, ...)
{
    if (p->failed) return;
    p->failed = true;
    if (!p->err) return;
    const char *text = p->from ? p->typed : p->src;
    if (p->from) pos = p->from[pos];
    int chars = 1;
    for (size_t i = 0; i < pos && text[i]; i++)
        if (((unsigned char)text[i] & 0xC0) != 0x80) chars++;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->err->reason, sizeof p->err->reason, fmt, ap);
    va_end(ap);
    p->err->position = chars;
    snprintf(p->err->message, sizeof p->err->message, "position %d : %s", chars, p->err->reason);
}

/* Describe the current token for an error message: « Sa », « & », fin du texte. */
static void describe(const parser *p, char *out, size_t size)
{
    const token *t = &p->tok;
    if (t->kind == T_END) {
        snprintf(out, size, "la fin du texte");
        return;
    }
    const char *text = p->src;
    size_t at = t->pos, len = t->end - t->pos;
    if (p->from) { /* quote what was typed: « weekend », not « Sa » */
        text = p->typed;
        at = p->from[t->pos];
        len = p->to[t->end - 1] - at;
    }
    if (len > 20) len = 20;
    while (len > 0 && ((unsigned char)text[at + len] & 0xC0) == 0x80)
        len--;
    snprintf(out, size, "« %.*s »", (int)len, text + at);
}

/* "expected X" error at the current token, naming what was found. */
static void fail_expected(parser *p, const char *expected)
{
    char found[64];
    if (p->tok.kind == T_BAD_COMMENT) {
        fail_at(p, p->tok.pos, "guillemet fermant attendu pour ce commentaire");
        return;
    }
    if (p->tok.kind == T_WORD) {
        const char *w = p->tok.word;
        if (!strcmp(w, "sunrise") || !strcmp(w, "sunset") || !strcmp(w, "dawn") ||
            !strcmp(w, "dusk")) {
            fail_at(p, p->tok.pos, "heures liées au soleil (%s) non prises en charge", w);
            return;
        }
    }
    describe(p, found, sizeof found);
    fail_at(p, p->tok.pos, "%s, trouvé %s", expected, found);
}

static bool is_word(const token *t, const word_value *table, size_t n)
{
    return t->kind == T_WORD && lookup(table, n, t->word) >= 0;
}

static bool is_weekday(const token *t)
{
    return is_word(t, weekday_words, ARRAY_LEN(weekday_words));
}

static bool is_month(const token *t)
{
    return is_word(t, month_words, ARRAY_LEN(month_words));
}

static bool is_holiday_word(const token *t)
{
    return t->kind == T_WORD && (strcmp(t->word, "ph") == 0 || strcmp(t->word, "sh") == 0);
}

static bool is_easter(const token *t)
{
    return t->kind == T_WORD && strcmp(t->word, "easter") == 0;
}

static bool is_week_word(const token *t)
{
    return t->kind == T_WORD && (strcmp(t->word, "week") == 0 || strcmp(t->word, "semaine") == 0);
}

/* A number that begins a time: "9:00", "9h", "14h30" (digits then ':' or 'h'). */
static bool starts_time(const parser *p, const token *t, size_t after)
{
    if (t->kind != T_NUM || t->digits > 2) return false;
    token n = lex(p->src, after);
    return n.kind == T_COLON || (n.kind == T_WORD && strcmp(n.word, "h") == 0);
}

static bool word_is(const token *t, const char *word)
{
    return t->kind == T_WORD && strcmp(t->word, word) == 0;
}

/* A word joining two times or two days into a range: "14h à 17h", "lundi au vendredi". */
static bool is_range_word(const token *t)
{
    return word_is(t, "a") || word_is(t, "au") || word_is(t, "to") || word_is(t, "bis") ||
           word_is(t, "till") || word_is(t, "til") || word_is(t, "until") || word_is(t, "through");
}

/* A word joining two items of a list: "9h-12h et 14h-17h". */
static bool is_and_word(const token *t)
{
    return word_is(t, "et") || word_is(t, "and") || word_is(t, "und");
}

/*
 * A number that begins a time, hand-typed forms included: "9:00", "9h",
 * "10.00", "10am", and a bare hour in a range ("10-12", "10 à 12").
 */
static bool starts_sun_time(const parser *p, const token *t);
static bool starts_loose_time(const parser *p, const token *t)
{
    if (starts_sun_time(p, t)) return true;
    if (t->kind != T_NUM || t->digits > 2) return false;
    token n = lex(p->src, t->end);
    if (n.kind == T_COLON || n.kind == T_DASH || word_is(&n, "h") || word_is(&n, "am") ||
        word_is(&n, "pm") || is_range_word(&n))
        return true;
    return n.kind == T_OTHER && p->src[n.pos] == '.';
}

/* A time follows, after an optional "de" ("et de 14h à 17h"). */
static bool time_follows(const parser *p, const token *t)
{
    if (word_is(t, "de")) {
        token n = lex(p->src, t->end);
        return starts_loose_time(p, &n);
    }
    return starts_loose_time(p, t);
}

/* Skip a "de" before a time ("de 9h à 12h"). */
static void skip_de(parser *p)
{
    if (word_is(&p->tok, "de") && time_follows(p, &p->tok)) {
        p->tolerated = true;
        advance(p);
    }
}

static bool is_year(const token *t)
{
    return t->kind == T_NUM && t->digits == 4;
}

/* True when the current token can begin a rule's selectors (for ", Sa 10:00-12:00"). */
static bool starts_selector(const parser *p)
{
    const token *t = &p->tok;
    return is_weekday(t) || is_month(t) || is_holiday_word(t) || is_week_word(t) || is_year(t) ||
           is_easter(t);
}

/* "a.m." or "p.m." at the current "a" or "p": the letter, ".", "m", ".". */
static bool dotted_meridiem(const parser *p)
{
    token dot = peek(p), m = lex(p->src, dot.end), dot2 = lex(p->src, m.end);
    return dot.kind == T_OTHER && p->src[dot.pos] == '.' && word_is(&m, "m") &&
           dot2.kind == T_OTHER && p->src[dot2.pos] == '.';
}

/* Parse "9", "09:00", "9h", "14h30"; returns minutes or -1 (error recorded). */
static int parse_time(parser *p, int max_hours)
{
    token start = p->tok;
    if (start.kind != T_NUM || start.digits > 2) {
        fail_expected(p, "heure attendue (HH:MM)");
        return -1;
    }
    int hours = start.value, minutes = 0;
    advance(p);
    p->bare_hour = false;
    if (p->tok.kind == T_COLON) {
        advance(p);
        if (p->tok.kind != T_NUM || p->tok.digits > 2) {
            fail_expected(p, "minutes attendues (HH:MM)");
            return -1;
        }
        if (p->tok.digits == 1)
            p->tolerated = true; /* "14:9" is 14:09, as opening_hours.js reads it */
        minutes = p->tok.value;
        advance(p);
    } else if (p->tok.kind == T_WORD && strcmp(p->tok.word, "h") == 0) {
        p->tolerated = true;
        advance(p);
        if (p->tok.kind == T_NUM && !starts_time(p, &p->tok, p->tok.end)) {
            if (p->tok.digits != 2) {
                fail_expected(p, "minutes sur deux chiffres attendues (14h30)");
                return -1;
            }
            minutes = p->tok.value;
            advance(p);
        }
    } else if (p->tok.kind == T_OTHER && p->src[p->tok.pos] == '.') { /* "10.00" */
        p->tolerated = true;
        advance(p);
        if (p->tok.kind != T_NUM || p->tok.digits != 2) {
            fail_expected(p, "minutes attendues (10.00 s'écrit 10:00)");
            return -1;
        }
        minutes = p->tok.value;
        advance(p);
    } else {
        p->tolerated = true; /* a bare hour: "10-12" */
        p->bare_hour = true;
    }
    if ((word_is(&p->tok, "a") || word_is(&p->tok, "p")) && dotted_meridiem(p)) {
        bool pm = word_is(&p->tok, "p");
        for (int i = 0; i < 3; i++) /* ".", "m", "." */
            advance(p);
        if (hours < 1 || hours > 12) {
            fail_at(p, start.pos, "heure invalide avec %s (%d)", pm ? "p.m." : "a.m.", hours);
            return -1;
        }
        hours = hours % 12 + (pm ? 12 : 0);
        p->tolerated = true;
        advance(p);
    } else if (word_is(&p->tok, "am") || word_is(&p->tok, "pm")) {
        if (hours < 1 || hours > 12) {
            fail_at(p, start.pos, "heure invalide avec %s (%d)", p->tok.word, hours);
            return -1;
        }
        hours = hours % 12 + (word_is(&p->tok, "pm") ? 12 : 0);
        p->tolerated = true;
        advance(p);
    }
    if (minutes > 59 || hours > max_hours || (hours == max_hours && minutes > 0)) {
        fail_at(p, start.pos, "heure invalide (%02d:%02d)", hours, minutes);
        return -1;
    }
    return hours * 60 + minutes;
}

/*
 * Where an open end ("17:00+") is guessed to close, as opening_hours.js
 * guesses it: 8 hours after a start from 22:00, 10 hours after one from
 * 17:00, otherwise at midnight. The time is unknown, never open.
 */
static int open_end_guess(int start)
{
    return start >= 22 * 60 ? start + 8 * 60 : start >= 17 * 60 ? start + 10 * 60 : MINUTES_PER_DAY;
}

/*
 * Append a range to the rule's times; false (error recorded) when the list
 * is full, or when a range with a time given by the Sun would cross
 * midnight (at: where it is written): opening_hours.js ends the part after
 * midnight at the time of one day or the other, depending on what else the
 * expression says.
 */
static bool add_time(parser *p, rule *r, time_range t, size_t at)
{
    if (r->time_count == MAX_ITEMS) {
        fail_at(p, p->tok.pos, "trop de plages horaires (%d au plus)", MAX_ITEMS);
        return false;
    }
    if ((t.start_sun || t.end_sun) && t.end > MINUTES_PER_DAY) {
        fail_at(p, at,
                "plage qui passe minuit avec une heure du soleil non prise en charge : "
                "arrêtez-la à minuit (« sunset-24:00 »)");
        return false;
    }
    r->times[r->time_count++] = t;
    return true;
}

/* "+" or "-late" at the current token: an open end. Consumes it. */
static bool parse_open_end_mark(parser *p)
{
    if (p->tok.kind == T_PLUS) {
        advance(p);
        return true;
    }
    /* "-late", " til late", " bis Open End", "-open end", "-openend", as
     * opening_hours.js tolerates them */
    parser look = *p;
    if (look.tok.kind == T_DASH || word_is(&look.tok, "til") || word_is(&look.tok, "till") ||
        word_is(&look.tok, "bis"))
        advance(&look);
    if (word_is(&look.tok, "late") || word_is(&look.tok, "openend")) {
        advance(&look);
    } else if (word_is(&look.tok, "open") && word_is((const token[]){peek(&look)}, "end")) {
        advance(&look);
        advance(&look);
    } else {
        return false;
    }
    if (look.tok.pos == p->tok.pos) return false;
    p->tok = look.tok;
    p->tolerated = true;
    return true;
}

/* "sunrise", "dusk", or "(" before one of them: a time given by the Sun. */
static bool starts_sun_time(const parser *p, const token *t)
{
    if (t->kind == T_OTHER && p->src[t->pos] == '(') {
        token n = lex(p->src, t->end);
        return n.kind == T_WORD && sun_event_from_word(n.word) >= 0;
    }
    return t->kind == T_WORD && sun_event_from_word(t->word) >= 0;
}

/* Largest offset from a sun time, "(sunset+02:00)": beyond, the time could
 * leave its day, which opening_hours.js reads in ways of its own. */
#define SUN_MAX_OFFSET 120

/*
 * "sunrise" or "(sunset-00:30)" at the current token: *sun is the event + 1,
 * *offset the minutes added. Returns opening_hours.js's minute without a
 * position plus the offset (see time_range), or -1 (error recorded).
 */
static int parse_sun_time(parser *p, uint8_t *sun, int16_t *offset)
{
    bool bracket = p->tok.kind == T_OTHER && p->src[p->tok.pos] == '(';
    if (bracket) advance(p);
    int event = sun_event_from_word(p->tok.word);
    *sun = (uint8_t)(event + 1);
    *offset = 0;
    advance(p);
    if (!bracket) return sun_event_default_minute((sun_event)event);
    if (p->tok.kind != T_PLUS && !(p->tok.kind == T_DASH && p->src[p->tok.pos] == '-')) {
        fail_expected(p, "« + » ou « - » puis un décalage (HH:MM) attendus");
        return -1;
    }
    int sign = p->tok.kind == T_PLUS ? 1 : -1;
    advance(p);
    size_t at = p->tok.pos;
    token hours = p->tok, colon = peek(p);
    if (hours.kind != T_NUM || hours.digits != 2 || colon.kind != T_COLON) {
        fail_expected(p, "décalage attendu (HH:MM)");
        return -1;
    }
    advance(p);
    advance(p);
    if (p->tok.kind != T_NUM || p->tok.digits != 2 || p->tok.value > 59) {
        fail_expected(p, "minutes du décalage attendues (HH:MM)");
        return -1;
    }
    int minutes = hours.value * 60 + p->tok.value;
    advance(p);
    if (minutes > SUN_MAX_OFFSET) {
        fail_at(p, at, "décalage de plus de 2 heures par rapport au soleil non pris en charge");
        return -1;
    }
    if (!(p->tok.kind == T_OTHER && p->src[p->tok.pos] == ')')) {
        fail_expected(p, "« ) » attendu après le décalage");
        return -1;
    }
    advance(p);
    *offset = (int16_t)(sign * minutes);
    return sun_event_default_minute((sun_event)event) + *offset;
}

/* Least time between a start and an end given by the Sun (other than the
 * same event), as written without a position: nearer, the end can come
 * before the start in some season, and opening_hours.js then runs the range
 * into the next day in ways of its own. */
#define SUN_MIN_GAP 240

/* A time of a range: fixed ("09:00", "9h") or given by the Sun. */
static int parse_range_time(parser *p, int max_hours, uint8_t *sun, int16_t *offset)
{
    *sun = 0;
    *offset = 0;
    return starts_sun_time(p, &p->tok) ? parse_sun_time(p, sun, offset) : parse_time(p, max_hours);
}

/*
 * "09:00-12:00"; an end not after the start means the next day (20:00-02:00).
 * Open ends: "17:00+" and "17:00-late" (unknown from 17:00), "10:00-12:00+"
 * (open until 12:00, then unknown).
 */
static bool parse_time_range(parser *p, rule *r)
{
    size_t at = p->tok.pos;
    uint8_t start_sun, end_sun;
    int16_t start_offset, end_offset;
    int start = parse_range_time(p, 24, &start_sun, &start_offset);
    if (start < 0) return false;
    if (start >= MINUTES_PER_DAY) {
        fail_at(p, at, "heure de début invalide (24:00 ne peut être qu'une fin)");
        return false;
    }
    if (parse_open_end_mark(p))
        return add_time(
            p, r,
            (time_range){start, open_end_guess(start), true, false, start_sun, 0, start_offset, 0},
            at);
    if (is_range_word(&p->tok)) {
        p->tolerated = true;
    } else if (p->tok.kind != T_DASH) {
        fail_expected(p, "« - » puis l'heure de fin attendus");
        return false;
    }
    advance(p);
    bool bare_start = p->bare_hour;
    size_t end_at = p->tok.pos;
    int end = parse_range_time(p, 48, &end_sun, &end_offset);
    if (end < 0) return false;
    if (end == start && bare_start && p->bare_hour) {
        /* opening_hours.js reads "16-16" as nothing at all, "16:00-16:00" as 24 hours */
        fail_at(p, end_at,
                "plage de %d h à %d h ambiguë : écrivez « %02d:00-%02d:00 » pour 24 heures",
                start / 60, start / 60, start / 60, start / 60);
        return false;
    }
    if (end_sun && end >= start && end - start < SUN_MIN_GAP && start_sun != end_sun) {
        fail_at(p, end_at,
                "plage de moins de 4 heures jusqu'à une heure du soleil non prise en charge "
                "(selon la saison, la fin peut venir avant le début)");
        return false;
    }
    /* as opening_hours.js: equal times wrap only when both are fixed */
    if (end < start || (end == start && !start_sun && !end_sun)) end += MINUTES_PER_DAY;
    (void)at; /* up to 48:00: "Tu 23:59-48:00" ends at midnight two days on */
    if (p->tok.kind == T_SLASH && !starts_loose_time(p, (const token[]){peek(p)})) {
        fail_at(p, p->tok.pos, "plage horaire avec « / » non prise en charge");
        return false;
    }
    if (!add_time(
            p, r,
            (time_range){start, end, false, false, start_sun, end_sun, start_offset, end_offset},
            at))
        return false;
    size_t mark = p->tok.pos;
    if (p->tok.kind != T_PLUS) return true;
    advance(p);
    int guess = open_end_guess(end);
    if (guess > 2 * MINUTES_PER_DAY) {
        fail_at(p, mark, "fin ouverte au-delà du lendemain");
        return false;
    }
    return add_time(p, r, (time_range){end, guess, true, true, end_sun, 0, end_offset, 0}, end_at);
}

/* Times: "09:00-12:00,14:00-17:00" (the comma may be missing between ranges). */
/*
 * An open end followed by other ranges of its rule ends where the next of
 * them that starts after it starts, as in opening_hours.js: "07:00+,12:00-16:00"
 * is unknown from 07:00 to 12:00, then open until 16:00. A later range that
 * starts before the open end and runs into it ("17:00+,13:00-02:00") is
 * refused: opening_hours.js reads it in ways of its own.
 */
static bool cut_open_ends(parser *p, rule *r, size_t at)
{
    for (int i = 0; i < r->time_count; i++) {
        time_range *t = &r->times[i];
        if (!t->open_end) continue;
        for (int j = i + 1; j < r->time_count; j++) {
            const time_range *later = &r->times[j];
            if (t->start_sun || later->start_sun || later->end_sun) {
                /* where one ends the other depends on the day */
                fail_at(p, at,
                        "une fin ouverte suivie d'une autre plage, avec une heure du soleil, "
                        "n'est pas prise en charge");
                return false;
            }
            if (later->start > t->start && later->start < t->end) {
                t->end = later->start;
            } else if (later->start <= t->start && later->end > t->start) {
                fail_at(p, at,
                        "une plage chevauche la fin ouverte « %02d:%02d+ » qui la précède : "
                        "écrivez les plages dans l'ordre de la journée",
                        t->start / 60 % 24, t->start % 60);
                return false;
            }
        }
    }
    return true;
}

static bool parse_times(parser *p, rule *r)
{
    size_t at = p->tok.pos;
    for (;;) {
        skip_de(p);
        if (!parse_time_range(p, r)) return false;
        token next = peek(p);
        if (p->tok.kind == T_COMMA) {
            if (!time_follows(p, &next)) return cut_open_ends(p, r, at); /* ", Sa …" */
            advance(p);
        } else if ((is_and_word(&p->tok) || p->tok.kind == T_SLASH) &&
                   time_follows(p, &next)) { /* "9h-12h et de 14h à 17h", "… / 14h-17h" */
            p->tolerated = true;
            advance(p);
        } else if (!starts_loose_time(p, &p->tok)) {
            return cut_open_ends(p, r, at);
        }
    }
}

/*
 * An optional day offset, "+2 days" or "-1 day", at the current token:
 * *offset is 0 when there is none; *at is where its number stands. False
 * (error recorded) when the sign and number are not followed by "day(s)".
 */
static bool parse_day_offset(parser *p, int *offset, size_t *at)
{
    *offset = 0;
    *at = p->tok.pos;
    if ((p->tok.kind != T_PLUS && p->tok.kind != T_DASH) || peek(p).kind != T_NUM) return true;
    int sign = p->tok.kind == T_DASH ? -1 : 1;
    advance(p);
    *at = p->tok.pos;
    int days = p->tok.value;
    advance(p);
    if (p->tok.kind != T_WORD || (strcmp(p->tok.word, "day") && strcmp(p->tok.word, "days"))) {
        fail_expected(p, "« day » ou « days » attendu après le décalage");
        return false;
    }
    advance(p);
    *offset = sign * days;
    return true;
}

/* " +2 days", " -1 day": a day offset as the canonical form writes it (nothing for 0). */
static void put_day_offset(buf *b, int offset)
{
    if (offset) buf_printf(b, " %+d day%s", offset, offset == 1 || offset == -1 ? "" : "s");
}

/* A number from 1 to 5 inside "[…]", with its sign; 0 after an error. */
static int parse_nth_number(parser *p)
{
    int sign = 1;
    if (p->tok.kind == T_DASH) {
        sign = -1;
        advance(p);
    }
    if (p->tok.kind != T_NUM || p->tok.value < 1 || p->tok.value > 5) {
        fail_expected(p, "rang dans le mois attendu (1 à 5, ou -1 à -5 depuis la fin)");
        return 0;
    }
    int v = p->tok.value;
    advance(p);
    return sign * v;
}

static uint16_t nth_bit(int n)
{
    return (uint16_t)(n > 0 ? 1u << (n - 1) : 1u << (NTH_FROM_END - n - 1));
}

/*
 * "We[1]", "Sa[-1]", "We[4,5]", "We[1-3]", "Su[-1] -1 day": which of the
 * month's weekdays day selects, at the current "[". A day offset applies to
 * every such entry of the rule, so two different offsets are refused.
 */
static bool parse_nth(parser *p, rule *r, int day)
{
    size_t open = p->tok.pos;
    advance(p); /* "[" */
    uint16_t bits = 0;
    for (;;) {
        size_t at = p->tok.pos;
        int from = parse_nth_number(p);
        if (!from) return false;
        int to = from;
        if (p->tok.kind == T_DASH) {
            advance(p);
            if (!(to = parse_nth_number(p))) return false;
            if ((from < 0) != (to < 0) || to < from) {
                fail_at(p, at, "plage de rangs invalide (%d-%d) : écrivez par exemple « %s[1-3] »",
                        from, to, weekday_osm[day]);
                return false;
            }
        }
        for (int n = from; n <= to; n++)
            bits |= nth_bit(n);
        if (p->tok.kind != T_COMMA) break;
        advance(p);
    }
    if (p->tok.kind != T_OTHER || p->src[p->tok.pos] != ']') {
        fail_expected(p, "« ] » attendu");
        return false;
    }
    advance(p);
    int offset;
    size_t at;
    if (!parse_day_offset(p, &offset, &at)) return false;
    if (offset < -6 || offset > 6) {
        fail_at(p, at, "décalage de %d jours : 6 au plus", offset < 0 ? -offset : offset);
        return false;
    }
    bool had_nth = false;
    for (int d = 0; d < 7; d++)
        had_nth |= (r->weekdays & (1u << d)) && r->nth[d] != NTH_ALL;
    if (had_nth && offset != r->nth_offset) {
        fail_at(p, open, "deux décalages de jours différents dans une même règle");
        return false;
    }
    r->nth_offset = offset;
    if (!(r->weekdays & (1u << day))) r->nth[day] = 0;
    r->nth[day] |= bits;
    r->weekdays |= (uint8_t)(1u << day);
    return true;
}

/*
 * Public (1) or school (2) holidays at the token t, 0 when none; *tokens is
 * how many tokens the name takes. PH and SH, and as people write them:
 * « jours fériés », « vacances scolaires », and the English and German words
 * opening_hours.js tolerates (public holidays, school holidays, Ferien…).
 */
static int holiday_phrase(const char *src, token t, int *tokens)
{
    static const word_value single[] = {
        {"ph", 1},          {"sh", 2},     {"holiday", 1},       {"holidays", 1},
        {"schulferien", 2}, {"ferien", 2}, {"schoolholiday", 2}, {"schoolholidays", 2}};
    *tokens = 1;
    if (t.kind != T_WORD) return 0;
    int kind = lookup(single, ARRAY_LEN(single), t.word);
    if (kind > 0) return kind;
    token u = lex(src, t.end);
    *tokens = 2;
    if (word_is(&t, "public") && (word_is(&u, "holiday") || word_is(&u, "holidays"))) return 1;
    if (word_is(&t, "school") && (word_is(&u, "holiday") || word_is(&u, "holidays"))) return 2;
    if ((word_is(&t, "jours") || word_is(&t, "jour")) &&
        (word_is(&u, "feries") || word_is(&u, "ferie")))
        return 1;
    if (word_is(&t, "vacances") && (word_is(&u, "scolaires") || word_is(&u, "scolaire"))) return 2;
    return 0;
}

/*
 * Holidays written after the weekdays that filter them: "We,Fr PH",
 * "Mo-We: PH -1 day", read as opening_hours.js reads them ("PH We,Fr": the
 * public holidays that fall on Wednesday or Friday). One holiday only:
 * opening_hours.js reads "Mo-Fr PH,SH" otherwise.
 */
static bool weekdays_then_holiday(parser *p, rule *r)
{
    token next = peek(p);
    int tokens, holiday = holiday_phrase(p->src, p->tok.kind == T_COLON ? next : p->tok, &tokens);
    if (!holiday || r->holiday || r->school || r->holiday_and) return true;
    for (int d = 0; d < 7; d++)
        if ((r->weekdays >> d & 1) && r->nth[d] != NTH_ALL) return true;
    if (p->tok.kind == T_COLON) advance(p);
    size_t at = p->tok.pos;
    for (int i = 0; i < tokens; i++)
        advance(p);
    if (holiday == 1) {
        size_t offset_at;
        if (!parse_day_offset(p, &r->holiday_offset, &offset_at)) return false;
        if (r->holiday_offset < -1 || r->holiday_offset > 1) {
            fail_at(p, offset_at, "décalage des jours fériés d'un jour au plus (« PH +1 day »)");
            return false;
        }
    }
    if (p->tok.kind == T_COMMA && (starts_selector(&(parser){.src = p->src, .tok = peek(p)}))) {
        fail_at(p, at,
                "jours fériés ou vacances après les jours de semaine qu'ils filtrent, dans "
                "une liste : écrivez-les d'abord (« PH Mo-Fr »)");
        return false;
    }
    r->holiday = holiday == 1;
    r->school = holiday == 2;
    r->holiday_and = true;
    p->tolerated = true;
    return true;
}

/* Weekdays and holidays: "Mo-Fr", "Mo,We", "Su,PH", "lundi-vendredi", "We[1]". */
static bool parse_weekdays(parser *p, rule *r)
{
    for (;;) {
        int holiday_tokens, holiday = holiday_phrase(p->src, p->tok, &holiday_tokens);
        if (holiday) {
            if (r->holiday_and) {
                fail_at(p, p->tok.pos,
                        "jours fériés ou vacances après les jours de semaine qu'ils filtrent : "
                        "écrivez-les d'abord (« PH,SH Mo-Fr »)");
                return false;
            }
            if (holiday == 1)
                r->holiday = true;
            else
                r->school = true;
            if (!is_holiday_word(&p->tok)) p->tolerated = true; /* written back PH, SH */
            for (int i = 0; i < holiday_tokens; i++)
                advance(p);
            if (holiday == 1) { /* "PH +1 day", "PH -1 day": the day after, before */
                size_t at;
                if (!parse_day_offset(p, &r->holiday_offset, &at)) return false;
                if (r->holiday_offset < -1 || r->holiday_offset > 1) {
                    fail_at(p, at, "décalage des jours fériés d'un jour au plus (« PH +1 day »)");
                    return false;
                }
                if (r->holiday_offset && (r->weekdays || r->school)) {
                    fail_at(
                        p, at,
                        "décalage des jours fériés dans une liste de jours non pris en charge : "
                        "écrivez « PH %+d day » seul, ou suivi des jours qu'il filtre",
                        r->holiday_offset);
                    return false;
                }
            }
            token after = peek(p);
            if (!r->weekdays &&
                (is_weekday(&p->tok) || (p->tok.kind == T_COLON && is_weekday(&after)))) {
                /* "SH Mo-Fr", "PH: We,Fr": school holidays that fall Monday to Friday */
                if (p->tok.kind == T_COLON) advance(p);
                r->holiday_and = true;
                continue;
            }
        } else if (is_weekday(&p->tok)) {
            bool osm = false;
            for (size_t i = 0; i < OSM_WEEKDAY_WORDS; i++)
                osm |= strcmp(p->tok.word, weekday_words[i].word) == 0;
            if (!osm) p->tolerated = true;
            int from = lookup(weekday_words, ARRAY_LEN(weekday_words), p->tok.word);
            int to = from;
            advance(p);
            token after = peek(p);
            if (is_range_word(&p->tok) && is_weekday(&after)) { /* "lundi au vendredi" */
                p->tolerated = true;
                p->tok.kind = T_DASH;
            }
            if (p->tok.kind == T_LBRACKET) {
                if (!parse_nth(p, r, from)) return false;
            } else {
                if (p->tok.kind == T_DASH) {
                    advance(p);
                    if (!is_weekday(&p->tok)) {
                        fail_expected(p, "jour attendu (Mo, Tu, We, Th, Fr, Sa, Su)");
                        return false;
                    }
                    to = lookup(weekday_words, ARRAY_LEN(weekday_words), p->tok.word);
                    advance(p);
                    if (p->tok.kind == T_LBRACKET) { /* quote the rank as typed: « Fr[2] » */
                        const char *rank = p->src + p->tok.pos, *close = strchr(rank, ']');
                        int len = close && close - rank < 16 ? (int)(close - rank) + 1 : 0;
                        fail_at(p, p->tok.pos,
                                "rang dans le mois sur une plage de jours : écrivez « %s%.*s » "
                                "pour un seul jour",
                                weekday_osm[to], len ? len : 3, len ? rank : "[1]");
                        return false;
                    }
                }
                for (int d = from;; d = (d + 1) % 7) { /* Fr-Mo wraps over the week-end */
                    r->weekdays |= (uint8_t)(1u << d);
                    r->nth[d] = NTH_ALL;
                    if (d == to) break;
                }
            }
        } else {
            fail_expected(p, "jour attendu (Mo, Tu, We, Th, Fr, Sa, Su, PH)");
            return false;
        }
        token next = peek(p);
        bool ampersand = p->tok.kind == T_OTHER && p->src[p->tok.pos] == '&';
        if ((is_and_word(&p->tok) || ampersand) &&
            is_weekday(&next)) { /* "lundi et mardi", "Mo&We" */
            p->tolerated = true;
        } else if (p->tok.kind != T_COMMA) {
            return weekdays_then_holiday(p, r);
        }
        int unused;
        if (!is_weekday(&next) && !holiday_phrase(p->src, next, &unused)) return true;
        advance(p);
    }
}

/* A number 1-53 after "week". */
static int parse_week_number(parser *p)
{
    if (p->tok.kind != T_NUM || p->tok.value < 1 || p->tok.value > 53) {
        fail_expected(p, "numéro de semaine attendu (01 à 53)");
        return -1;
    }
    int v = p->tok.value;
    advance(p);
    return v;
}

/* "week 01-53/2", "week 1,3,5". */
static bool parse_weeks(parser *p, rule *r)
{
    advance(p); /* "week" */
    for (;;) {
        if (r->week_count == MAX_ITEMS) {
            fail_at(p, p->tok.pos, "trop de semaines (%d au plus)", MAX_ITEMS);
            return false;
        }
        int_range *w = &r->weeks[r->week_count++];
        if ((w->from = w->to = parse_week_number(p)) < 0) return false;
        w->step = 1;
        if (p->tok.kind == T_DASH) {
            advance(p);
            size_t at = p->tok.pos;
            if ((w->to = parse_week_number(p)) < 0) return false;
            if (w->to < w->from) { /* opening_hours.js refuses ranges over New Year */
                fail_at(p, at,
                        "plage de semaines à l'envers (%02d puis %02d) : écrivez « week "
                        "%02d-53,01-%02d »",
                        w->from, w->to, w->from, w->to);
                return false;
            }
            if (p->tok.kind == T_SLASH) {
                advance(p);
                if (p->tok.kind != T_NUM || p->tok.value < 1 || p->tok.value > 53) {
                    fail_expected(p, "pas de semaines attendu (« /2 »)");
                    return false;
                }
                if (p->tok.value < 2) {
                    fail_at(p, p->tok.pos, "pas de semaines de 2 au moins (omettez « /%d »)",
                            p->tok.value);
                    return false;
                }
                w->step = p->tok.value;
                advance(p);
            }
        }
        if (p->tok.kind != T_COMMA) return true;
        token next = peek(p);
        /* "week 01,03: 00:00-24:00": a week then the selectors' colon, not the time 03:00 */
        token colon = lex(p->src, next.end), after = lex(p->src, colon.end);
        bool then_colon =
            colon.kind == T_COLON && (starts_time(p, &after, after.end) || after.kind != T_NUM);
        if (next.kind != T_NUM || (starts_time(p, &next, next.end) && !then_colon)) return true;
        advance(p);
    }
}

/* "/2" at the current token: *step from 1 to max; false (error recorded) when malformed. */
static bool parse_step(parser *p, int max, const char *expected, int *step)
{
    advance(p); /* the "/" */
    if (p->tok.kind != T_NUM || p->tok.value < 1 || p->tok.value > max) {
        fail_expected(p, expected);
        return false;
    }
    *step = p->tok.value;
    advance(p);
    return true;
}

static int parse_year_number(parser *p)
{
    if (!is_year(&p->tok) || p->tok.value < 1900 || p->tok.value > 2999) {
        fail_expected(p, "année attendue (AAAA)");
        return -1;
    }
    int v = p->tok.value;
    advance(p);
    return v;
}

/* "2026", "2026-2028", "2026-2030/2", "2026,2028". Stops before a year followed by a month. */
static bool parse_years(parser *p, rule *r)
{
    for (;;) {
        if (r->year_count == MAX_ITEMS) {
            fail_at(p, p->tok.pos, "trop d'années (%d au plus)", MAX_ITEMS);
            return false;
        }
        int_range *y = &r->years[r->year_count++];
        if ((y->from = y->to = parse_year_number(p)) < 0) return false;
        y->step = 1;
        if (p->tok.kind == T_PLUS) { /* "2060+": from 2060 on */
            advance(p);
            y->to = YEAR_OPEN;
        } else if (p->tok.kind == T_SLASH) { /* "2055/2": from 2055, every other year */
            y->to = YEAR_OPEN;
            if (!parse_step(p, 100, "pas d'années attendu (« /2 »)", &y->step)) return false;
        } else if (p->tok.kind == T_DASH) {
            advance(p);
            size_t at = p->tok.pos;
            if ((y->to = parse_year_number(p)) < 0) return false;
            if (y->to < y->from) {
                fail_at(p, at, "plage d'années à l'envers");
                return false;
            }
            if (p->tok.kind == T_SLASH &&
                !parse_step(p, 100, "pas d'années attendu (« /2 »)", &y->step))
                return false;
        }
        if (p->tok.kind != T_COMMA) return true;
        token next = peek(p);
        if (!is_year(&next)) return true;
        advance(p);
    }
}

static int max_day_of_month(int month)
{
    static const int len[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return len[month - 1];
}

/*
 * "Dec 24: 10:00-12:00" and "Dec 24:10:00-12:00": the number is a day then
 * the selectors' colon, not the time 24:10 (opening_hours.js reads it so).
 * True when the number at the current token is followed by ':' and then by a
 * number that itself begins a time, or by anything but minutes ("Sep 15:
 * Th-Su", "Jan 20: off": no time has a word for its minutes).
 */
static bool day_then_colon(const parser *p)
{
    token colon = peek(p);
    if (colon.kind != T_COLON) return false;
    token after = lex(p->src, colon.end);
    return starts_time(p, &after, after.end) || after.kind != T_NUM;
}

/* A day of the month after a month name, if there is one (not the start of a time). */
static bool parse_optional_day(parser *p, date_point *d)
{
    d->day = 0;
    if (p->tok.kind != T_NUM || p->tok.digits > 2) return true;
    if (starts_time(p, &p->tok, p->tok.end) && !day_then_colon(p)) return true;
    if (p->tok.value < 1 || p->tok.value > max_day_of_month(d->month)) {
        fail_at(p, p->tok.pos, "jour du mois invalide (%d)", p->tok.value);
        return false;
    }
    d->day = p->tok.value;
    advance(p);
    return true;
}

/*
 * "easter", "easter +1 day", "easter -2 days". Offsets keep the day in
 * Easter's year (Easter falls from 22 March to 25 April).
 */
static bool parse_easter(parser *p, date_point *d)
{
    d->easter = true;
    advance(p);
    size_t at;
    if (!parse_day_offset(p, &d->offset, &at)) return false;
    if (d->offset < -80 || d->offset > 200) {
        fail_at(p, at, "décalage depuis Pâques de -80 à +200 jours");
        return false;
    }
    return true;
}

/*
 * "Su[2]", "Su[-1] +4 days" after a month, at the current weekday: a day of a
 * date range given by its weekday. The offset is at most 6 days, as in
 * opening_hours.js.
 */
static bool parse_weekday_point(parser *p, date_point *d)
{
    d->weekday = lookup(weekday_words, ARRAY_LEN(weekday_words), p->tok.word) + 1;
    if (strcmp(p->tok.word, weekday_words[d->weekday - 1].word) != 0) p->tolerated = true;
    advance(p); /* the weekday */
    advance(p); /* "[" */
    if ((d->nth = parse_nth_number(p)) == 0) return false;
    if (p->tok.kind != T_OTHER || p->src[p->tok.pos] != ']') {
        fail_expected(p, "« ] » attendu");
        return false;
    }
    advance(p);
    size_t at;
    if (!parse_day_offset(p, &d->offset, &at)) return false;
    if (d->offset < -6 || d->offset > 6) {
        fail_at(p, at, "décalage d'un jour de semaine du mois de 6 jours au plus");
        return false;
    }
    return true;
}

/*
 * [YYYY] Mon [DD], or easter [±N days]; as a range's end (end) or before
 * "-", also Mon We[n] [±N days].
 */
static bool parse_date_point(parser *p, date_point *d, bool end)
{
    d->year = 0;
    d->easter = false;
    d->weekday = 0;
    if (is_easter(&p->tok)) return parse_easter(p, d);
    if (is_year(&p->tok)) {
        if ((d->year = parse_year_number(p)) < 0) return false;
        if (is_easter(&p->tok)) {
            fail_at(p, p->tok.pos,
                    "année devant « easter » non prise en charge : écrivez « easter »"
                    " seul, chaque année");
            return false;
        }
    }
    if (!is_month(&p->tok)) {
        fail_expected(p, "mois attendu (Jan, Feb… ou janvier, février…)");
        return false;
    }
    d->month = lookup(month_words, ARRAY_LEN(month_words), p->tok.word);
    if (strcmp(p->tok.word, month_words[d->month - 1].word) != 0)
        p->tolerated = true; /* "janvier", "enero": written back "Jan" */
    advance(p);
    token bracket = peek(p);
    if (is_weekday(&p->tok) && bracket.kind == T_LBRACKET) {
        /* "Jan Su[2]-…" starts a range; "Jan Su[2]" alone is January's second Sundays */
        parser look = *p;
        bool ok = parse_weekday_point(&look, d);
        if (end || (ok && look.tok.kind == T_DASH)) {
            *p = look;
            return ok;
        }
        d->weekday = 0;
        d->day = 0;
        d->offset = 0;
        return true;
    }
    return parse_optional_day(p, d);
}

/* "Jan-Jun", "Dec 25", "Dec 24-26", "Dec 24-Jan 02", "2026 Aug 01-Aug 20", lists with ",". */
static bool parse_dates(parser *p, rule *r)
{
    int same_month = 0; /* "Dec 24,25": a day after "," takes the month before it */
    for (;;) {
        if (r->date_count == MAX_ITEMS) {
            fail_at(p, p->tok.pos, "trop de dates (%d au plus)", MAX_ITEMS);
            return false;
        }
        date_range *d = &r->dates[r->date_count++];
        if (same_month) {
            d->from = (date_point){.month = same_month};
            size_t at = p->tok.pos;
            if (!parse_optional_day(p, &d->from)) return false;
            if (!d->from.day) {
                fail_at(p, at, "jour du mois attendu");
                return false;
            }
            p->tolerated = true; /* written back "Dec 24,Dec 25" */
        } else if (!parse_date_point(p, &d->from, false)) {
            return false;
        }
        d->to = d->from;
        token after = peek(p);
        bool with_easter = d->from.easter || is_easter(&after);
        if (p->tok.kind == T_DASH && with_easter && (d->from.year || is_year(&after))) {
            fail_at(p, p->tok.pos,
                    "plage de dates avec Pâques et une année non prise en charge : "
                    "écrivez-la sans l'année");
            return false;
        }
        if (p->tok.kind == T_DASH) {
            advance(p);
            if (p->tok.kind == T_NUM && !is_year(&p->tok) && d->from.easter) {
                fail_expected(p, "mois ou « easter » attendu");
                return false;
            } else if (p->tok.kind == T_NUM && !is_year(&p->tok)) { /* "Dec 24-26" */
                if (d->from.day == 0) {
                    fail_expected(p, "mois attendu");
                    return false;
                }
                d->to.year = 0;
                size_t at = p->tok.pos;
                if (!parse_optional_day(p, &d->to)) return false;
                if (d->to.day == 0) {
                    fail_expected(p, "jour du mois attendu");
                    return false;
                }
                if (d->to.day < d->from.day) { /* refused by opening_hours.js */
                    fail_at(p, at,
                            "plage de jours à l'envers (%d puis %d) : écrivez « %s %02d-%02d »",
                            d->from.day, d->to.day, month_osm[d->from.month - 1], d->to.day,
                            d->from.day);
                    return false;
                }
                if (p->tok.kind == T_SLASH && /* "Jan 01-31/8": every 8th day */
                    !parse_step(p, 31, "pas de jours attendu (« /2 »)", &d->step))
                    return false;
            } else {
                size_t at = p->tok.pos;
                /* "Apr-Oct Su[2]" is April to October, their second Sundays */
                if (!parse_date_point(p, &d->to, d->from.day || d->from.weekday)) return false;
                if ((d->from.weekday || d->to.weekday) &&
                    (d->from.year || d->to.year || d->from.easter || d->to.easter ||
                     (!d->from.weekday && !d->from.day) || (!d->to.weekday && !d->to.day))) {
                    /* "Jan Su[2]-Jan 15": opening_hours.js reads only days, without a year */
                    fail_at(p, at,
                            "plage donnée par un jour de semaine du mois : l'autre bout doit "
                            "être un jour sans année (« Jan Su[2]-Jan 15 »)");
                    return false;
                }
                if (d->to.year && !d->from.year) {
                    fail_at(p, at, "année de fin sans année de début");
                    return false;
                }
            }
        }
        if (p->tok.kind != T_COMMA) return true;
        token next = peek(p);
        same_month = 0;
        if (next.kind == T_NUM && next.digits <= 2 && d->to.day && !d->to.year && !d->to.easter &&
            !starts_time(p, &next, next.end))
            same_month = d->to.month;
        else if (!is_month(&next) && !is_year(&next) && !is_easter(&next))
            return true;
        advance(p);
    }
}

/* "24/7" at the current token: consumes it and returns true. */
static bool parse_always(parser *p)
{
    if (p->tok.kind != T_NUM || p->tok.value != 24 || p->tok.digits != 2) return false;
    token slash = peek(p);
    token seven = lex(p->src, slash.end);
    if (slash.kind != T_SLASH || seven.kind != T_NUM || seven.value != 7 || seven.digits != 1)
        return false;
    p->tok = lex(p->src, seven.end);
    return true;
}

/*
 * "Every day" as people write it: French « tous les jours », « 7j/7 »,
 * « 7/7 », and the words opening_hours.js tolerates (daily, everyday, every
 * day, all days, all day, täglich, always, nonstop, anytime; not "7 days",
 * which it refuses). Returns
 * how many tokens the phrase takes at the current token, 0 when none.
 */
static int every_day_phrase(const parser *p)
{
    static const char *const words[] = {"daily",  "everyday", "taglich",
                                        "always", "nonstop",  "anytime"};
    token t[4] = {p->tok};
    for (int i = 1; i < 4; i++)
        t[i] = lex(p->src, t[i - 1].end);
    for (size_t i = 0; i < ARRAY_LEN(words); i++)
        if (word_is(&t[0], words[i])) return 1;
    if ((word_is(&t[0], "every") && word_is(&t[1], "day")) ||
        (word_is(&t[0], "all") && (word_is(&t[1], "day") || word_is(&t[1], "days"))))
        return 2;
    if (word_is(&t[0], "tous") && word_is(&t[1], "les") && word_is(&t[2], "jours")) return 3;
    if (t[0].kind != T_NUM || t[0].value != 7 || t[0].digits != 1) return 0;
    if (t[1].kind == T_SLASH && t[2].kind == T_NUM && t[2].value == 7) return 3;
    if (word_is(&t[1], "j") && t[2].kind == T_SLASH && t[3].kind == T_NUM && t[3].value == 7)
        return 4;
    return 0;
}

/*
 * Selectors and times of a rule. Returns false on error; *selectors tells
 * whether any were read. Each kind (years, dates, weeks, weekdays, times)
 * comes once, in any order, as opening_hours.js reads them ("Mo-Su week 06
 * Feb", "00:00-24:00 week 05 Feb"); an order other than OpenStreetMap's
 * (years, dates, weeks, weekdays, times) is a tolerated form, written back
 * in that order.
 */
static bool parse_selectors_and_times(parser *p, rule *r, bool *selectors)
{
    *selectors = false;
    if (parse_always(p)) {
        r->always = true;
        if (p->tok.kind == T_COLON) advance(p); /* "24/7: closed" */
        return true;
    }
    enum { K_YEARS = 1, K_DATES = 2, K_WEEKS = 4, K_WEEKDAYS = 8, K_TIMES = 16 };
    enum { K_STATE = 32, K_COMMENT = 64 };
    unsigned seen = 0, last = 0;
    int skip;
    for (;;) {
        token next = peek(p);
        unsigned kind = 0;
        int phrase = seen & K_WEEKDAYS ? 0 : every_day_phrase(p);
        if (phrase) { /* "tous les jours", "7j/7", "daily": Mo-Su */
            for (int i = 0; i < phrase; i++)
                advance(p);
            r->weekdays = 0x7F;
            for (int d = 0; d < 7; d++)
                r->nth[d] = NTH_ALL;
            p->tolerated = true;
            kind = K_WEEKDAYS;
        } else if (!(seen & K_YEARS) && is_year(&p->tok) && !is_month(&next) && !is_easter(&next)) {
            if (!parse_years(p, r)) return false;
            kind = K_YEARS;
        } else if (!(seen & K_DATES) &&
                   (is_month(&p->tok) || is_easter(&p->tok) ||
                    (is_year(&p->tok) && (is_month(&next) || is_easter(&next))))) {
            if (!parse_dates(p, r)) return false;
            kind = K_DATES;
        } else if (!(seen & K_WEEKS) && is_week_word(&p->tok)) {
            if (!parse_weeks(p, r)) return false;
            kind = K_WEEKS;
        } else if (!(seen & K_WEEKDAYS) &&
                   (is_weekday(&p->tok) || holiday_phrase(p->src, p->tok, &skip) ||
                    ((word_is(&p->tok, "du") || word_is(&p->tok, "le") ||
                      word_is(&p->tok, "les")) &&
                     (is_weekday(&next) ||
                      holiday_phrase(p->src, next,
                                     &skip))))) { /* "le samedi", "les jours fériés" */
            if (!is_weekday(&p->tok) && !holiday_phrase(p->src, p->tok, &skip)) {
                p->tolerated = true;
                advance(p);
            }
            if (!parse_weekdays(p, r)) return false;
            token after = peek(p);
            if (p->tok.kind == T_COLON &&
                (starts_time(p, &after, after.end) || starts_loose_time(p, &after) ||
                 (after.kind == T_WORD &&
                  lookup(state_words, ARRAY_LEN(state_words), after.word) >=
                      0))) { /* "Mo-Fr: 09:00-12:00", "Mo: 7-18", "Mo,We: open" */
                advance(p);
                p->tolerated = true; /* the colon belongs after dates, not weekdays */
            }
            kind = K_WEEKDAYS;
        } else if (!(seen & K_TIMES) && seen && parse_always(p)) { /* "Mo,We 24/7" */
            if (!add_time(p, r, (time_range){0, MINUTES_PER_DAY, false, false, 0, 0, 0, 0},
                          p->tok.pos))
                return false;
            p->tolerated = true;
            kind = K_TIMES;
        } else if (!(seen & K_TIMES) &&
                   (p->tok.kind == T_NUM || word_is(&p->tok, "de") ||
                    starts_sun_time(p, &p->tok)) &&
                   !is_year(&p->tok)) {
            skip_de(p); /* "de 9h à 12h" */
            if ((p->tok.kind != T_NUM && !starts_sun_time(p, &p->tok)) || is_year(&p->tok)) break;
            if (!parse_times(p, r)) return false;
            kind = K_TIMES;
        } else if (!(seen & K_STATE) && p->tok.kind == T_WORD &&
                   lookup(state_words, ARRAY_LEN(state_words), p->tok.word) >= 0) {
            /* the state, also before the selectors ("open We 10:00-16:00") */
            if (seen & K_COMMENT) { /* opening_hours.js then ignores the state */
                fail_at(p, p->tok.pos,
                        "état après le commentaire : écrivez l'état d'abord (« %s \"…\" »)",
                        p->tok.word);
                return false;
            }
            r->state = lookup(state_words, ARRAY_LEN(state_words), p->tok.word);
            r->explicit_state = true;
            advance(p);
            if (p->tok.kind == T_COLON && peek(p).kind == T_COMMENT) advance(p); /* closed: "…" */
            kind = K_STATE;
        } else if (!(seen & K_COMMENT) && p->tok.kind == T_COMMENT) {
            /* the comment, also before the rest ("We \"sur rendez-vous\" 10:00-16:00") */
            r->comment = xstrndup(p->src + p->tok.pos + 1, p->tok.end - p->tok.pos - 2);
            advance(p);
            kind = K_COMMENT;
        } else {
            break;
        }
        if (kind < last) p->tolerated = true; /* written back in OpenStreetMap's order */
        last = kind;
        seen |= kind;
        if (kind < K_TIMES) *selectors = true;
        if ((kind & (K_YEARS | K_DATES | K_WEEKS)) && p->tok.kind == T_COLON)
            advance(p); /* "Jan-Jun: Mo-Fr …" */
    }
    for (int i = 0; i < r->date_count && r->year_count; i++)
        if (r->dates[i].from.easter || r->dates[i].to.easter) { /* "easter 2026" */
            fail_at(p, p->tok.pos,
                    "année avec « easter » non prise en charge : écrivez « easter » seul, "
                    "chaque année");
            return false;
        }
    return true;
}

/* One rule, up to (not including) its separator. Returns false on error. */
static bool parse_rule(parser *p, rule *r)
{
    bool selectors;
    r->state = STATE_OPEN;
    if (!parse_selectors_and_times(p, r, &selectors)) return false;
    if (r->comment && !r->explicit_state) r->state = STATE_UNKNOWN; /* as opening_hours.js */
    if (!r->explicit_state && p->tok.kind == T_WORD &&
        lookup(state_words, ARRAY_LEN(state_words), p->tok.word) >= 0) {
        r->state = lookup(state_words, ARRAY_LEN(state_words), p->tok.word);
        r->explicit_state = true;
        advance(p);
        if (p->tok.kind == T_COLON && peek(p).kind == T_COMMENT) advance(p); /* closed: "…" */
    }
    if (!r->comment && p->tok.kind == T_COMMENT) {
        r->comment = xstrndup(p->src + p->tok.pos + 1, p->tok.end - p->tok.pos - 2);
        if (!r->explicit_state) r->state = STATE_UNKNOWN; /* as opening_hours.js */
        advance(p);
    }
    if (p->tok.kind == T_END || p->tok.kind == T_SEMI || p->tok.kind == T_OROR) return true;
    if (p->tok.kind == T_COMMA) {
        parser look = *p;
        advance(&look);
        if (starts_selector(&look)) return true; /* ", Sa 10:00-12:00": an additional rule */
        if (look.tok.kind == T_WORD &&
            lookup(state_words, ARRAY_LEN(state_words), look.tok.word) >= 0 &&
            starts_loose_time(&look, (const token[]){peek(&look)}))
            return true; /* ", off 12:00-13:00": an additional rule that closes */
        if ((r->explicit_state || r->comment) && look.tok.kind == T_NUM && !is_year(&look.tok) &&
            starts_loose_time(&look, &look.tok))
            return true; /* "13:00-17:00 open, 17:00+": an additional rule for every day */
        if (look.tok.kind == T_END) { /* a trailing ",", as opening_hours.js tolerates */
            p->tolerated = true;
            p->tok = look.tok;
            return true;
        }
        p->tok = look.tok;
        fail_expected(p, "jour ou date attendu après « , »");
        return false;
    }
    bool has_content = r->time_count || r->always || r->explicit_state || r->comment;
    if (!has_content)
        fail_expected(p, selectors ? "heure attendue (HH:MM)" : "jour, date ou heure attendu");
    else if (starts_selector(p))
        fail_expected(p, "« ; » attendu avant une nouvelle règle");
    else
        fail_expected(p, "« ; » ou fin du texte attendu");
    return false;
}

static bool rule_is_empty(const rule *r)
{
    return !r->year_count && !r->date_count && !r->week_count && !r->weekdays && !r->holiday &&
           !r->school && !r->always && !r->time_count && !r->explicit_state && !r->comment;
}

static void rules_free(rule *rules, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(rules[i].comment);
    free(rules);
}

/* Accents, en dashes, non-breaking spaces: OpenStreetMap syntax is ASCII outside comments. */
static bool non_ascii_outside_comments(const char *expr)
{
    bool in_comment = false;
    for (const unsigned char *c = (const unsigned char *)expr; *c; c++) {
        if (*c == '"') in_comment = !in_comment;
        if ((*c >= 0x80 || *c == '~' || *c == '=') && !in_comment) return true;
    }
    return false;
}

hours_schedule *hours_parse(const char *expr, hours_error *err)
{
    parser p = {.src = expr, .err = err};
    if (err) memset(err, 0, sizeof *err);
    if (strlen(expr) > HOURS_MAX_EXPR) {
        fail_at(&p, HOURS_MAX_EXPR, "texte trop long (%d caractères au plus)", HOURS_MAX_EXPR);
        return NULL;
    }
    if (!utf8_valid(expr, strlen(expr))) {
        p.src = "";
        fail_at(&p, 0, "texte illisible (UTF-8 invalide)");
        return NULL;
    }
    rewritten typed = {.dry = true}; /* most hours have nothing to rewrite: no allocation */
    rewrite_hand_typed(&typed, expr);
    if (typed.changed) { /* "weekend", "geschl.", « … »: see hand_typed_forms */
        typed = (rewritten){0};
        rewrite_hand_typed(&typed, expr);
        p.src = typed.text.data;
        p.typed = expr;
        p.from = typed.from;
        p.to = typed.to;
        p.tolerated = true;
    }
    p.tok = lex(p.src, 0);
    if (p.tok.kind == T_END) {
        fail_at(&p, 0, "horaires vides");
        rewritten_free(&typed);
        return NULL;
    }
    rule *rules = xcalloc(MAX_RULES, sizeof *rules);
    size_t count = 0;
    int kind = RULE_NORMAL;
    for (;;) {
        if (count == MAX_RULES) {
            fail_at(&p, p.tok.pos, "trop de règles (%d au plus)", MAX_RULES);
            break;
        }
        rule *r = &rules[count];
        r->kind = kind;
        size_t at = p.tok.pos;
        if (!parse_rule(&p, r)) {
            count++; /* so that its comment is freed */
            break;
        }
        count++;
        if (rule_is_empty(r)) {
            /* ";;", a leading ";", a trailing ";" or "||": opening_hours.js drops
             * the empty rule, and the rule after it is of the kind of the
             * separator just before it; a fallback needs a rule before it. */
            if (p.tok.kind == T_OROR) {
                fail_at(&p, at, "règle vide avant « || » : écrivez la règle qui précède le repli");
                count--;
                break;
            }
            count--;
            if (p.tok.kind != T_END) p.tolerated = true; /* written back without it */
        }
        if (p.tok.kind == T_END) break;
        kind = p.tok.kind == T_SEMI   ? RULE_NORMAL
               : p.tok.kind == T_OROR ? RULE_FALLBACK
                                      : RULE_ADDITIONAL;
        advance(&p);
    }
    if (p.failed || count == 0) {
        if (!p.failed) fail_at(&p, 0, "horaires vides");
        rules_free(rules, count);
        rewritten_free(&typed);
        return NULL;
    }
    hours_schedule *s = xcalloc(1, sizeof *s);
    /* Parsing works in a MAX_RULES array (~60 KB); keep only what is used:
     * the search index holds one schedule per place. */
    s->rules = xrealloc(rules, (size_t)count * sizeof *rules);
    s->count = count;
    for (size_t i = 0; i < count; i++)
        s->mentions_holidays |= s->rules[i].holiday;
    for (size_t i = 0; i < count; i++)
        s->mentions_school |= s->rules[i].school;
    s->tolerated = p.tolerated || non_ascii_outside_comments(expr);
    rewritten_free(&typed);
    return s;
}

bool hours_tolerated(const hours_schedule *schedule)
{
    return schedule->tolerated;
}

void hours_free(hours_schedule *schedule)
{
    if (!schedule) return;
    rules_free(schedule->rules, schedule->count);
    free(schedule->memo);
    free(schedule);
}

bool hours_uses_public_holidays(const hours_schedule *schedule)
{
    return schedule->mentions_holidays;
}

/* ------------------------------------------------------------------ */
/* Normalisation                                                       */
/* ------------------------------------------------------------------ */

static void put_date_point(buf *b, const date_point *d, int year)
{
    if (d->weekday) { /* "Dec Su[-1] +4 days" */
        buf_printf(b, "%s %s[%d]", month_osm[d->month - 1], weekday_osm[d->weekday - 1], d->nth);
        put_day_offset(b, d->offset);
        return;
    }
    if (d->easter) {
        buf_puts(b, "easter");
        put_day_offset(b, d->offset);
        return;
    }
    if (year) buf_printf(b, "%d ", year);
    buf_puts(b, month_osm[d->month - 1]);
    if (d->day) buf_printf(b, " %02d", d->day);
}

/*
 * A range of days with a year repeats the year at its end ("2026 Aug
 * 01-2026 Aug 20"): opening_hours.js rejects "2026 Aug 01-Aug 20", and
 * "2026 Jan-2026 Mar" too, so whole months keep one year ("2026 Jan-Mar").
 */
static void put_date_range(buf *b, const date_range *d)
{
    put_date_point(b, &d->from, d->from.year);
    if (d->from.weekday || d->to.weekday) {
        buf_putc(b, '-');
        put_date_point(b, &d->to, 0);
        return;
    }
    int to_year = d->to.year;
    if (d->from.year && !to_year && (d->from.day || d->to.day)) {
        int from_key = d->from.month * 100 + (d->from.day ? d->from.day : 1);
        int to_key = d->to.month * 100 + (d->to.day ? d->to.day : 31);
        to_year = d->from.year + (to_key < from_key);
    }
    /* A range of one day ("2026 Dec 24-24") is that day: normalising twice
     * must give the same text. */
    if (d->from.easter || d->to.easter) {
        if (d->from.easter && d->to.easter && d->from.offset == d->to.offset) return;
        buf_putc(b, '-');
        put_date_point(b, &d->to, 0);
        return;
    }
    if (to_year == d->from.year && d->to.month == d->from.month && d->to.day == d->from.day) return;
    if (d->step > 1) { /* within one month: "Dec 19-23/2" (opening_hours.js wants no month there) */
        buf_printf(b, "-%02d/%d", d->to.day, d->step);
        return;
    }
    buf_putc(b, '-');
    put_date_point(b, &d->to, to_year);
}

static void put_time(buf *b, int minutes)
{
    buf_printf(b, "%02d:%02d", minutes / 60, minutes % 60);
}

/* "sunrise", "(sunset-00:30)" */
static void put_sun_time(buf *b, int sun, int offset)
{
    const char *word = sun_event_word((sun_event)(sun - 1));
    if (offset == 0) {
        buf_puts(b, word);
        return;
    }
    int size = offset < 0 ? -offset : offset;
    buf_printf(b, "(%s%c%02d:%02d)", word, offset < 0 ? '-' : '+', size / 60, size % 60);
}

/* A space between the parts of a rule, not before the first. */
static void separate(buf *b, size_t rule_start)
{
    if (b->len > rule_start) buf_putc(b, ' ');
}

/* "We[1,3]", "Sa[-1]", "Su[-1] -1 day": ranks in ascending order, from the start then from the end.
 */
static void put_nth(buf *b, int day, uint16_t bits, int offset)
{
    buf_printf(b, "%s[", weekday_osm[day]);
    bool first = true;
    for (int i = 0; i < 2 * NTH_FROM_END; i++) {
        if (!(bits & (1u << i))) continue;
        if (!first) buf_putc(b, ',');
        first = false;
        buf_printf(b, "%d", i < NTH_FROM_END ? i + 1 : -(i - NTH_FROM_END + 1));
    }
    buf_putc(b, ']');
    put_day_offset(b, offset);
}

static bool rule_has_selectors(const rule *r)
{
    return r->year_count || r->date_count || r->week_count || r->weekdays || r->holiday ||
           r->school;
}

static void put_rule(buf *b, const rule *r, bool state_before_time)
{
    size_t start = b->len;
    for (int i = 0; i < r->year_count; i++) {
        const int_range *y = &r->years[i];
        if (i == 0)
            separate(b, start);
        else
            buf_putc(b, ',');
        buf_printf(b, "%d", y->from);
        if (y->to == YEAR_OPEN && y->step == 1)
            buf_putc(b, '+');
        else if (y->to != y->from && y->to != YEAR_OPEN)
            buf_printf(b, "-%d", y->to);
        if (y->step > 1) buf_printf(b, "/%d", y->step);
    }
    for (int i = 0; i < r->date_count; i++) {
        const date_range *d = &r->dates[i];
        if (i == 0)
            separate(b, start);
        else
            buf_putc(b, ',');
        put_date_range(b, d);
    }
    for (int i = 0; i < r->week_count; i++) {
        const int_range *w = &r->weeks[i];
        if (i == 0) {
            separate(b, start);
            buf_puts(b, "week ");
        } else {
            buf_putc(b, ',');
        }
        buf_printf(b, "%02d", w->from);
        if (w->to != w->from) buf_printf(b, "-%02d", w->to);
        if (w->step > 1) buf_printf(b, "/%d", w->step);
    }
    if (r->weekdays || r->holiday || r->school) {
        separate(b, start);
        bool first = true;
        if (r->holiday_and) { /* "PH,SH Mo-Fr", "PH -1 day Mo-We" */
            buf_puts(b, r->holiday && r->school ? "PH,SH" : r->holiday ? "PH" : "SH");
            put_day_offset(b, r->holiday_offset);
            buf_putc(b, ' ');
        }
        unsigned every = 0; /* the weekdays selected every week */
        for (int d = 0; d < 7; d++)
            if ((r->weekdays & (1u << d)) && r->nth[d] == NTH_ALL) every |= 1u << d;
        for (int d = 0; d < 7; d++) {
            if (!(every & (1u << d)) || (d > 0 && (every & (1u << (d - 1)))))
                continue; /* print each run of days once, from its first day */
            int e = d;
            while (e < 6 && (every & (1u << (e + 1))))
                e++;
            if (!first) buf_putc(b, ',');
            first = false;
            buf_puts(b, weekday_osm[d]);
            if (e == d + 1)
                buf_printf(b, ",%s", weekday_osm[e]);
            else if (e > d)
                buf_printf(b, "-%s", weekday_osm[e]);
        }
        for (int d = 0; d < 7; d++) {
            if (!(r->weekdays & (1u << d)) || (every & (1u << d))) continue;
            if (!first) buf_putc(b, ',');
            first = false;
            put_nth(b, d, r->nth[d], r->nth_offset);
        }
        if (r->holiday && !r->holiday_and) {
            buf_puts(b, first ? "PH" : ",PH");
            put_day_offset(b, r->holiday_offset);
        }
        if (r->school && !r->holiday_and) buf_puts(b, first && !r->holiday ? "SH" : ",SH");
    }
    if (r->always) {
        separate(b, start);
        buf_puts(b, "24/7");
    }
    for (int i = 0; i < r->time_count; i++) {
        const time_range *t = &r->times[i];
        if (t->joined) {
            buf_putc(b, '+');
            continue;
        }
        if (i == 0)
            separate(b, start);
        else
            buf_putc(b, ',');
        if (t->start_sun)
            put_sun_time(b, t->start_sun, t->start_offset);
        else
            put_time(b, t->start);
        if (t->open_end) {
            buf_putc(b, '+');
            continue;
        }
        buf_putc(b, '-');
        if (t->end_sun) {
            put_sun_time(b, t->end_sun, t->end_offset);
            continue;
        }
        /* 20:00-02:00 is read back as crossing midnight; 10:00-34:00 must stay extended. */
        int end = t->end > MINUTES_PER_DAY && t->end - MINUTES_PER_DAY < t->start
                      ? t->end - MINUTES_PER_DAY
                      : t->end;
        put_time(b, end);
    }
    /* The state is printed only when it is not what the rest implies. */
    bool implied = r->comment ? r->state == STATE_UNKNOWN : r->state == STATE_OPEN;
    /* state_before_time: an additional rule that starts with a time follows
     * ("13:00-17:00 open, 17:00+"); without the state, its time would read
     * as one more range of this rule. */
    if (!implied || (r->explicit_state && b->len == start) || (state_before_time && !r->comment)) {
        separate(b, start);
        buf_puts(b, r->state == STATE_OPEN ? "open" : r->state == STATE_CLOSED ? "off" : "unknown");
    }
    if (r->comment) {
        separate(b, start);
        buf_printf(b, "\"%s\"", r->comment);
    }
}

char *hours_normalise(const hours_schedule *schedule)
{
    buf b = {0};
    for (size_t i = 0; i < schedule->count; i++) {
        const rule *r = &schedule->rules[i];
        if (i > 0)
            buf_puts(&b, r->kind == RULE_NORMAL       ? "; "
                         : r->kind == RULE_ADDITIONAL ? ", "
                                                      : " || ");
        const rule *next = i + 1 < schedule->count ? &schedule->rules[i + 1] : NULL;
        put_rule(&b, r,
                 next && next->kind == RULE_ADDITIONAL && !rule_has_selectors(next) &&
                     !next->always && next->time_count > 0);
    }
    if (!b.data) buf_puts(&b, "");
    return buf_steal(&b);
}

/* ------------------------------------------------------------------ */
/* Calendar: Easter, public holidays, ISO weeks, zones                 */
/* ------------------------------------------------------------------ */

void hours_easter(int year, int *month, int *day)
{
    /* Anonymous Gregorian algorithm (Meeus/Jones/Butcher). */
    int a = year % 19, b = year / 100, c = year % 100, d = b / 4, e = b % 4;
    int f = (b + 8) / 25, g = (b - f + 1) / 3, h = (19 * a + b - d - g + 15) % 30;
    int i = c / 4, k = c % 4, l = (32 + 2 * e + 2 * i - h - k) % 7;
    int m = (a + 11 * h + 22 * l) / 451;
    *month = (h + l - 7 * m + 114) / 31;
    *day = (h + l - 7 * m + 114) % 31 + 1;
}

int hours_iso_week(int year, int month, int day)
{
    int64_t days = tz_days_from_civil(year, month, day);
    int64_t thursday = days - tz_weekday(days) + 3; /* the week belongs to its Thursday's year */
    int y, m, d;
    tz_civil_from_days(thursday, &y, &m, &d);
    return (int)((thursday - tz_days_from_civil(y, 1, 1)) / 7 + 1);
}

static bool dep_is(const char *dep, const char *a, const char *b, const char *c)
{
    return dep && (strcmp(dep, a) == 0 || (b && strcmp(dep, b) == 0) || (c && strcmp(dep, c) == 0));
}

const char *hours_public_holiday(const char *dep, int year, int month, int day)
{
    static const struct {
        int month, day;
        const char *name;
    } fixed[] = {
        {1, 1, N_("Jour de l'an")},     {5, 1, N_("Fête du Travail")}, {5, 8, N_("Victoire 1945")},
        {7, 14, N_("Fête nationale")},  {8, 15, N_("Assomption")},     {11, 1, N_("Toussaint")},
        {11, 11, N_("Armistice 1918")}, {12, 25, N_("Noël")},
    };
    for (size_t i = 0; i < ARRAY_LEN(fixed); i++)
        if (fixed[i].month == month && fixed[i].day == day) return fixed[i].name;
    int em, ed;
    hours_easter(year, &em, &ed);
    int64_t offset = tz_days_from_civil(year, month, day) - tz_days_from_civil(year, em, ed);
    if (offset == 1) return N_("Lundi de Pâques");
    if (offset == 39) return N_("Ascension");
    if (offset == 50) return N_("Lundi de Pentecôte");
    bool alsace_moselle = dep_is(dep, "57", "67", "68");
    if (alsace_moselle && offset == -2) return N_("Vendredi saint");
    if (alsace_moselle && month == 12 && day == 26) return N_("Saint-Étienne");
    static const struct {
        const char *dep;
        int month, day;
    } slavery[] = {{"971", 5, 27}, {"972", 5, 22}, {"973", 6, 10}, {"974", 12, 20}, {"976", 4, 27}};
    for (size_t i = 0; i < ARRAY_LEN(slavery); i++)
        if (dep && strcmp(dep, slavery[i].dep) == 0 && slavery[i].month == month &&
            slavery[i].day == day)
            return N_("Abolition de l'esclavage");
    return NULL;
}

const char *hours_school_holiday(const char *departement, int year, int month, int day, bool *known)
{
    if (known) *known = false;
    if (!departement || !*departement) departement = "75"; /* metropolitan default: Paris */
    int region = -1;
    for (size_t i = 0; i < ARRAY_LEN(SCHOOL_DEPARTEMENTS); i++)
        if (strcmp(SCHOOL_DEPARTEMENTS[i].code, departement) == 0)
            region = SCHOOL_DEPARTEMENTS[i].region;
    if (region < 0) return NULL;
    const struct school_region *r = &SCHOOL_REGIONS[region];
    if (year < r->first_year || year > r->last_year) return NULL;
    if (known) *known = true;
    int64_t days = tz_days_from_civil(year, month, day);
    for (size_t i = 0; i < ARRAY_LEN(SCHOOL_SPANS); i++) {
        const struct school_span *sp = &SCHOOL_SPANS[i];
        if (sp->region == region && days >= sp->from && days < sp->to) return sp->name;
    }
    return NULL;
}

const char *hours_zone_for_departement(const char *dep)
{
    static const struct {
        const char *dep, *zone;
    } zones[] = {
        {"971", "America/Guadeloupe"},    {"972", "America/Martinique"}, {"973", "America/Cayenne"},
        {"974", "Indian/Reunion"},        {"975", "America/Miquelon"},   {"976", "Indian/Mayotte"},
        {"977", "America/St_Barthelemy"}, {"978", "America/Marigot"},    {"986", "Pacific/Wallis"},
        {"987", "Pacific/Tahiti"},        {"988", "Pacific/Noumea"},
    };
    for (size_t i = 0; dep && i < ARRAY_LEN(zones); i++)
        if (strcmp(dep, zones[i].dep) == 0) return zones[i].zone;
    return "Europe/Paris";
}

int hours_context_init(hours_context *ctx, const char *departement, const char *zone_name)
{
    memset(ctx, 0, sizeof *ctx);
    if (departement && *departement) {
        size_t n = strlen(departement);
        if (n < 2 || n > 3) return -1;
        memcpy(ctx->departement, departement, n + 1);
    }
    ctx->zone = tz_zone_get(zone_name ? zone_name : hours_zone_for_departement(departement));
    return ctx->zone ? 0 : -1;
}

void hours_context_set_position(hours_context *ctx, double latitude, double longitude)
{
    ctx->has_position = false;
    if (!(latitude >= -90 && latitude <= 90 && longitude >= -180 && longitude <= 180)) return;
    if (latitude == 0 && longitude == 0) return;
    ctx->has_position = true;
    ctx->latitude = latitude;
    ctx->longitude = longitude;
}

/* ------------------------------------------------------------------ */
/* Evaluation of one local day                                         */
/* ------------------------------------------------------------------ */

/* A local calendar day and what the selectors need to know about it. */
typedef struct day_facts {
    int64_t days; /* since 1970-01-01 */
    int year, month, day, weekday, week;
    const char *holiday;                /* the public holiday's name, or NULL */
    const char *school;                 /* the school holiday's name, or NULL (only when asked) */
    bool holiday_before, holiday_after; /* yesterday, tomorrow is a public holiday */
    bool school_known; /* the day lies within the school calendar (only when asked) */
} day_facts;

static day_facts facts_for(const hours_context *ctx, int64_t days, bool school)
{
    day_facts f = {.days = days};
    tz_civil_from_days(days, &f.year, &f.month, &f.day);
    f.weekday = tz_weekday(days);
    f.week = hours_iso_week(f.year, f.month, f.day);
    f.holiday = hours_public_holiday(ctx->departement, f.year, f.month, f.day);
    int y, m, d;
    tz_civil_from_days(days - 1, &y, &m, &d);
    f.holiday_before = hours_public_holiday(ctx->departement, y, m, d) != NULL;
    tz_civil_from_days(days + 1, &y, &m, &d);
    f.holiday_after = hours_public_holiday(ctx->departement, y, m, d) != NULL;
    if (school)
        f.school = hours_school_holiday(ctx->departement, f.year, f.month, f.day, &f.school_known);
    return f;
}

static bool range_matches(const int_range *r, int v)
{
    /* The parser refuses reversed ranges ("week 50-02"), as opening_hours.js does. */
    return v >= r->from && v <= r->to && (v - r->from) % r->step == 0;
}

/*
 * A date range with a year is one stretch of days ("2026 Dec 24-Jan 02" ends
 * in 2027); without, it recurs each year and may wrap over New Year ("Nov-Feb").
 */
/*
 * The month * 100 + day of a date point in a year. An Easter day that ends a
 * range ends it at its midnight, as opening_hours.js reads it:
 * "easter -2 days-easter +2 days" is Good Friday to Easter Monday.
 */
static int date_key(const date_point *d, int year, bool end)
{
    if (!d->easter) return d->month * 100 + (d->day ? d->day : end ? 31 : 1);
    int month, day, y;
    hours_easter(year, &month, &day);
    tz_civil_from_days(tz_days_from_civil(year, month, day) + d->offset - (end ? 1 : 0), &y, &month,
                       &day);
    return month * 100 + day;
}

/*
 * The day number of a date point in a year, as opening_hours.js computes it
 * for a range with a weekday of the month: the nth weekday counted from the
 * month's first day (or, from the end, from the next month's first day),
 * moved by the offset; it may fall in another month or year.
 */
static int64_t point_day(const date_point *d, int year)
{
    if (!d->weekday) return tz_days_from_civil(year, d->month, d->day);
    int64_t first = d->nth > 0 ? tz_days_from_civil(year, d->month, 1)
                               : tz_days_from_civil(year + d->month / 12, d->month % 12 + 1, 1);
    int64_t day = first + ((d->weekday - 1) - tz_weekday(first) + 7) % 7;
    return day + (int64_t)(d->nth > 0 ? d->nth - 1 : d->nth) * 7 + d->offset;
}

static bool date_matches(const date_range *r, const day_facts *f)
{
    if (r->from.weekday || r->to.weekday) { /* each year, with that year's dates */
        int64_t from = point_day(&r->from, f->year), to = point_day(&r->to, f->year) + 1;
        if (to < from) /* outside the days between them, as opening_hours.js reads it */
            return !(f->days >= to && f->days < from);
        return f->days >= from && f->days < to;
    }
    bool single = r->from.easter && r->to.easter && r->from.offset == r->to.offset;
    if (single) {
        int month, day;
        hours_easter(f->year, &month, &day);
        return f->days == tz_days_from_civil(f->year, month, day) + r->from.offset;
    }
    if (r->from.easter || r->to.easter) { /* no year: the parser refuses one */
        int from_key = date_key(&r->from, f->year, false), to_key = date_key(&r->to, f->year, true);
        int key = f->month * 100 + f->day;
        return from_key <= to_key ? (key >= from_key && key <= to_key)
                                  : (key >= from_key || key <= to_key);
    }
    int from_day = r->from.day ? r->from.day : 1;
    int from_key = r->from.month * 100 + from_day;
    int to_key = r->to.month * 100 + (r->to.day ? r->to.day : 31);
    if (r->from.year) {
        int to_year = r->to.year ? r->to.year : r->from.year + (to_key < from_key);
        int to_day = r->to.day ? r->to.day : calendar_days_in_month(to_year, r->to.month);
        int64_t start = tz_days_from_civil(r->from.year, r->from.month, from_day);
        int64_t end = tz_days_from_civil(to_year, r->to.month, to_day);
        if (r->step > 1 && (f->days - start) % r->step != 0) return false;
        return f->days >= start && f->days <= end;
    }
    int key = f->month * 100 + f->day;
    if (r->step > 1 && (key < from_key || key > to_key || (f->day - from_day) % r->step != 0))
        return false; /* the parser allows a step only within one month */
    return from_key <= to_key ? (key >= from_key && key <= to_key)
                              : (key >= from_key || key <= to_key);
}

/* Whether a date is one of the nth weekdays of its month that bits select. */
static bool nth_matches(uint16_t bits, int year, int month, int day)
{
    int from_start = (day - 1) / 7 + 1;
    int from_end = (calendar_days_in_month(year, month) - day) / 7 + 1;
    return (bits & nth_bit(from_start)) || (bits & nth_bit(-from_end));
}

/* The rule's weekdays select this day: every such weekday, or the nth ones (moved by the offset).
 */
static bool weekday_matches(const rule *r, const day_facts *f)
{
    if ((r->weekdays & (1u << f->weekday)) && r->nth[f->weekday] == NTH_ALL) return true;
    int64_t days = f->days - r->nth_offset;
    int weekday = r->nth_offset ? tz_weekday(days) : f->weekday;
    if (!(r->weekdays & (1u << weekday)) || r->nth[weekday] == NTH_ALL) return false;
    int year = f->year, month = f->month, day = f->day;
    if (r->nth_offset) tz_civil_from_days(days, &year, &month, &day);
    return nth_matches(r->nth[weekday], year, month, day);
}

/* Whether the rule's date selectors (all kinds must agree) select this day. */
static bool rule_matches(const rule *r, const day_facts *f)
{
    bool ok = r->year_count == 0;
    for (int i = 0; i < r->year_count && !ok; i++)
        ok = range_matches(&r->years[i], f->year);
    if (!ok) return false;
    ok = r->date_count == 0;
    for (int i = 0; i < r->date_count && !ok; i++)
        ok = date_matches(&r->dates[i], f);
    if (!ok) return false;
    ok = r->week_count == 0;
    for (int i = 0; i < r->week_count && !ok; i++)
        ok = range_matches(&r->weeks[i], f->week);
    if (!ok) return false;
    bool ph = r->holiday_offset > 0   ? f->holiday_before
              : r->holiday_offset < 0 ? f->holiday_after
                                      : f->holiday != NULL;
    if (r->holiday_and)
        return weekday_matches(r, f) && ((r->holiday && ph) || (r->school && f->school));
    if (r->weekdays || r->holiday || r->school)
        return weekday_matches(r, f) || (r->holiday && ph) || (r->school && f->school);
    return true;
}

static bool rule_wraps(const rule *r)
{
    for (int i = 0; i < r->time_count; i++)
        if (r->times[i].end > MINUTES_PER_DAY) return true;
    return false;
}

/* Why a minute is unknown, when read_for_people() made it so. */
enum { UNSURE_NO = 0, UNSURE_TODAY, UNSURE_YESTERDAY };

/*
 * The state of each minute of one local day. source[m] says which rule set
 * minute m: 2 * rule index, + 1 when it is the part of a time range that
 * started the day before (the "wrapped" part), -1 when no rule did.
 * unsure[m] (read only when unsure_any) says the minute is unknown only
 * because the day (UNSURE_TODAY) or, for a wrapped part, the day before
 * (UNSURE_YESTERDAY) is a public holiday the hours do not mention.
 */
typedef struct day_plan {
    uint8_t state[MINUTES_PER_DAY];
    int16_t source[MINUTES_PER_DAY];
    uint8_t unsure[MINUTES_PER_DAY];
    bool open_end[MINUTES_PER_DAY]; /* unknown because an open end ("17:00+") guessed it */
    bool unsure_any;
    const char *holiday_today, *holiday_yesterday; /* names, or NULL */
    const char *comment; /* of the last non-wrapped rule applying to the day */
    /* Minutes where a time given by the Sun starts or ends a range (for the
     * words of hours_day); extra ones are dropped, the times stay right. */
    struct sun_mark {
        int minute;
        bool end, unplaced;
        uint8_t sun;
        int16_t offset;
    } sun_marks[8];
    int sun_mark_count;
} day_plan;

/* The holiday that makes minute m unknown, or NULL. */
static const char *plan_holiday(const day_plan *plan, int m)
{
    if (!plan->unsure_any) return NULL;
    return plan->unsure[m] == UNSURE_TODAY       ? plan->holiday_today
           : plan->unsure[m] == UNSURE_YESTERDAY ? plan->holiday_yesterday
                                                 : NULL;
}

/*
 * True when the rule says something about every day it covers, holidays
 * included: "24/7" (every day of the year), or dates named to the day ("Dec
 * 25", "2026 Dec 24-2027 Jan 02"). "Jan-Jun" names months, not days.
 */
static bool rule_covers_holidays(const rule *r)
{
    if (r->always) return true;
    for (int i = 0; i < r->date_count; i++)
        if (r->dates[i].from.day || r->dates[i].to.day || r->dates[i].from.easter ||
            r->dates[i].from.weekday || r->dates[i].to.weekday)
            return true;
    return false;
}

/*
 * The reading for people, applied to one planned day (see hours_context).
 * Read literally, "Mo-Fr 09:00-12:00" opens on Christmas Day, yet people who
 * write it rarely mean it: the national data seldom says anything about
 * public holidays. So when the hours never mention PH, the minutes they open
 * on a holiday become unknown, with the holiday's name. Closed minutes stay
 * closed (a holiday never opens a place), and minutes set by "24/7" or by a
 * rule naming the date to the day are trusted: someone wrote them for every
 * day, or for that day (exceptional hours from closure.c are such rules).
 * A range past midnight belongs to the day it starts, as hours_day() shows
 * it, so its wrapped part is judged by the day before.
 */
static void read_for_people(const hours_schedule *s, const day_facts *today,
                            const day_facts *yesterday, day_plan *plan)
{
    plan->unsure_any = false;
    plan->holiday_today = today->holiday;
    plan->holiday_yesterday = yesterday->holiday;
    if (s->mentions_holidays || (!today->holiday && !yesterday->holiday)) return;
    memset(plan->unsure, UNSURE_NO, sizeof plan->unsure);
    for (int m = 0; m < MINUTES_PER_DAY; m++) {
        if (plan->state[m] != STATE_OPEN || plan->source[m] < 0) continue;
        bool wrapped = plan->source[m] % 2;
        const char *holiday = wrapped ? yesterday->holiday : today->holiday;
        if (!holiday || rule_covers_holidays(&s->rules[plan->source[m] / 2])) continue;
        plan->state[m] = STATE_UNKNOWN;
        plan->unsure[m] = wrapped ? UNSURE_YESTERDAY : UNSURE_TODAY;
        plan->unsure_any = true;
    }
}

/* Set minutes [from, to) to state for the rule (a fallback fills only closed minutes). */
static void apply_state(day_plan *plan, const rule *r, int source, int from, int to, int state,
                        bool open_end)
{
    for (int m = from; m < to; m++) {
        if (r->kind == RULE_FALLBACK && plan->state[m] != STATE_CLOSED) continue;
        plan->state[m] = (uint8_t)state;
        plan->source[m] = (int16_t)source;
        plan->open_end[m] = open_end && state == STATE_UNKNOWN;
    }
}

/* Set minutes [from, to) as the rule says; an open end's open time is unknown. */
static void apply(day_plan *plan, const rule *r, int source, int from, int to, bool open_end)
{
    apply_state(plan, r, source, from, to,
                open_end && r->state == STATE_OPEN ? STATE_UNKNOWN : r->state, open_end);
}

static void mark_sun(day_plan *plan, int minute, bool end, uint8_t sun, int16_t offset,
                     bool unplaced)
{
    if (!sun || plan->sun_mark_count == (int)ARRAY_LEN(plan->sun_marks)) return;
    plan->sun_marks[plan->sun_mark_count++] = (struct sun_mark){minute, end, unplaced, sun, offset};
}

/* The minute of local day `days` of a time given by the Sun, with its
   offset; INT_MIN when the place has no position or the Sun does not reach
   that altitude that day. */
static int sun_minute(const hours_context *ctx, int64_t days, uint8_t sun, int16_t offset)
{
    if (!ctx->has_position) return INT_MIN;
    int m = sun_event_minute(ctx->zone, ctx->latitude, ctx->longitude, days, (sun_event)(sun - 1));
    return m < 0 ? INT_MIN : m + offset;
}

/*
 * A time range with a time given by the Sun, on local day `days`, as
 * opening_hours.js evaluates it: that day's times; an end given by the Sun
 * that comes before the start means the end of the day ("sunset-sunrise"
 * is refused, but "(sunrise+12:00)-sunset" in winter is such a range),
 * while a fixed end before a start given by the Sun leaves the day empty
 * ("sunrise-08:00" in winter). Nothing spills past midnight (the parser
 * refuses ranges that would). Without a position the range's time is
 * unknown, over opening_hours.js's guessed times.
 */
static void apply_sun_range(day_plan *plan, const hours_context *ctx, const rule *r, int source,
                            const time_range *tr, int64_t days)
{
    int from = tr->start_sun ? sun_minute(ctx, days, tr->start_sun, tr->start_offset) : tr->start;
    int to = tr->end_sun ? sun_minute(ctx, days, tr->end_sun, tr->end_offset) : tr->end;
    /* An end given by the Sun before the start (only far north: the parser
     * keeps such times apart) is read by opening_hours.js as running into the
     * next day in a way of its own: unknown. */
    bool unplaced = from == INT_MIN || to == INT_MIN || (tr->end_sun && to <= from);
    if (unplaced) {
        from = tr->start;
        to = tr->end;
        apply_state(plan, r, source, from, to,
                    r->state == STATE_CLOSED ? STATE_CLOSED : STATE_UNKNOWN, false);
    } else {
        if (from < 0) from = 0;
        if (to > MINUTES_PER_DAY) to = MINUTES_PER_DAY;
        if (from < to) apply(plan, r, source, from, to, tr->open_end);
    }
    mark_sun(plan, from, false, tr->start_sun, tr->start_offset, unplaced);
    mark_sun(plan, to, true, tr->end_sun, tr->end_offset, unplaced);
}

/*
 * Evaluate one local day exactly as opening_hours.js does: walk the rules in
 * order (each rule whose time wraps past midnight is followed by its wrapped
 * part, which selects the next day); a matching normal rule that opens (or
 * says unknown) and names days discards what earlier rules said about this
 * day; then apply the surviving rules in order, minute by minute. Additional
 * (",") rules and wrapped parts never discard; fallback ("||") rules only
 * fill minutes still closed; "off" rules never discard but close what they
 * cover. Unless the context is literal, read_for_people() then turns the
 * opening of a holiday the hours do not mention into unknown time: every
 * evaluation below goes through here, so every page, filter and export
 * gets the same answer.
 */
static void plan_day(const hours_schedule *s, const hours_context *ctx, int64_t days,
                     day_plan *plan)
{
    day_facts today = facts_for(ctx, days, s->mentions_school),
              yesterday = facts_for(ctx, days - 1, s->mentions_school);
    int entries[2 * MAX_RULES], count = 0;
    for (size_t i = 0; i < s->count; i++) {
        const rule *r = &s->rules[i];
        if (rule_matches(r, &today)) {
            bool discards = (rule_has_selectors(r) || (i > 0 && r->state == STATE_OPEN &&
                                                       !rule_has_selectors(&s->rules[i - 1]))) &&
                            r->state != STATE_CLOSED && r->kind == RULE_NORMAL;
            if (discards) count = 0;
            entries[count++] = (int)(2 * i);
        }
        if (rule_wraps(r) && rule_matches(r, &yesterday)) entries[count++] = (int)(2 * i + 1);
    }
    memset(plan->state, STATE_CLOSED, sizeof plan->state);
    memset(plan->open_end, 0, sizeof plan->open_end);
    for (int m = 0; m < MINUTES_PER_DAY; m++)
        plan->source[m] = -1;
    plan->comment = NULL;
    plan->sun_mark_count = 0;
    for (int k = 0; k < count; k++) {
        const rule *r = &s->rules[entries[k] / 2];
        bool wrapped = entries[k] % 2;
        if (!wrapped && r->comment) plan->comment = r->comment;
        if (r->time_count == 0) {
            apply(plan, r, entries[k], 0, MINUTES_PER_DAY, false);
            continue;
        }
        for (int t = 0; t < r->time_count; t++) {
            const time_range *tr = &r->times[t];
            if (tr->start_sun || tr->end_sun) {
                if (!wrapped) apply_sun_range(plan, ctx, r, entries[k], tr, days);
            } else if (!wrapped && tr->start < MINUTES_PER_DAY)
                apply(plan, r, entries[k], tr->start,
                      tr->end < MINUTES_PER_DAY ? tr->end : MINUTES_PER_DAY, tr->open_end);
            else if (wrapped && tr->end > MINUTES_PER_DAY)
                apply(plan, r, entries[k],
                      tr->start > MINUTES_PER_DAY ? tr->start - MINUTES_PER_DAY : 0,
                      tr->end - MINUTES_PER_DAY, tr->open_end);
        }
    }
    if (ctx->literal) {
        plan->unsure_any = false;
    } else {
        read_for_people(s, &today, &yesterday, plan);
        /* Beyond the school calendar, hours that name SH cannot be known:
         * "à confirmer", never a guess. */
        if (s->mentions_school && !today.school_known)
            for (int m = 0; m < MINUTES_PER_DAY; m++)
                if (plan->state[m] == STATE_OPEN) plan->state[m] = STATE_UNKNOWN;
    }
}

/* ------------------------------------------------------------------ */
/* Evaluation over UTC time                                            */
/* ------------------------------------------------------------------ */

static int64_t local_day_of(const hours_context *ctx, int64_t utc)
{
    return tz_floor_div(tz_utc_to_local(ctx->zone, utc), 86400);
}

/* UTC instant of a local day + minute (minute may be 1440: the next midnight). */
static int64_t utc_of(const hours_context *ctx, int64_t days, int minute)
{
    return tz_local_to_utc(ctx->zone, days * 86400 + (int64_t)minute * 60);
}

/* A stretch of one state in UTC; holiday as in hours_interval. */
typedef struct segment {
    int64_t start, end;
    int state;
    const char *holiday;
} segment;

/*
 * The segments of one local day, kept by the schedule: a result card asks
 * "open now?", "until when?", "when does it open?" and "when does the page
 * change?" of the same schedule, each a walk over the same few days, and
 * planning a day (1 440 minutes) is what a walk costs. Keyed by the day and
 * every field of the evaluation context (hours_context_same). A schedule is used by
 * one thread at a time (every caller parses its own), so the memo needs no
 * lock.
 */
enum { MEMO_DAYS = 8, MEMO_SEGMENTS = 24 };
typedef struct memo_day {
    bool used;
    int64_t day;
    hours_context ctx;
    int count;
    segment segs[MEMO_SEGMENTS];
} memo_day;
struct day_memo {
    unsigned next; /* the slot to reuse next (round robin) */
    memo_day days[MEMO_DAYS];
};

bool hours_context_same(const hours_context *a, const hours_context *b)
{
    return a->zone == b->zone && a->literal == b->literal &&
           strncmp(a->departement, b->departement, sizeof a->departement) == 0 &&
           a->has_position == b->has_position &&
           (!a->has_position || (a->latitude == b->latitude && a->longitude == b->longitude));
}

/* Cut day d into segments; false when it has more than `max`. */
static bool day_segments(const hours_schedule *s, const hours_context *ctx, int64_t d, segment *out,
                         int max, int *count)
{
    day_plan plan;
    plan_day(s, ctx, d, &plan);
    int n = 0, m = 0;
    while (m < MINUTES_PER_DAY) {
        int e = m;
        const char *holiday = plan_holiday(&plan, m);
        while (e < MINUTES_PER_DAY && plan.state[e] == plan.state[m] &&
               plan_holiday(&plan, e) == holiday)
            e++;
        segment seg = {utc_of(ctx, d, m), utc_of(ctx, d, e), plan.state[m], holiday};
        if (seg.end > seg.start) {
            if (n == max) return false;
            out[n++] = seg;
        }
        m = e;
    }
    *count = n;
    return true;
}

/* Day d's segments from the memo, cut and kept if needed; NULL when the day
 * has too many segments to keep (the caller cuts it itself). */
static const memo_day *memo_get(const hours_schedule *s, const hours_context *ctx, int64_t d)
{
    struct day_memo *memo = s->memo;
    if (!memo) /* schedules are always allocated by hours_parse: never really const */
        memo = ((hours_schedule *)s)->memo = xcalloc(1, sizeof *memo);
    for (int i = 0; i < MEMO_DAYS; i++) {
        const memo_day *m = &memo->days[i];
        if (m->used && m->day == d && hours_context_same(&m->ctx, ctx)) return m;
    }
    memo_day *slot = &memo->days[memo->next++ % MEMO_DAYS];
    slot->used = false;
    if (!day_segments(s, ctx, d, slot->segs, MEMO_SEGMENTS, &slot->count)) return NULL;
    slot->used = true;
    slot->day = d;
    slot->ctx = *ctx;
    return slot;
}

/*
 * Call visit for each constant-state segment of local days first_day..last_day,
 * in order. Segments that vanish in a daylight-saving gap are skipped.
 * Stops early when visit returns false.
 */
static void walk_segments(const hours_schedule *s, const hours_context *ctx, int64_t first_day,
                          int64_t last_day, bool (*visit)(void *, const segment *), void *arg)
{
    for (int64_t d = first_day; d <= last_day; d++) {
        const memo_day *m = memo_get(s, ctx, d);
        if (m) {
            for (int i = 0; i < m->count; i++)
                if (!visit(arg, &m->segs[i])) return;
            continue;
        }
        /* A day of many segments (repeating times): cut without the memo. */
        segment *segs = xmalloc(MINUTES_PER_DAY * sizeof *segs);
        int n = 0;
        day_segments(s, ctx, d, segs, MINUTES_PER_DAY, &n);
        bool more = true;
        for (int i = 0; i < n && more; i++)
            more = visit(arg, &segs[i]);
        free(segs);
        if (!more) return;
    }
}

typedef struct collect {
    int64_t from, to;
    hours_interval *out;
    size_t max, count;
    bool overflow;
} collect;

static bool collect_visit(void *arg, const segment *seg)
{
    collect *c = arg;
    if (seg->state == STATE_CLOSED) return true;
    int64_t start = seg->start > c->from ? seg->start : c->from;
    int64_t end = seg->end < c->to ? seg->end : c->to;
    if (end <= start) return true;
    bool unknown = seg->state == STATE_UNKNOWN;
    if (c->count > 0) {
        hours_interval *last = &c->out[c->count - 1];
        if (last->unknown == unknown && last->holiday == seg->holiday && start <= last->end) {
            if (end > last->end) last->end = end;
            return true;
        }
    }
    if (c->count == c->max) {
        c->overflow = true;
        return false;
    }
    c->out[c->count++] = (hours_interval){start, end, unknown, seg->holiday};
    return true;
}

int hours_intervals(const hours_schedule *s, const hours_context *ctx, int64_t from, int64_t to,
                    hours_interval *out, size_t max)
{
    if (to <= from) return 0;
    collect c = {.from = from, .to = to, .out = out, .max = max};
    walk_segments(s, ctx, local_day_of(ctx, from) - 1, local_day_of(ctx, to) + 1, collect_visit,
                  &c);
    return c.overflow ? -1 : (int)c.count;
}

typedef struct state_at {
    int64_t t;
    int state;
    const char *holiday;
} state_at;

static bool state_visit(void *arg, const segment *seg)
{
    state_at *q = arg;
    if (q->t >= seg->start && q->t < seg->end) {
        q->state = seg->state;
        q->holiday = seg->holiday;
        return false;
    }
    return true;
}

static int state_of(const hours_schedule *s, const hours_context *ctx, int64_t t,
                    const char **holiday)
{
    state_at q = {t, STATE_CLOSED, NULL};
    int64_t d = local_day_of(ctx, t);
    walk_segments(s, ctx, d - 1, d + 1, state_visit, &q);
    if (holiday) *holiday = q.holiday;
    return q.state;
}

hours_state hours_state_at(const hours_schedule *s, const hours_context *ctx, int64_t t,
                           const char **holiday)
{
    return (hours_state)state_of(s, ctx, t, holiday);
}

bool hours_is_open(const hours_schedule *s, const hours_context *ctx, int64_t t)
{
    return state_of(s, ctx, t, NULL) == STATE_OPEN;
}

typedef struct change_search {
    int64_t t;
    int state;      /* the state at t */
    bool want_open; /* look for the next opening (or unmentioned holiday), not any change */
    int64_t found;
    int new_state;
    const char *new_holiday;
} change_search;

static bool change_visit(void *arg, const segment *seg)
{
    change_search *q = arg;
    if (seg->start <= q->t) return true;
    bool hit = q->want_open ? seg->state == STATE_OPEN || seg->holiday : seg->state != q->state;
    if (!hit) return true;
    q->found = seg->start;
    q->new_state = seg->state;
    q->new_holiday = seg->holiday;
    return false;
}

/*
 * The next change after t (or, with want_open, the next opening or the next
 * stretch unknown because of an unmentioned holiday). *new_holiday (may be
 * NULL) gets that stretch's holiday, or NULL.
 */
static int64_t search_change(const hours_schedule *s, const hours_context *ctx, int64_t t,
                             bool want_open, int *new_state, const char **new_holiday)
{
    change_search q = {
        .t = t, .state = state_of(s, ctx, t, NULL), .want_open = want_open, .found = -1};
    int64_t d = local_day_of(ctx, t);
    walk_segments(s, ctx, d, d + HOURS_LOOKAHEAD_DAYS, change_visit, &q);
    if (new_state) *new_state = q.new_state;
    if (new_holiday) *new_holiday = q.new_holiday;
    return q.found;
}

int64_t hours_next_change(const hours_schedule *s, const hours_context *ctx, int64_t t, bool *opens)
{
    int new_state = STATE_CLOSED;
    int64_t found = search_change(s, ctx, t, false, &new_state, NULL);
    if (opens) *opens = found >= 0 && new_state == STATE_OPEN;
    return found;
}

/* hours_week_facts: the "definitely open" changes in one walk. */
typedef struct facts_walk {
    int64_t t, end; /* last change found; the horizon */
    int full;       /* the state (open, closed, unknown) at t */
    bool open;      /* definitely open at t */
    int64_t base;
    uint32_t *changes;
    size_t max, count;
} facts_walk;

static bool facts_visit(void *arg, const segment *seg)
{
    facts_walk *q = arg;
    if (seg->start <= q->t || seg->state == q->full) return true;
    if (seg->start >= q->end || q->count == q->max) return false;
    /* A change of state at seg->start, as hours_next_change finds it. */
    bool open = seg->state == STATE_OPEN;
    if (open != q->open) q->changes[q->count++] = (uint32_t)(seg->start - q->base);
    q->open = open;
    q->full = seg->state;
    q->t = seg->start;
    return true;
}

void hours_week_facts(const hours_schedule *s, const hours_context *ctx, int64_t base,
                      int64_t horizon_s, uint32_t *changes, size_t max, size_t *count,
                      bool *open_at_base, uint8_t *days, int minute_after, bool *open_after)
{
    int full = state_of(s, ctx, base, NULL);
    facts_walk q = {.t = base,
                    .end = base + horizon_s,
                    .full = full,
                    .open = full == STATE_OPEN,
                    .base = base,
                    .changes = changes,
                    .max = max};
    *open_at_base = q.open;
    int64_t first = local_day_of(ctx, base);
    walk_segments(s, ctx, first, local_day_of(ctx, base + horizon_s) + 1, facts_visit, &q);
    *count = q.count;
    /* The seven local days from base's: one plan each (hours_open_on_weekday
     * and hours_open_after read the same plans, one call per weekday). */
    if (minute_after < 0) minute_after = 0;
    *days = 0;
    *open_after = false;
    day_plan plan;
    for (int64_t d = first; d < first + 7; d++) {
        plan_day(s, ctx, d, &plan);
        for (int m = 0; m < MINUTES_PER_DAY; m++)
            if (plan.state[m] == STATE_OPEN) {
                *days |= (uint8_t)(1u << tz_weekday(d));
                if (m >= minute_after) {
                    *open_after = true;
                    break;
                }
                m = minute_after - 1 > m ? minute_after - 1 : m; /* only later minutes matter now */
            }
    }
}

/* ------------------------------------------------------------------ */
/* Days, predicates                                                    */
/* ------------------------------------------------------------------ */

/* The Sun's words for a range's start or end at minute m of a plan, if any. */
static void label_sun(const day_plan *plan, int m, bool end, hours_day_range *range)
{
    for (int i = 0; i < plan->sun_mark_count; i++) {
        const struct sun_mark *mark = &plan->sun_marks[i];
        if (mark->minute != m || mark->end != end) continue;
        if (end) {
            range->end_sun = mark->sun;
            range->end_offset = mark->offset;
        } else {
            range->start_sun = mark->sun;
            range->start_offset = mark->offset;
        }
        range->sun_unplaced |= mark->unplaced;
        return;
    }
}

void hours_day(const hours_schedule *s, const hours_context *ctx, int year, int month, int day,
               hours_day_info *out)
{
    memset(out, 0, sizeof *out);
    int64_t days = tz_days_from_civil(year, month, day);
    out->year = year;
    out->month = month;
    out->day = day;
    out->weekday = tz_weekday(days);
    out->holiday_name = hours_public_holiday(ctx->departement, year, month, day);
    out->is_public_holiday = out->holiday_name != NULL;
    day_plan today, tomorrow;
    plan_day(s, ctx, days, &today);
    plan_day(s, ctx, days + 1, &tomorrow);
    out->comment = today.comment;
    /* Minutes set by yesterday's range crossing midnight are shown on yesterday. */
    int m = 0;
    while (m < MINUTES_PER_DAY) {
        int state = today.state[m];
        if (state == STATE_CLOSED || (today.source[m] >= 0 && today.source[m] % 2)) {
            m++;
            continue;
        }
        bool holiday = plan_holiday(&today, m) != NULL;
        bool open_end = today.open_end[m];
        int e = m;
        while (e < MINUTES_PER_DAY && today.state[e] == state &&
               (plan_holiday(&today, e) != NULL) == holiday && today.open_end[e] == open_end &&
               !(today.source[e] >= 0 && today.source[e] % 2))
            e++;
        int end = e;
        if (e == MINUTES_PER_DAY) { /* continue into tomorrow's wrapped part */
            int n = 0;
            while (n < MINUTES_PER_DAY && tomorrow.state[n] == state &&
                   (plan_holiday(&tomorrow, n) != NULL) == holiday &&
                   tomorrow.open_end[n] == open_end && tomorrow.source[n] >= 0 &&
                   tomorrow.source[n] % 2)
                n++;
            end += n;
        }
        if (out->range_count == HOURS_DAY_MAX_RANGES) {
            out->truncated = true;
            break;
        }
        hours_day_range *range = &out->ranges[out->range_count++];
        *range = (hours_day_range){.start = m,
                                   .end = end,
                                   .unknown = state == STATE_UNKNOWN,
                                   .holiday = holiday,
                                   .open_end = open_end};
        label_sun(&today, m, false, range);
        if (end > MINUTES_PER_DAY)
            label_sun(&tomorrow, end - MINUTES_PER_DAY, true, range);
        else
            label_sun(&today, end, true, range);
        out->holiday_unconfirmed |= holiday;
        m = e;
    }
    out->closed = out->range_count == 0;
}

/* Whether some minute in [from, to) of local day `days` is definitely open. */
static bool open_within(const hours_schedule *s, const hours_context *ctx, int64_t days, int from,
                        int to)
{
    day_plan plan;
    plan_day(s, ctx, days, &plan);
    for (int m = from; m < to; m++)
        if (plan.state[m] == STATE_OPEN) return true;
    return false;
}

bool hours_open_on_weekday(const hours_schedule *s, const hours_context *ctx, int weekday,
                           int64_t from_utc)
{
    int64_t first = local_day_of(ctx, from_utc);
    for (int64_t d = first; d < first + 7; d++)
        if (tz_weekday(d) == weekday) return open_within(s, ctx, d, 0, MINUTES_PER_DAY);
    return false;
}

bool hours_open_after(const hours_schedule *s, const hours_context *ctx, int minute_of_day,
                      int64_t from_utc)
{
    if (minute_of_day < 0) minute_of_day = 0;
    int64_t first = local_day_of(ctx, from_utc);
    for (int64_t d = first; d < first + 7; d++)
        if (open_within(s, ctx, d, minute_of_day, MINUTES_PER_DAY)) return true;
    return false;
}

/* ------------------------------------------------------------------ */
/* French text                                                         */
/* ------------------------------------------------------------------ */

/* No-break spaces (U+00A0) hold a time together ("14 h 30") and keep the
   dash of a range with its start, so that a narrow screen never breaks
   "14 h – 19 h" inside a time. */
#define NBSP "\xc2\xa0"

void hours_format_clock_fr(buf *out, int minutes)
{
    /* TRANSLATORS: a clock time, 14 h 30; the spaces are no-break spaces. */
    if (minutes % 60)
        buf_printf(out, _("%d h %02d"), minutes / 60, minutes % 60);
    else
        buf_printf(out, _("%d h"), minutes / 60);
}

/* The Sun's events in the words of a range (sun.h order: dawn, sunrise, sunset, dusk). */
static const char *const sun_from_fr[SUN_EVENT_COUNT] = {
    N_("de l'aube"), N_("du lever du soleil"), N_("du coucher du soleil"), N_("du crépuscule")};
static const char *const sun_to_fr[SUN_EVENT_COUNT] = {
    N_("à l'aube"), N_("au lever du soleil"), N_("au coucher du soleil"), N_("au crépuscule")};
static const char *const sun_after_fr[SUN_EVENT_COUNT] = {
    N_("à partir de l'aube"), N_("à partir du lever du soleil"),
    N_("à partir du coucher du soleil"), N_("à partir du crépuscule")};
static const char *const sun_name_fr[SUN_EVENT_COUNT] = {N_("aube"), N_("lever du soleil"),
                                                         N_("coucher du soleil"), N_("crépuscule")};

/* " + 1 h", " − 30 min": an offset from a sun time. */
static void put_sun_offset_fr(buf *out, int offset)
{
    int size = offset < 0 ? -offset : offset;
    buf_puts(out, offset < 0 ? NBSP "− " : NBSP "+ ");
    if (size < 60) /* TRANSLATORS: a duration in minutes, "30 min" (no-break space). */
        buf_printf(out, _("%d min"), size);
    else
        hours_format_clock_fr(out, size);
}

/*
 * One end of a range given by the Sun, or a fixed time beside one:
 * "du lever du soleil (8 h 12)", "de 10 h", "de 9 h 12 (lever du soleil
 * + 1 h)"; without a position, no time ("du lever du soleil + 1 h"). phrases:
 * sun_from_fr, sun_to_fr or sun_after_fr.
 */
static void put_sun_end_fr(buf *out, const hours_day_range *r, bool end,
                           const char *const phrases[SUN_EVENT_COUNT])
{
    int sun = end ? r->end_sun : r->start_sun, offset = end ? r->end_offset : r->start_offset;
    int minutes = end ? (r->end > MINUTES_PER_DAY ? r->end - MINUTES_PER_DAY : r->end) : r->start;
    buf clock = {0};
    hours_format_clock_fr(&clock, minutes);
    if (!sun) {
        /* TRANSLATORS: "de 10 h" and "à 18 h" beside a sun time ("de 10 h au coucher du soleil") */
        buf_printf(out,
                   end                       ? _("à %s")
                   : phrases == sun_after_fr ? _("à partir de %s")
                                             : _("de %s"),
                   clock.data);
    } else if (offset == 0 || r->sun_unplaced) {
        buf_puts(out, gettext(phrases[sun - 1]));
        if (offset) put_sun_offset_fr(out, offset);
        if (!r->sun_unplaced) buf_printf(out, " (%s)", clock.data);
    } else {
        buf_printf(out,
                   end                       ? _("à %s")
                   : phrases == sun_after_fr ? _("à partir de %s")
                                             : _("de %s"),
                   clock.data);
        buf_printf(out, " (%s", gettext(sun_name_fr[sun - 1]));
        put_sun_offset_fr(out, offset);
        buf_putc(out, ')');
    }
    buf_free(&clock);
}

/* The day's ranges; `confirm` appends " (à confirmer)" to unknown ones. */
static void put_ranges_fr(buf *out, const hours_day_info *day, bool confirm)
{
    for (int i = 0; i < day->range_count; i++) {
        const hours_day_range *r = &day->ranges[i];
        if (i > 0) buf_puts(out, ", ");
        if (r->start_sun ||
            r->end_sun) { /* "du lever du soleil (8 h 12) au coucher du soleil (17 h 03)" */
            put_sun_end_fr(out, r, false, r->open_end ? sun_after_fr : sun_from_fr);
            if (!r->open_end) {
                buf_putc(out, ' ');
                put_sun_end_fr(out, r, true, sun_to_fr);
            }
            if (confirm && r->unknown && !r->open_end) buf_puts(out, _(" (à confirmer)"));
            continue;
        }
        if (r->open_end) { /* the end is a guess: never print it */
            buf_puts(out, _("à partir de "));
            hours_format_clock_fr(out, r->start);
            continue;
        }
        /* In right-to-left text a range of times stays left to right
         * (LRI … PDI isolate it, invisibly): "9:00 – 12:00", never reversed. */
        bool isolate = i18n_current()->rtl;
        if (isolate) buf_puts(out, "\xe2\x81\xa6"); /* U+2066 LEFT-TO-RIGHT ISOLATE */
        hours_format_clock_fr(out, r->start);
        buf_puts(out, NBSP "– ");
        hours_format_clock_fr(out, r->end > MINUTES_PER_DAY ? r->end - MINUTES_PER_DAY : r->end);
        if (isolate) buf_puts(out, "\xe2\x81\xa9"); /* U+2069 POP DIRECTIONAL ISOLATE */
        if (confirm && r->unknown) buf_puts(out, _(" (à confirmer)"));
    }
}

/* "Noël — jour férié : ouverture à confirmer": the one wording of an unmentioned holiday. */
static void put_unconfirmed_holiday_fr(buf *out, const char *name)
{
    buf_printf(out, _("%s — jour férié : ouverture à confirmer"),
               name ? gettext(name) : _("Jour férié"));
}

void hours_format_day_fr(buf *out, const hours_day_info *day)
{
    if (day->closed) {
        buf_puts(out, day->is_public_holiday ? _("fermé (jour férié)") : _("fermé"));
        return;
    }
    if (!day->holiday_unconfirmed) {
        put_ranges_fr(out, day, true);
        return;
    }
    bool all_holiday = true;
    for (int i = 0; i < day->range_count; i++)
        all_holiday &= day->ranges[i].holiday;
    put_unconfirmed_holiday_fr(out, day->holiday_name);
    if (all_holiday) {
        buf_puts(out, _(" (horaires habituels : "));
        put_ranges_fr(out, day, false);
        buf_putc(out, ')');
    } else { /* some hours were written for that very date: list them as they are */
        buf_puts(out, " ; ");
        put_ranges_fr(out, day, true);
    }
}

void hours_format_usual_fr(buf *out, const hours_day_info *day)
{
    if (day->holiday_unconfirmed) put_ranges_fr(out, day, false);
}

void hours_format_date_fr(buf *out, int year, int month, int day)
{
    /* TRANSLATORS: weekday, day of the month, month: "lundi 1er juin", "mardi 2 juin". */
    buf_printf(out, day == 1 ? _("%1$s %2$der %3$s") : _("%1$s %2$d %3$s"),
               gettext(weekday_fr[tz_weekday(tz_days_from_civil(year, month, day))]), day,
               gettext(month_fr[month - 1]));
}

/*
 * When an instant comes, relative to now, in words: " à 17 h", " demain à 9 h",
 * " mardi à 9 h", " le lundi 21 décembre à 9 h", " à minuit". `at` is the
 * preposition before the clock time (" à ", " à partir de ").
 */
static void put_when_fr(buf *out, const hours_context *ctx, int64_t now, int64_t when,
                        const char *at)
{
    int64_t local = tz_utc_to_local(ctx->zone, when);
    int64_t days = tz_floor_div(local, 86400);
    int minutes = (int)((local - days * 86400) / 60);
    int64_t ahead = days - local_day_of(ctx, now);
    if (ahead == 1 && minutes == 0) {
        buf_printf(out, _("%sminuit"), at);
        return;
    }
    if (ahead == 1) {
        buf_puts(out, _(" demain"));
    } else if (ahead > 1 && ahead < 7) {
        buf_printf(out, " %s", gettext(weekday_fr[tz_weekday(days)]));
    } else if (ahead >= 7) {
        int y, m, d;
        tz_civil_from_days(days, &y, &m, &d);
        buf_puts(out, _(" le "));
        hours_format_date_fr(out, y, m, d);
    }
    buf_puts(out, at);
    hours_format_clock_fr(out, minutes);
}

/* " aujourd'hui", " demain", " mardi", " le lundi 21 décembre": the day of `when`. */
static void put_day_fr(buf *out, const hours_context *ctx, int64_t now, int64_t when)
{
    int64_t days = local_day_of(ctx, when);
    int64_t ahead = days - local_day_of(ctx, now);
    if (ahead <= 0) {
        buf_puts(out, _(" aujourd'hui"));
    } else if (ahead == 1) {
        buf_puts(out, _(" demain"));
    } else if (ahead < 7) {
        buf_printf(out, " %s", gettext(weekday_fr[tz_weekday(days)]));
    } else {
        int y, m, d;
        tz_civil_from_days(days, &y, &m, &d);
        buf_puts(out, _(" le "));
        hours_format_date_fr(out, y, m, d);
    }
}

const char *hours_status_fr(buf *out, const hours_schedule *s, const hours_context *ctx,
                            int64_t now)
{
    const char *holiday = NULL;
    int state = state_of(s, ctx, now, &holiday);
    if (state == STATE_OPEN) {
        int new_state = STATE_CLOSED;
        int64_t change = search_change(s, ctx, now, false, &new_state, NULL);
        if (change < 0) {
            buf_puts(out, _("Ouvert 24 h/24"));
        } else if (new_state == STATE_CLOSED) {
            buf_puts(out, _("Ouvert · ferme"));
            put_when_fr(out, ctx, now, change, _(" à "));
        } else {
            buf_puts(out, _("Ouvert · à confirmer"));
            put_when_fr(out, ctx, now, change, _(" à partir de "));
        }
        return NULL;
    }
    if (state == STATE_UNKNOWN && holiday) {
        put_unconfirmed_holiday_fr(out, holiday);
        return holiday;
    }
    if (state == STATE_UNKNOWN) {
        buf_puts(out, _("Ouverture à confirmer"));
        day_plan plan;
        int64_t today = local_day_of(ctx, now);
        plan_day(s, ctx, today, &plan);
        int m = (int)((tz_utc_to_local(ctx->zone, now) - today * 86400) / 60);
        if (m >= 0 && m < MINUTES_PER_DAY && plan.open_end[m]) { /* "17:00+" */
            int from = m;
            while (from > 0 && plan.open_end[from - 1])
                from--;
            if (from > 0) {
                buf_puts(out, _(" · à partir de "));
                hours_format_clock_fr(out, from);
            }
            buf_puts(out, _(", fin non précisée"));
        }
        if (plan.comment) buf_printf(out, " · %s", plan.comment);
        return NULL;
    }
    /* Closed: when it opens next, unless an unmentioned holiday comes first
     * ("ouvre lundi" would then hide that it might open before). */
    const char *next_holiday = NULL;
    int64_t opening = search_change(s, ctx, now, true, NULL, &next_holiday);
    buf_puts(out, _("Fermé"));
    int new_state = STATE_CLOSED;
    int64_t change = search_change(s, ctx, now, false, &new_state, NULL);
    if (change >= 0 && new_state == STATE_UNKNOWN && (opening < 0 || change < opening)) {
        /* An open end ("17:00+") comes first: say when, not that it opens. */
        day_plan plan;
        int64_t day = local_day_of(ctx, change);
        plan_day(s, ctx, day, &plan);
        int m = (int)((tz_utc_to_local(ctx->zone, change) - day * 86400) / 60);
        if (m >= 0 && m < MINUTES_PER_DAY && plan.open_end[m] && !next_holiday) {
            buf_puts(out, _(" · ouverture à confirmer"));
            put_when_fr(out, ctx, now, change, _(" à partir de "));
            return NULL;
        }
    }
    if (opening < 0) return NULL;
    if (next_holiday) {
        buf_puts(out, " ·");
        put_day_fr(out, ctx, now, opening);
        buf_puts(out, ", ");
        put_unconfirmed_holiday_fr(out, next_holiday);
        return next_holiday;
    }
    buf_puts(out, _(" · ouvre"));
    put_when_fr(out, ctx, now, opening, _(" à "));
    return NULL;
}
