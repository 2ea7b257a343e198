/*
 * tpl.c — compile and render templates; see tpl.h for the syntax.
 */
#include "core/tpl.h"

#include "core/i18n.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum node_kind { N_TEXT, N_VAR, N_URL, N_RAW, N_SECTION, N_INVERTED, N_PARTIAL, N_TRANS };

enum {
    MAX_DEPTH = 32, /* nested sections and partials while rendering */
    MAX_ARGS = 6,   /* names after a translated message: {{_ "… %s …" name}} */
};

typedef struct node {
    enum node_kind kind;
    const char *text; /* N_TEXT: the bytes; others: the name/path */
    size_t len;
    size_t end; /* sections: index of the node after the section's last child */
    /* N_TRANS: text is the French message (the msgid); plural its plural
     * form and count the name of the number choosing it ({{_n …}}), or NULL;
     * args the names whose values replace %s (or %1$s…) in the translation;
     * key the catalogue key "context\004message" of {{_c …}} (owned), or
     * NULL; href the name of the link's address of a message with [a link]
     * (or the address itself when it starts with '/'). */
    const char *plural, *count;
    const char *args[MAX_ARGS];
    size_t nargs;
    char *key;
    const char *href;
} node;

typedef struct template
{
    char *name;
    char *source; /* owns the bytes that nodes point into */
    node *nodes;
    size_t count;
}
template;

struct tpl_set {
    template *items;
    size_t count;
    FILE *trace; /* REPERE_TPL_TRACE=FILE at load: barrier stops appended there */
};

static void trace_to_file(void *ctx, const char *template_name, const char *name)
{
    fprintf((FILE *)ctx, "%s\t%s\n", template_name, name);
    fflush((FILE *)ctx);
}

static void add_node(template *t, size_t *cap, node n)
{
    if (t->count == *cap) {
        *cap = *cap ? *cap * 2 : 32;
        t->nodes = xrealloc(t->nodes, *cap * sizeof(node));
    }
    t->nodes[t->count++] = n;
}

static int line_of(const char *src, const char *at)
{
    int line = 1;
    for (const char *p = src; p < at; p++)
        if (*p == '\n') line++;
    return line;
}

/* A double-quoted message at *p (no escapes: a message holds no '"'; use
 * “ ” or « » in French). NUL-terminated in place; *p moves past it. */
static char *take_quoted(char **p)
{
    char *s = *p;
    while (*s == ' ' || *s == '\n')
        s++;
    if (*s != '"') return NULL;
    char *end = strchr(s + 1, '"');
    if (!end) return NULL;
    *end = '\0';
    *p = end + 1;
    return s + 1;
}

/* A name at *p, NUL-terminated in place. */
static char *take_name(char **p)
{
    char *s = *p;
    while (*s == ' ' || *s == '\n')
        s++;
    if (!*s || *s == '"') return NULL;
    char *end = s;
    while (*end && *end != ' ' && *end != '\n')
        end++;
    if (*end) *end++ = '\0';
    *p = end;
    return s;
}

/* Does a message hold one [link]: both brackets, in order, once? */
/* `code`: a message whose French has code spans shows them as <code>; a
 * translation must keep them paired. */
static bool paired_code(const char *message)
{
    size_t n = 0;
    for (; *message; message++)
        n += *message == '`';
    return n % 2 == 0;
}

/* An address written in the template itself (href=/path, href=#anchor,
 * href=https://…) rather than the name of a value of the model. */
static bool written_href(const char *href)
{
    return href[0] == '/' || href[0] == '#' || str_starts_with(href, "https://");
}

static bool one_link(const char *message)
{
    const char *open = strchr(message, '['), *close = strchr(message, ']');
    return open && close && open < close && !strchr(open + 1, '[') && !strchr(close + 1, ']');
}

/* {{_ "message" name…}}, {{_c "context" "message" name…}} and
 * {{_n count "singular" "plural" name…}}; among the names, href=name gives
 * the address of the message's [link]. */
