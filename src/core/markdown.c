/*
 * markdown.c — Markdown descriptions to safe HTML with cmark. See markdown.h.
 *
 * cmark's safe mode already omits raw HTML and blanks javascript:, vbscript:,
 * file: and most data: URLs, but it lets intent://, protocol-relative
 * //evil.example and data:image/… through. So the parsed tree is walked and
 * every link whose URL is not on our short allow-list is replaced by its
 * content, as are all images (their alt text stays), and raw HTML nodes are
 * removed outright rather than rendered as "raw HTML omitted" comments.
 */
#include "core/markdown.h"
#include "core/util.h"

#include <cmark.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int md_url_allowed(const char *url)
{
    if (!url || !*url) return 0;
    /* Control characters, spaces and backslashes: browsers strip or reinterpret
     * them ("java\tscript:", "/\evil.example"), so none is accepted. */
    for (const unsigned char *p = (const unsigned char *)url; *p; p++)
        if (*p <= 0x20 || *p == 0x7F || *p == '\\') return 0;
    if (url[0] == '/' && url[1] == '/') return 0; /* protocol-relative */
    size_t scheme_end = strcspn(url, ":/?#");
    if (url[scheme_end] != ':') return 1; /* relative: no scheme */
    static const char *const allowed[] = {"https", "http", "mailto", "tel"};
    for (size_t i = 0; i < ARRAY_LEN(allowed); i++)
        if (strlen(allowed[i]) == scheme_end && strncasecmp(url, allowed[i], scheme_end) == 0)
            return 1;
    return 0;
}

/* Line by line, the number of leading container markers; true when one line has too many. */
static int too_deeply_nested(const char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        int depth = 0;
        for (;;) {
            while (i < len && (s[i] == ' ' || s[i] == '\t'))
                i++;
            if (i >= len) break;
            if (s[i] == '>') {
                depth++;
                i++;
                continue;
            }
            if ((s[i] == '-' || s[i] == '*' || s[i] == '+') &&
                (i + 1 >= len || s[i + 1] == ' ' || s[i + 1] == '\t' || s[i + 1] == '\n')) {
                depth++;
                i++;
                continue;
            }
            size_t j = i;
            while (j < len && j - i < 9 && isdigit((unsigned char)s[j]))
                j++;
            if (j > i && j < len && (s[j] == '.' || s[j] == ')') &&
                (j + 1 >= len || s[j + 1] == ' ' || s[j + 1] == '\t' || s[j + 1] == '\n')) {
                depth++;
                i = j + 1;
                continue;
            }
            break;
        }
        if (depth > MD_MAX_NESTING) return 1;
        while (i < len && s[i] != '\n')
            i++;
        i++;
    }
    return 0;
}

/* Replace `node` by its children, in place, and free it. */
static void unwrap(cmark_node *node)
{
    cmark_node *child;
    while ((child = cmark_node_first_child(node)) != NULL)
        cmark_node_insert_before(node, child);
    cmark_node_free(node);
}

char *md_render(const char *markdown, size_t len, char **error)
{
    if (error) *error = NULL;
    if (len > MD_MAX_BYTES) {
        if (error)
            *error = xasprintf("La description est trop longue (%zu octets, au plus %d).", len,
                               MD_MAX_BYTES);
        return NULL;
    }
    if (too_deeply_nested(markdown, len)) {
        if (error)
            *error = xasprintf("La description imbrique trop de citations ou de listes "
                               "(au plus %d niveaux sur une ligne).",
                               MD_MAX_NESTING);
        return NULL;
    }
    const int options = CMARK_OPT_DEFAULT | CMARK_OPT_VALIDATE_UTF8; /* never CMARK_OPT_UNSAFE */
    cmark_node *doc = cmark_parse_document(markdown, len, options);

    /* Collect first, change after: the iterator must not see freed nodes. */
    size_t count = 0, cap = 16;
    cmark_node **doomed = xmalloc(cap * sizeof *doomed);
    cmark_iter *it = cmark_iter_new(doc);
    cmark_event_type ev;
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        if (ev != CMARK_EVENT_ENTER) continue;
        cmark_node *n = cmark_iter_get_node(it);
        cmark_node_type t = cmark_node_get_type(n);
        bool drop = t == CMARK_NODE_IMAGE || t == CMARK_NODE_HTML_BLOCK ||
                    t == CMARK_NODE_HTML_INLINE ||
                    (t == CMARK_NODE_LINK && !md_url_allowed(cmark_node_get_url(n)));
        if (!drop) continue;
        if (count == cap) doomed = xrealloc(doomed, (cap *= 2) * sizeof *doomed);
        doomed[count++] = n;
    }
    cmark_iter_free(it);
    /* Innermost last in document order is fine: unwrapping a node moves its
     * (possibly doomed) children up, they stay valid nodes. Raw HTML goes
     * entirely; links and images give way to their content. */
    for (size_t i = count; i-- > 0;) {
        cmark_node *n = doomed[i];
        cmark_node_type t = cmark_node_get_type(n);
        if (t == CMARK_NODE_HTML_BLOCK || t == CMARK_NODE_HTML_INLINE)
            cmark_node_free(n);
        else
            unwrap(n);
    }
    free(doomed);
    char *html = cmark_render_html(doc, CMARK_OPT_DEFAULT);
    cmark_node_free(doc);
    return html;
}
