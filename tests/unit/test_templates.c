/* Every real template (templates/NAME.html), rendered against models made from
 * its own shape: an item of a list that lacks a field must never show
 * another item's value, nor the page's, nor an outer list item's.
 *
 * For each template, tpl_walk gives the sections it enters and the names it
 * prints inside each. A model is built where every scope (the page and each
 * item of each list, two items per list) holds every name the template
 * prints, each with a unique marker. Then, for each list and each name printed
 * directly inside it, that name is removed from the list's second items and
 * the template rendered again: no marker of that name may appear more often
 * than before, minus the removed ones. With the old outward lookup this fails
 * on every list that prints an optional field. */
#include "core/tpl.h"
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>

enum { MAX_NAMES = 512, MAX_FRAMES = 256, MAX_NEST = 4 };

/* One scope the template enters: a list section (or object) at some depth. */
typedef struct frame {
    char *section;         /* the section's name ("" for the page) */
    int parent;            /* index of the enclosing frame, -1 for the page */
    int direct[MAX_NAMES]; /* names printed directly in this frame */
    int ndirect;
} frame;

typedef struct shape {
    char *names[MAX_NAMES]; /* every simple name printed anywhere */
    int nnames;
    frame frames[MAX_FRAMES];
    int nframes;
    int stack[64];
    int depth;
    bool scalar_sections[MAX_NAMES]; /* section names also printed: strings */
    bool missing_partial;
} shape;

static int name_index(shape *sh, const char *name, bool add)
{
    for (int i = 0; i < sh->nnames; i++)
        if (strcmp(sh->names[i], name) == 0) return i;
    if (!add || sh->nnames == MAX_NAMES) return -1;
    sh->names[sh->nnames] = xstrdup(name);
    return sh->nnames++;
}

/* A simple name: no dots, not ".", not "@page" (those are not item fields). */
static bool simple(const char *name)
{
    return name[0] != '@' && name[0] != '.' && !strchr(name, '.');
}

static void collect_names(void *ctx, enum tpl_walk_kind kind, const char *name)
{
    shape *sh = ctx;
    if (kind == TPL_WALK_NAME && simple(name)) name_index(sh, name, true);
    if (kind == TPL_WALK_MISSING_PARTIAL) sh->missing_partial = true;
}

static void collect_frames(void *ctx, enum tpl_walk_kind kind, const char *name)
{
    shape *sh = ctx;
    int cur = sh->stack[sh->depth];
    int idx = simple(name) ? name_index(sh, name, false) : -1;
    bool scalar = idx >= 0; /* printed somewhere too: a string, enters nothing */
    switch (kind) {
    case TPL_WALK_NAME:
        if (idx >= 0 && sh->frames[cur].ndirect < MAX_NAMES) {
            frame *f = &sh->frames[cur];
            bool seen = false;
            for (int i = 0; i < f->ndirect; i++)
                seen |= f->direct[i] == idx;
            if (!seen) f->direct[f->ndirect++] = idx;
        }
        break;
    case TPL_WALK_ENTER:
        if (!simple(name) || scalar || sh->nframes == MAX_FRAMES || sh->depth >= MAX_NEST) {
            sh->stack[sh->depth + 1] = cur; /* stays in the same scope */
            if (scalar) sh->scalar_sections[idx] = true;
        } else {
            int child = -1;
            for (int i = 0; i < sh->nframes; i++)
                if (sh->frames[i].parent == cur && strcmp(sh->frames[i].section, name) == 0)
                    child = i;
            if (child < 0) {
                child = sh->nframes++;
                sh->frames[child] = (frame){.section = xstrdup(name), .parent = cur};
            }
            sh->stack[sh->depth + 1] = child;
        }
        sh->depth++;
        break;
    case TPL_WALK_LEAVE:
        sh->depth--;
        break;
    default:
        break;
    }
}

static int marker_counter;