static bool compile_translation(char *tag, node *n)
{
    bool plural = tag[1] == 'n', context = tag[1] == 'c';
    char *p = tag + (plural || context ? 2 : 1);
    *n = (node){.kind = N_TRANS};
    const char *ctx = NULL;
    if (plural && !(n->count = take_name(&p))) return false;
    if (context && !(ctx = take_quoted(&p))) return false;
    if (!(n->text = take_quoted(&p))) return false;
    if (plural && !(n->plural = take_quoted(&p))) return false;
    n->len = strlen(n->text);
    if (!n->len) return false;
    char *name;
    while ((name = take_name(&p))) {
        if (str_starts_with(name, "href=")) {
            if (n->href || !name[5]) return false;
            n->href = name + 5;
            continue;
        }
        if (n->nargs == MAX_ARGS) return false;
        n->args[n->nargs++] = name;
    }
    while (*p == ' ' || *p == '\n')
        p++;
    if (*p) return false;
    if (n->href && !one_link(n->text)) return false;
    if (!paired_code(n->text)) return false;
    if (ctx) n->key = xasprintf("%s\004%s", ctx, n->text);
    return true;
}

/* Compile t->source into t->nodes. Tag names are NUL-terminated in place. */
static bool compile(template *t, char **error)
{
    size_t cap = 0, stack[MAX_DEPTH], depth = 0;
    char *p = t->source;
    while (*p) {
        char *open = strstr(p, "{{");
        if (!open) {
            add_node(t, &cap, (node){.kind = N_TEXT, .text = p, .len = strlen(p)});
            break;
        }
        if (open > p)
            add_node(t, &cap, (node){.kind = N_TEXT, .text = p, .len = (size_t)(open - p)});
        char *close = strstr(open + 2, "}}");
        if (!close) {
            *error = xasprintf("%s.html:%d: unclosed {{", t->name, line_of(t->source, open));
            return false;
        }
        *close = '\0';
        char *tag = str_trim(open + 2);
        p = close + 2;
        enum node_kind kind = N_VAR;
        char sigil = tag[0];
        if (sigil == '!') continue;
        if (sigil == '_' &&
            (tag[1] == ' ' || tag[1] == '\0' ||
             ((tag[1] == 'n' || tag[1] == 'c') && (tag[2] == ' ' || tag[2] == '\0')))) {
            node n;
            if (!compile_translation(tag, &n)) {
                *error = xasprintf("%s.html:%d: a translation is {{_ \"message\" name…}}, "
                                   "{{_c \"context\" \"message\" name…}} or "
                                   "{{_n count \"singular\" \"plural\" name…}} (href=name "
                                   "with one [link] in the message)",
                                   t->name, line_of(t->source, open));
                return false;
            }
            add_node(t, &cap, n);
            continue;
        }
        if (sigil == '#' || sigil == '^' || sigil == '/' || sigil == '>')
            tag = str_trim(tag + 1);
        else if (str_starts_with(tag, "raw "))
            kind = N_RAW, tag = str_trim(tag + 4);
        else if (str_starts_with(tag, "url "))
            kind = N_URL, tag = str_trim(tag + 4);
        if (!*tag) {
            *error = xasprintf("%s.html:%d: empty tag", t->name, line_of(t->source, open));
            return false;
        }
        if (sigil == '#' || sigil == '^') {
            if (depth == MAX_DEPTH) {
                *error = xasprintf("%s.html: sections nested too deeply", t->name);
                return false;
            }
            stack[depth++] = t->count;
            add_node(t, &cap,
                     (node){.kind = sigil == '#' ? N_SECTION : N_INVERTED,
                            .text = tag,
                            .len = strlen(tag)});
        } else if (sigil == '/') {
            if (!depth || strcmp(t->nodes[stack[depth - 1]].text, tag) != 0) {
                *error = xasprintf("%s.html:%d: {{/%s}} closes nothing open", t->name,
                                   line_of(t->source, open), tag);
                return false;
            }
            t->nodes[stack[--depth]].end = t->count;
        } else if (sigil == '>') {
            add_node(t, &cap, (node){.kind = N_PARTIAL, .text = tag, .len = strlen(tag)});
        } else {
            add_node(t, &cap, (node){.kind = kind, .text = tag, .len = strlen(tag)});
        }
    }
    if (depth) {
        *error = xasprintf("%s.html: section {{#%s}} is never closed", t->name,
                           t->nodes[stack[depth - 1]].text);
        return false;
    }
    return true;
}

