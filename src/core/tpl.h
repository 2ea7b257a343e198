/*
 * tpl.h — the template engine. Escaping by default.
 *
 * Templates (templates/NAME.html) are compiled once at start-up into a flat
 * list of nodes; rendering walks the nodes against a jansson value and does no
 * parsing. Syntax (Mustache-like, deliberately small):
 *
 *   {{name}}  {{a.b.c}}  {{.}}  text, HTML-escaped (safe in text and in
 *                               double-quoted attributes)
 *   {{url name}}                percent-encoded, for a query-string value
 *   {{raw name}}                RAW HTML — only for HTML the program itself
 *                               produced (cmark output, QR code SVG). Greppable.
 *   {{#name}}…{{/name}}         section: loops over an array, enters an object,
 *                               renders once for any other truthy value
 *   {{^name}}…{{/name}}         inverted section: renders when falsy
 *   {{> partial}}               includes templates/partial.html
 *   {{! comment }}
 *   {{_ "Texte français"}}      translated (gettext, the thread's language,
 *                               core/i18n.h), then escaped
 *   {{_ "Ouvert jusqu’à %s" time}}   %s (or %1$s, %2$s…) replaced by the
 *                               escaped values of the names that follow
 *   {{_c "distance" "À %s" d}}  the same in a context (msgctxt), for words
 *                               French uses in two senses
 *   {{_ "Voir [la carte] de %s" name href=path}}   one sentence around a
 *                               link: [ ] become <a href="escaped path"> </a>,
 *                               so translators move the link with its words
 *                               (href=/path, href=#anchor or href=https://…:
 *                               an address written as is)
 *   {{_n count "%d lieu" "%d lieux"}}  plural form chosen by the number
 *                               `count` (an integer, or an array's length),
 *                               %d replaced by it written for the language
 *   Messages are double-quoted and hold no '"'; scripts/po-extract.sh
 *   collects them into po/repere.pot.
 *
 *   {{@name}}  {{#@name}}…      the PAGE's value, from inside any section
 *   {{../name}}                 the enclosing list item's value (one list out)
 *
 * Falsy: missing, null, false, "", 0, empty array. Numbers print as integers
 * or %g.
 *
 * Scope: a name is looked up from the innermost section outwards, but never
 * past the innermost list item: inside {{#places}}, a place without a phone
 * shows no phone — never the previous place's, nor the page's. Reaching the
 * page's values from inside a list takes the visible {{@name}}, the enclosing
 * list item's {{../name}}. Objects ({{#place}}) and scalars ({{#flag}},
 * {{#phone}}) are entered without a barrier: names they lack still come from
 * the item or page that holds them. A section on "list.0" only tests that
 * the list has items and enters nothing.
 */
#ifndef REPERE_TPL_H
#define REPERE_TPL_H

#include <jansson.h>
#include <stdbool.h>

#include "core/util.h"

typedef struct tpl_set tpl_set;

/* Load and compile every *.html in dir. NULL + message on stderr on error
 * (syntax errors name the file and line; a {{> partial}} that names no
 * template and a partial that includes itself are errors too). */
tpl_set *tpl_load(const char *dir);
/* Compile templates from memory (tests, fuzzing): names[i] ↔ texts[i]. */
tpl_set *tpl_compile_set(const char *const *names, const char *const *texts, size_t count,
                         char **error);
void tpl_free(tpl_set *set);
bool tpl_exists(const tpl_set *set, const char *name);

/* Render template `name` with `data` into out. Returns false when the template
 * does not exist. */
bool tpl_render(const tpl_set *set, const char *name, json_t *data, buf *out);

/* Told of each name that rendering stopped at a list item or object although
 * an outer scope holds it (tests audit templates with it; REPERE_TPL_TRACE=FILE
 * in the environment at load appends "template<TAB>name" lines to FILE). */
typedef void (*tpl_trace_fn)(void *ctx, const char *template_name, const char *name);
bool tpl_render_traced(const tpl_set *set, const char *name, json_t *data, buf *out,
                       tpl_trace_fn trace, void *trace_ctx);

/* Introspection (tests; start-up checks): walk the tags of a template in
 * order, partials expanded in place. ENTER/LEAVE bracket a section that enters
 * its value (a list or an object); TEST is an inverted section or a "list.0"
 * test, whose content stays in the enclosing scope; NAME is a printed name;
 * MISSING_PARTIAL a {{> name}} with no template. */
enum tpl_walk_kind {
    TPL_WALK_NAME,
    TPL_WALK_ENTER,
    TPL_WALK_LEAVE,
    TPL_WALK_TEST,
    TPL_WALK_MISSING_PARTIAL
};
typedef void (*tpl_walk_fn)(void *ctx, enum tpl_walk_kind kind, const char *name);
bool tpl_walk(const tpl_set *set, const char *name, tpl_walk_fn fn, void *ctx);
size_t tpl_count(const tpl_set *set);
const char *tpl_name(const tpl_set *set, size_t i); /* NULL past the end */

/* The escapers, also used directly by code that writes HTML or URLs. */
void html_escape(buf *out, const char *s);
void url_encode(buf *out, const char *s);

#endif
