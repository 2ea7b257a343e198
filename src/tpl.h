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
 *
 * Falsy: missing, null, false, "", 0, empty array. Names are looked up from
 * the innermost section outwards. Numbers print as integers or %g.
 */
#ifndef REPERE_TPL_H
#define REPERE_TPL_H

#include <jansson.h>
#include <stdbool.h>

#include "util.h"

typedef struct tpl_set tpl_set;

/* Load and compile every *.html in dir. NULL + message on stderr on error
 * (syntax errors name the file and line). */
tpl_set *tpl_load(const char *dir);
/* Compile templates from memory (tests, fuzzing): names[i] ↔ texts[i]. */
tpl_set *tpl_compile_set(const char *const *names, const char *const *texts, size_t count,
                         char **error);
void tpl_free(tpl_set *set);
bool tpl_exists(const tpl_set *set, const char *name);

/* Render template `name` with `data` into out. Returns false when the template
 * does not exist. */
bool tpl_render(const tpl_set *set, const char *name, json_t *data, buf *out);

/* The escapers, also used directly by code that writes HTML or URLs. */
void html_escape(buf *out, const char *s);
void url_encode(buf *out, const char *s);

#endif