static const template *find(const tpl_set *set, const char *name)
{
    for (size_t i = 0; i < set->count; i++)
        if (strcmp(set->items[i].name, name) == 0) return &set->items[i];
    return NULL;
}

bool tpl_exists(const tpl_set *set, const char *name)
{
    return find(set, name) != NULL;
}

/* A partial that includes itself, directly or not, would render without end:
 * refuse such a set at start-up. depth-first over {{> name}} references. */
static bool includes_cycle(const tpl_set *set, const template *t, const template **stack,
                           size_t depth)
{
    for (size_t i = 0; i < depth; i++)
        if (stack[i] == t) return true;
    if (depth == MAX_DEPTH) return true;
    stack[depth] = t;
    for (size_t i = 0; i < t->count; i++) {
        if (t->nodes[i].kind != N_PARTIAL) continue;
        const template *p = find(set, t->nodes[i].text);
        if (p && includes_cycle(set, p, stack, depth + 1)) return true;
    }
    return false;
}

tpl_set *tpl_compile_set(const char *const *names, const char *const *texts, size_t count,
                         char **error)
{
    tpl_set *set = xcalloc(1, sizeof *set);
    set->items = xcalloc(count, sizeof(template));
    for (size_t i = 0; i < count; i++) {
        template *t = &set->items[set->count++];
        t->name = xstrdup(names[i]);
        t->source = xstrdup(texts[i]);
        if (!compile(t, error)) {
            tpl_free(set);
            return NULL;
        }
    }
    for (size_t i = 0; i < set->count; i++) {
        const template *t = &set->items[i];
        for (size_t k = 0; k < t->count; k++) {
            if (t->nodes[k].kind != N_PARTIAL || find(set, t->nodes[k].text)) continue;
            *error = xasprintf("%s.html: {{> %s}} names no template", t->name, t->nodes[k].text);
            tpl_free(set);
            return NULL;
        }
    }
    for (size_t i = 0; i < set->count; i++) {
        const template *stack[MAX_DEPTH];
        if (includes_cycle(set, &set->items[i], stack, 0)) {
            *error = xasprintf("%s.html: includes itself through {{> …}}", set->items[i].name);
            tpl_free(set);
            return NULL;
        }
    }
    return set;
}

static int html_filter(const struct dirent *e)
{
    return e->d_name[0] != '.' && str_ends_with(e->d_name, ".html");
}

tpl_set *tpl_load(const char *dir)
{
    struct dirent **entries = NULL;
    int n = scandir(dir, &entries, html_filter, alphasort);
    if (n < 0) {
        fprintf(stderr, "repere: cannot read templates in %s\n", dir);
        return NULL;
    }
    char **names = xcalloc((size_t)n, sizeof(char *));
    char **texts = xcalloc((size_t)n, sizeof(char *));
    bool ok = true;
    for (int i = 0; i < n; i++) {
        const char *file = entries[i]->d_name;
        names[i] = xstrndup(file, strlen(file) - 5);
        char *path = xasprintf("%s/%s", dir, file);
        FILE *f = fopen(path, "rb");
        buf b = {0};
        if (f) {
            char chunk[8192];
            size_t got;
            while ((got = fread(chunk, 1, sizeof chunk, f)) > 0)
                buf_append(&b, chunk, got);
            fclose(f);
        } else {
            fprintf(stderr, "repere: cannot read %s\n", path);
            ok = false;
        }
        texts[i] = buf_steal(&b);
        free(path);
    }
    tpl_set *set = NULL;
    if (ok) {
        char *error = NULL;
        set = tpl_compile_set((const char *const *)names, (const char *const *)texts, (size_t)n,
                              &error);
        const char *trace = getenv("REPERE_TPL_TRACE");
        if (set && trace && *trace) set->trace = fopen(trace, "a");
        if (!set) {
            fprintf(stderr, "repere: template error: %s\n", error);
            free(error);
        }
    }
    for (int i = 0; i < n; i++) {
        free(names[i]);
        free(texts[i]);
        free(entries[i]);
    }
    free(names);
    free(texts);
    free(entries);
    return set;
}