/* The model of frame `f`: every name with a unique marker, every child frame
 * as a list of two items. In items of frame `drop_frame` whose index is 1,
 * name `drop_name` is left out (its markers are appended to `dropped`). */
static json_t *build(shape *sh, int f, int drop_frame, int drop_name, int item, json_t *dropped)
{
    json_t *o = json_object();
    for (int n = 0; n < sh->nnames; n++) {
        char marker[96];
        snprintf(marker, sizeof marker, "~%s#%d~", sh->names[n], ++marker_counter);
        if (f == drop_frame && item == 1 && n == drop_name) {
            json_array_append_new(dropped, json_string(marker));
            continue;
        }
        json_object_set_new(o, sh->names[n], json_string(marker));
    }
    for (int c = 0; c < sh->nframes; c++) {
        if (sh->frames[c].parent != f || c == f) continue;
        json_t *list = json_array();
        for (int k = 0; k < 2; k++)
            json_array_append_new(list, build(sh, c, drop_frame, drop_name, k, dropped));
        json_object_set_new(o, sh->frames[c].section, list);
    }
    return o;
}

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0, len = strlen(needle);
    for (const char *p = hay; (p = strstr(p, needle)); p += len)
        n++;
    return n;
}

static int templates_checked, lists_checked;

static void check_template(const tpl_set *set, const char *tname)
{
    shape sh = {0};
    tpl_walk(set, tname, collect_names, &sh);
    sh.frames[0] = (frame){.section = xstrdup(""), .parent = -1};
    sh.nframes = 1;
    tpl_walk(set, tname, collect_frames, &sh);
    if (sh.missing_partial) {
        fprintf(stderr, "FAIL %s: includes a partial that does not exist\n", tname);
        CHECK(!sh.missing_partial);
    }
    templates_checked++;
    for (int f = 1; f < sh.nframes; f++) {
        for (int d = 0; d < sh.frames[f].ndirect; d++) {
            int n = sh.frames[f].direct[d];
            json_t *none = json_array(), *dropped = json_array();
            marker_counter = 0;
            json_t *full = build(&sh, 0, -1, -1, 0, none);
            marker_counter = 0; /* same markers in both models */
            json_t *holed = build(&sh, 0, f, n, 0, dropped);
            buf a = {0}, b = {0};
            tpl_render(set, tname, full, &a);
            tpl_render(set, tname, holed, &b);
            char prefix[96];
            snprintf(prefix, sizeof prefix, "~%s#", sh.names[n]);
            size_t before = count(a.data ? a.data : "", prefix);
            size_t removed = 0, idx;
            json_t *m;
            json_array_foreach(dropped, idx, m) removed +=
                count(a.data ? a.data : "", json_string_value(m));
            size_t after = count(b.data ? b.data : "", prefix);
            if (after + removed > before) {
                fprintf(stderr,
                        "FAIL %s: in {{#%s}}, an item without {{%s}} shows another's value\n",
                        tname, sh.frames[f].section, sh.names[n]);
            }
            CHECK(after + removed <= before);
            lists_checked++;
            buf_free(&a);
            buf_free(&b);
            json_decref(full);
            json_decref(holed);
            json_decref(none);
            json_decref(dropped);
        }
    }
    for (int i = 0; i < sh.nnames; i++)
        free(sh.names[i]);
    for (int f = 0; f < sh.nframes; f++)
        free(sh.frames[f].section);
}

TEST(no_item_borrows_a_value)
{
    tpl_set *set = tpl_load("templates");
    CHECK(set != NULL);
    if (!set) return;
    for (size_t i = 0; i < tpl_count(set); i++)
        check_template(set, tpl_name(set, i));
    CHECK(templates_checked > 30); /* the walk really saw the templates */
    CHECK(lists_checked > 100);    /* and the fields printed inside their lists */
    tpl_free(set);
}

int main(void)
{
    RUN(no_item_borrows_a_value);
    return unit_report();
}
