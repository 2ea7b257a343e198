/*
 * markdown.h — place and workshop descriptions: Markdown to safe HTML,
 * rendered once when a description is saved or imported (never per request).
 */
#ifndef REPERE_MARKDOWN_H
#define REPERE_MARKDOWN_H

#include <stddef.h>

enum {
    /* Longest description accepted, in bytes. cmark 0.30.2 has quadratic
     * cases (30 KB of crafted input: 1.6 s); 16 KiB keeps the worst case
     * well under half a second and is far more than any real description. */
    MD_MAX_BYTES = 16 * 1024,
    /* Most container markers ('>', '-', '*', '+', "1.") allowed at the start
     * of one line: deep nesting is the other quadratic case of 0.30.2, and
     * no real description nests more than a few levels. */
    MD_MAX_NESTING = 8,
};

/*
 * Render `len` bytes of Markdown to HTML with cmark in its safe mode: raw
 * HTML is dropped, links keep only https:, http:, mailto:, tel: and relative
 * URLs (others become their plain text), images become their alt text.
 * Invalid UTF-8 is replaced by U+FFFD.
 * Returns malloc'd HTML (caller frees with free()), or NULL when the input
 * breaks a limit, with a malloc'd French message in *error (caller frees)
 * unless `error` is NULL.
 */
char *md_render(const char *markdown, size_t len, char **error);

/* True when `url` may be the target of a link in a description (see md_render). */
int md_url_allowed(const char *url);

#endif