void tpl_free(tpl_set *set)
{
    if (!set) return;
    if (set->trace) fclose(set->trace);
    for (size_t i = 0; i < set->count; i++) {
        free(set->items[i].name);
        free(set->items[i].source);
        for (size_t k = 0; k < set->items[i].count; k++)
            free(set->items[i].nodes[k].key);
        free(set->items[i].nodes);
    }
    free(set->items);
    free(set);
}

/* "list.0" (a path ending in an index) only asks whether a list has items:
 * its section renders once in the enclosing scope, entering nothing — entering
 * the first item would let the others borrow its fields. */
static bool is_index_test(const char *path)
{
    const char *last = strrchr(path, '.');
    return last && last[1] >= '0' && last[1] <= '9';
}

/* Walk the nodes of `t` (partials expanded in place) for tpl_walk. */
static void walk_range(const tpl_set *set, const template *t, size_t from, size_t to,
                       tpl_walk_fn fn, void *ctx, int depth)
{
    for (size_t i = from; i < to; i++) {
        const node *n = &t->nodes[i];
        switch (n->kind) {
        case N_TEXT:
            break;
        case N_VAR:
        case N_URL:
        case N_RAW:
            fn(ctx, TPL_WALK_NAME, n->text);
            break;
        case N_TRANS:
            if (n->count) fn(ctx, TPL_WALK_NAME, n->count);
            for (size_t a = 0; a < n->nargs; a++)
                fn(ctx, TPL_WALK_NAME, n->args[a]);
            if (n->href && !written_href(n->href)) fn(ctx, TPL_WALK_NAME, n->href);
            break;
        case N_SECTION:
        case N_INVERTED: {
            bool enters = n->kind == N_SECTION && !is_index_test(n->text);
            fn(ctx, enters ? TPL_WALK_ENTER : TPL_WALK_TEST, n->text);
            walk_range(set, t, i + 1, n->end, fn, ctx, depth);
            if (enters) fn(ctx, TPL_WALK_LEAVE, n->text);
            i = n->end - 1;
            break;
        }
        case N_PARTIAL: {
            const template *p = find(set, n->text);
            if (!p)
                fn(ctx, TPL_WALK_MISSING_PARTIAL, n->text);
            else if (depth < MAX_DEPTH)
                walk_range(set, p, 0, p->count, fn, ctx, depth + 1);
            break;
        }
        }
    }
}

bool tpl_walk(const tpl_set *set, const char *name, tpl_walk_fn fn, void *ctx)
{
    const template *t = find(set, name);
    if (!t) return false;
    walk_range(set, t, 0, t->count, fn, ctx, 0);
    return true;
}

size_t tpl_count(const tpl_set *set)
{
    return set->count;
}

const char *tpl_name(const tpl_set *set, size_t i)
{
    return i < set->count ? set->items[i].name : NULL;
}

/* ---- escaping ---- */

void html_escape(buf *out, const char *s)
{
    const char *run = s;
    for (; *s; s++) {
        const char *rep;
        switch (*s) {
        case '&':
            rep = "&amp;";
            break;
        case '<':
            rep = "&lt;";
            break;
        case '>':
            rep = "&gt;";
            break;
        case '"':
            rep = "&quot;";
            break;
        case '\'':
            rep = "&#39;";
            break;
        default:
            continue;
        }
        buf_append(out, run, (size_t)(s - run));
        buf_puts(out, rep);
        run = s + 1;
    }
    buf_append(out, run, (size_t)(s - run));
}

void url_encode(buf *out, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        unsigned char c = *p;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '_' || c == '.' || c == '~') {
            buf_putc(out, (char)c);
        } else {
            char enc[3] = {'%', hex[c >> 4], hex[c & 15]};
            buf_append(out, enc, 3);
        }
    }
}

/* ---- rendering ---- */

/* The scope chain while rendering. Each entry is the value a section entered;
 * `barrier` marks entries that are a list item (and the page): a name is looked
 * up from the innermost entry outwards but never past the innermost barrier,
 * so an item that lacks a field shows nothing rather than another item's (or
 * the page's) value. `{{@name}}` reaches the page's own values explicitly. */
