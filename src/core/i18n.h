/*
 * i18n.h — the languages of the interface (issue 18, docs/languages.md).
 *
 * French is the source language: every string in the code and the templates
 * is written in French and is its own message id. The other languages are
 * served under a URL prefix (/en/…, /ar/…) and translated with libc's
 * gettext: at start-up each language gets a locale_t (newlocale) whose only
 * category is LC_MESSAGES, named after the language, from a build-local
 * locale directory (build/locale/LL/LC_MESSAGES holds both the locale
 * category file and repere.mo). A request thread switches to its language
 * with uselocale() for the time of the request (i18n_enter/i18n_leave), so
 * plain gettext()/ngettext() — the _() macro — answer in that language,
 * thread by thread, without touching the process-wide locale (which stays
 * "C": jansson and the number formatting rely on it).
 */
#ifndef REPERE_I18N_H
#define REPERE_I18N_H

#include <libintl.h>
#include <stdbool.h>

#include "core/util.h"

/* Mark and translate a string (gettext in the request's language). */
#define _(s) gettext(s)
/* Mark a string for extraction only: translated later, where it is shown. */
#define N_(s) (s)
/* Translate a message in a context (gettext's msgctxt), for a word or phrase
 * that French uses in two senses a translator must tell apart:
 * C_("plage horaire", "de %1$s à %2$s"). Both arguments are literals. */
#define C_(context, s) i18n_pgettext(context "\004" s, s)
/* Mark a message in a context for extraction only (a table entry), as
 * "context\004message": i18n_label() translates it where it is shown. */
#define NC_(context, s) context "\004" s

/* "mardi 5 mai" (year 0) / "mardi 5 mai 2026", "martes 5 de mayo de 2026",
 * "Tuesday, May 5, 2026": the weekday and month already translated, the
 * order and the joining words from the language's row of I18N_LANGS. */
void i18n_day_date(buf *out, const char *weekday, int day, const char *month, int year);

/* The singular or plural form of a phrase for n in the thread's language:
 * French (the source) takes the singular for 0 and 1, another language
 * asks its catalogue (ngettext). scripts/po-extract.sh collects both. */
const char *i18n_plural(long n, const char *singular, const char *plural);

/* The translation of `key` ("context\004message"), or `message` when the
 * catalogue has none. What C_() and the templates' {{_c …}} call. */
const char *i18n_pgettext(const char *key, const char *message);

/* A table entry marked with N_() or NC_(), in the thread's language (the
 * context never shows). */
const char *i18n_label(const char *marked);

typedef struct i18n_lang {
    const char *code;    /* URL prefix ("en"); "fr" for French, served without prefix */
    const char *tag;     /* BCP 47, for lang="" and hreflang="" */
    const char *name;    /* the language named in itself ("English", "العربية") */
    bool rtl;            /* written right to left */
    const char *decimal; /* decimal separator of numbers */
    const char *group;   /* thousands separator ("" for none) */
    /* A date with its weekday in the language's order and words, without
     * and with the year (i18n_day_date; arguments in i18n.c). */
    const char *day_date, *day_date_year;
} i18n_lang;

/* Every language, French first; I18N_COUNT of them. */
extern const i18n_lang I18N_LANGS[];
extern const size_t I18N_COUNT;
/* French, the source language. */
#define I18N_FRENCH (&I18N_LANGS[0])

/* The language a path starts with ("/en/lieux", "/en"): sets *rest to the
 * path without the prefix ("/lieux", "/"). French (and *rest = path) when
 * the path carries no prefix of a served language. */
const i18n_lang *i18n_from_path(const char *path, const char **rest);
/* The language of code "en", or NULL. */
const i18n_lang *i18n_find(const char *code);
/* Is language l served (French always; another when its catalogue and
 * locale were found by i18n_init)? Only served languages have URLs, are in
 * the menu and are suggested. */
bool i18n_served(const i18n_lang *l);
/* The URL prefix of a language: "" for French, "/en" for English. */
const char *i18n_prefix(const i18n_lang *l);

/* The first language of an Accept-Language header (by q-value) that Repère
 * speaks, or NULL when none (or when it is French). */
const i18n_lang *i18n_from_accept(const char *accept_language);

/* Start-up, before any thread: bind the text domain to `localedir` (where
 * LL/LC_MESSAGES/repere.mo live) and make one LC_MESSAGES locale per
 * language that has a catalogue. A language without a catalogue is not
 * served; one whose catalogue is there but whose locale cannot be made is
 * named on stderr, not served either, and makes it return false. */
bool i18n_init(const char *localedir);
void i18n_shutdown(void);

/* Switch the calling thread to language l for the time of a request;
 * i18n_leave goes back to the process's locale. */
void i18n_enter(const i18n_lang *l);
void i18n_leave(void);
/* The calling thread's language (French outside a request). */
const i18n_lang *i18n_current(void);

/* Numbers for people in the thread's language: 12345 → "12 345" (French,
 * narrow no-break space) / "12,345" (English); 3.2 with one decimal →
 * "3,2" / "3.2". */
void i18n_number(buf *out, long n);
void i18n_decimal(buf *out, double x, int decimals);

#endif