typedef struct scope {
    json_t *values[MAX_DEPTH];
    bool barrier[MAX_DEPTH];
    size_t depth;
    tpl_trace_fn trace; /* tests: told of names that stop at a barrier */
    void *trace_ctx;
    const char *template_name;
} scope;

/* Resolve the first component `key` against the scope chain: innermost entry
 * first, stopping after the innermost barrier; `up` barriers are first
 * skipped ("../name" in a template: the enclosing item's field). */
static json_t *lookup_first(const scope *sc, const char *key, int up)
{
    size_t top = sc->depth;
    while (up-- > 0) {
        while (top > 0 && !sc->barrier[top - 1])
            top--;
        if (top > 0) top--; /* past the barrier itself */
    }
    for (size_t i = top; i-- > 0;) {
        json_t *v = json_is_object(sc->values[i]) ? json_object_get(sc->values[i], key) : NULL;
        if (v) return v;
        if (sc->barrier[i]) break;
    }
    return NULL;
}

/* Resolve a dotted path: `.` is the current value, `@a.b` starts from the
 * page's model, `../a.b` from the enclosing list item or object, `a.b` from
 * the scope chain (see lookup_first). */
static json_t *lookup(const scope *sc, const char *path)
{
    if (strcmp(path, ".") == 0) return sc->values[sc->depth - 1];
    bool from_root = path[0] == '@';
    if (from_root) path++;
    int up = 0;
    while (!from_root && str_starts_with(path, "../"))
        up++, path += 3;
    const char *dot = strchr(path, '.');
    size_t first = dot ? (size_t)(dot - path) : strlen(path);
    char key[128];
    if (first >= sizeof key) return NULL;
    memcpy(key, path, first);
    key[first] = '\0';
    json_t *v = from_root ? json_object_get(sc->values[0], key) : lookup_first(sc, key, up);
    if (!v && !from_root && !up && sc->trace) {
        /* Would the old outward lookup have found it? Tell the test. */
        for (size_t i = sc->depth; i-- > 0;)
            if (json_is_object(sc->values[i]) && json_object_get(sc->values[i], key)) {
                sc->trace(sc->trace_ctx, sc->template_name, path);
                break;
            }
    }
    while (v && dot) {
        const char *next = strchr(dot + 1, '.');
        size_t n = next ? (size_t)(next - dot - 1) : strlen(dot + 1);
        if (n >= sizeof key) return NULL;
        memcpy(key, dot + 1, n);
        key[n] = '\0';
        /* "list.0": an array index, to test whether a list has items. */
        if (json_is_array(v) && key[0] >= '0' && key[0] <= '9')
            v = json_array_get(v, (size_t)strtoul(key, NULL, 10));
        else
            v = json_object_get(v, key);
        dot = next;
    }
    return v;
}

static bool truthy(const json_t *v)
{
    if (!v) return false;
    switch (json_typeof(v)) {
    case JSON_NULL:
    case JSON_FALSE:
        return false;
    case JSON_STRING:
        return json_string_length(v) > 0;
    case JSON_INTEGER:
        return json_integer_value(v) != 0;
    case JSON_REAL:
        return json_real_value(v) != 0.0;
    case JSON_ARRAY:
        return json_array_size(v) > 0;
    default:
        return true;
    }
}

/* Text of a scalar value, or NULL for objects/arrays/null. */
static const char *scalar_text(const json_t *v, char *tmp, size_t tmplen)
{
    if (!v) return NULL;
    switch (json_typeof(v)) {
    case JSON_STRING:
        return json_string_value(v);
    case JSON_INTEGER:
        snprintf(tmp, tmplen, "%lld", (long long)json_integer_value(v));
        return tmp;
    case JSON_REAL:
        snprintf(tmp, tmplen, "%g", json_real_value(v));
        return tmp;
    case JSON_TRUE:
        return "true";
    default:
        return NULL;
    }
}

static void render_range(const tpl_set *set, const template *t, size_t from, size_t to, scope *sc,
                         buf *out, int depth);

/* The text of a message (ours or a translator's, never a visitor's): the
 * HTML specials escaped except the apostrophe, which is safe in text and in
 * double-quoted attributes, so a page in French reads byte for byte as its
 * template did before the message was marked. */
static void message_escape(buf *out, const char *s, size_t len)
{
    const char *run = s, *end = s + len;
    for (; s < end; s++) {
        if (*s != '&' && *s != '<' && *s != '>' && *s != '"') continue;
        buf_append(out, run, (size_t)(s - run));
        buf_puts(out, *s == '&' ? "&amp;" : *s == '<' ? "&lt;" : *s == '>' ? "&gt;" : "&quot;");
        run = s + 1;
    }
    buf_append(out, run, (size_t)(end - run));
}

/* The argument (index among the names) of directive number `position`
 * (from 1) of the French message, where the count's %d, if any, takes a
 * position too; SIZE_MAX for the count's own position. */
static size_t source_arg(const char *text, int position)
{
    int seen = 0, count_at = 0;
    for (const char *p = text; (p = strchr(p, '%')) != NULL;) {
        const char *spec = p + 1;
        if (*spec == '%') {
            p = spec + 1;
            continue;
        }
        int pos = ++seen;
        if (spec[0] >= '1' && spec[0] <= '9' && spec[1] == '$') pos = spec[0] - '0', spec += 2;
        if (*spec == 'd') count_at = pos;
        p = spec + 1;
    }
    if (position == count_at) return SIZE_MAX;
    return (size_t)(position - 1 - (count_at && count_at < position));
}

/* A translated message: gettext (ngettext) in the thread's language, then
 * escaped, %d replaced by the count (written for the language), %s and
 * %N$s by the escaped values of the names, %% by %. */
static void render_translation(const node *n, scope *sc, buf *out)
{
    long count = 0;
    if (n->count) {
        json_t *v = lookup(sc, n->count);
        count = json_is_integer(v) ? (long)json_integer_value(v)
                : json_is_array(v) ? (long)json_array_size(v)
                                   : 0;
    }
    /* French, the source: 0 and 1 take the singular (ngettext without a
     * catalogue would say "0 lieux"). */
    const char *msg =
        n->key       ? i18n_pgettext(n->key, n->text)
        : !n->plural ? gettext(n->text)
        : i18n_current() == I18N_FRENCH
            ? (count >= -1 && count <= 1 ? n->text : n->plural)
            : ngettext(n->text, n->plural, (unsigned long)(count < 0 ? -count : count));
    /* A translation that lost its link's brackets would leave an <a> open:
     * the French message is shown instead. */
    if (n->href && !one_link(msg)) msg = n->text;
    const bool code = strchr(n->text, '`') != NULL;
    if (code && !paired_code(msg)) msg = n->text;
    bool in_code = false;
    char tmp[64], href_tmp[64];
    size_t next_arg = 0;
    const char *run = msg, *p = msg;
    /* [link]: the markup is ours, the address the escaped value of href;
     * without a value, the words alone. */
    const char *href = !n->href ? NULL
                       : written_href(n->href)
                           ? n->href /* an address written in the template */
                           : scalar_text(lookup(sc, n->href), href_tmp, sizeof href_tmp);
    while (*p) {
        if (code && *p == '`') { /* the markup is ours, the words escaped */
            message_escape(out, run, (size_t)(p - run));
            buf_puts(out, in_code ? "</code>" : "<code>");
            in_code = !in_code;
            run = ++p;
            continue;
        }
        if (n->href && (*p == '[' || *p == ']')) {
            message_escape(out, run, (size_t)(p - run));
            if (href && *p == '[') {
                buf_puts(out, "<a href=\"");
                html_escape(out, href);
                buf_puts(out, "\">");
            } else if (href) {
                buf_puts(out, "</a>");
            }
            run = ++p;
            continue;
        }
        if (*p != '%') {
            p++;
            continue;
        }
        message_escape(out, run, (size_t)(p - run));
        const char *spec = p + 1;
        size_t arg = next_arg;
        if (spec[0] >= '1' && spec[0] <= '9' && spec[1] == '$') {
            /* %N$s counts every directive of the French message, the count's
             * %d included (as printf and msgfmt --check do): "%d intervenants
             * pour %s" translated "%2$s … %1$d" names the name's value. */
            arg = source_arg(n->text, spec[0] - '0');
            spec += 2;
        }
        if (*spec == 'd') {
            i18n_number(out, count);
        } else if (*spec == 's') {
            const char *s =
                arg < n->nargs ? scalar_text(lookup(sc, n->args[arg]), tmp, sizeof tmp) : NULL;
            if (s) html_escape(out, s);
            next_arg = arg + 1;
        } else if (*spec == '%') {
            buf_putc(out, '%');
        } else {
            buf_putc(out, '%');
            spec = p; /* not a directive: the '%' as is */
        }
        p = run = spec + 1;
    }
    message_escape(out, run, strlen(run));
}

static void render_section(const tpl_set *set, const template *t, size_t i, scope *sc, buf *out,
                           int depth)
{
    const node *n = &t->nodes[i];
    json_t *v = lookup(sc, n->text);
    if (n->kind == N_INVERTED) {
        if (!truthy(v)) render_range(set, t, i + 1, n->end, sc, out, depth);
        return;
    }
    if (!truthy(v) || sc->depth == MAX_DEPTH) return;
    if (json_is_array(v) && !is_index_test(n->text)) {
        size_t idx;
        json_t *item;
        json_array_foreach(v, idx, item)
        {
            sc->barrier[sc->depth] = true;
            sc->values[sc->depth++] = item;
            render_range(set, t, i + 1, n->end, sc, out, depth);
            sc->depth--;
        }
    } else if (is_index_test(n->text)) {
        render_range(set, t, i + 1, n->end, sc, out, depth);
    } else {
        /* An object (the page's "place", a "venue") or a scalar (a flag, a
         * string) is entered without a barrier: names not in it still come
         * from the enclosing item or page, which is the same thing being
         * described. Only a list separates one item from another. */
        sc->barrier[sc->depth] = false;
        sc->values[sc->depth++] = v;
        render_range(set, t, i + 1, n->end, sc, out, depth);
        sc->depth--;
    }
}

static void render_range(const tpl_set *set, const template *t, size_t from, size_t to, scope *sc,
                         buf *out, int depth)
{
    char tmp[64];
    const char *outer_name = sc->template_name;
    sc->template_name = t->name;
    for (size_t i = from; i < to; i++) {
        const node *n = &t->nodes[i];
        const char *s;
        switch (n->kind) {
        case N_TEXT:
            buf_append(out, n->text, n->len);
            break;
        case N_VAR:
            if ((s = scalar_text(lookup(sc, n->text), tmp, sizeof tmp))) html_escape(out, s);
            break;
        case N_URL:
            if ((s = scalar_text(lookup(sc, n->text), tmp, sizeof tmp))) url_encode(out, s);
            break;
        case N_RAW:
            if ((s = scalar_text(lookup(sc, n->text), tmp, sizeof tmp))) buf_puts(out, s);
            break;
        case N_TRANS:
            render_translation(n, sc, out);
            break;
        case N_SECTION:
        case N_INVERTED:
            render_section(set, t, i, sc, out, depth);
            i = n->end - 1;
            break;
        case N_PARTIAL: {
            const template *p = find(set, n->text);
            if (p && depth < MAX_DEPTH) render_range(set, p, 0, p->count, sc, out, depth + 1);
            break;
        }
        }
    }
    sc->template_name = outer_name;
}

bool tpl_render(const tpl_set *set, const char *name, json_t *data, buf *out)
{
    return tpl_render_traced(set, name, data, out, set->trace ? trace_to_file : NULL, set->trace);
}

bool tpl_render_traced(const tpl_set *set, const char *name, json_t *data, buf *out,
                       tpl_trace_fn trace, void *trace_ctx)
{
    const template *t = find(set, name);
    if (!t) return false;
    scope sc = {.values = {data},
                .barrier = {true},
                .depth = 1,
                .trace = trace,
                .trace_ctx = trace_ctx,
                .template_name = name};
    render_range(set, t, 0, t->count, &sc, out, 0);
    return true;
}
