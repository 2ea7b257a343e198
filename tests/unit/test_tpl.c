/* Unit tests for the template engine: escaping by default, sections,
 * partials, raw output only where named, and compile errors. */
#include "tpl.h"
#include "unit.h"

#include <stdlib.h>

static char *render(const char *text, json_t *data)
{
    const char *names[] = {"t", "p"};
    const char *texts[] = {text, "[{{name}}]"};
    char *err = NULL;
    tpl_set *set = tpl_compile_set(names, texts, 2, &err);
    if (!set) return err;
    buf out = {0};
    tpl_render(set, "t", data, &out);
    tpl_free(set);
    return buf_steal(&out);
}

TEST(escaping)
{
    json_t *d = json_pack("{s:s, s:s}", "name", "<script>alert(\"x\")</script> & 'co'", "q",
                          "démarches CAF&x=1");
    char *s = render("<p title=\"{{name}}\">{{name}}</p>", d);
    CHECK_STR(s, "<p title=\"&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;co&#39;\">"
                 "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;co&#39;</p>");
    free(s);
    s = render("/lieux?q={{url q}}", d);
    CHECK_STR(s, "/lieux?q=d%C3%A9marches%20CAF%26x%3D1");
    free(s);
    s = render("{{raw name}}", d);
    CHECK_STR(s, "<script>alert(\"x\")</script> & 'co'");
    free(s);
    json_decref(d);
}

TEST(sections)
{
    json_t *d = json_pack("{s:[{s:s},{s:s}], s:b, s:s, s:[], s:{s:i}, s:f}", "items", "name", "a",
                          "name", "b", "flag", 0, "title", "T", "none", "obj", "n", 7, "x", 2.5);
    char *s = render("{{#items}}<{{name}}/{{title}}>{{/items}}", d);
    CHECK_STR(s, "<a/T><b/T>");
    free(s);
    s = render("{{#flag}}yes{{/flag}}{{^flag}}no{{/flag}}{{^none}}empty{{/none}}", d);
    CHECK_STR(s, "noempty");
    free(s);
    s = render("{{#obj}}{{n}}{{/obj}} {{obj.n}} {{x}} {{missing.deep}}", d);
    CHECK_STR(s, "7 7 2.5 ");
    free(s);
    s = render("{{#items.0}}has{{/items.0}}{{^none.0}} none{{/none.0}} {{items.1.name}}", d);
    CHECK_STR(s, "has none b");
    free(s);
    s = render("{{#items}}{{> p}}{{/items}}{{! a comment }}", d);
    CHECK_STR(s, "[a][b]");
    free(s);
    json_decref(d);
}

TEST(errors)
{
    char *s = render("{{#a}}x", NULL);
    CHECK(strstr(s, "never closed") != NULL);
    free(s);
    s = render("{{#a}}x{{/b}}", NULL);
    CHECK(strstr(s, "closes nothing") != NULL);
    free(s);
    s = render("x {{ y", NULL);
    CHECK(strstr(s, "unclosed") != NULL);
    free(s);
}

TEST(include_cycles)
{
    const char *names[] = {"a", "b", "c"};
    const char *cyclic[] = {"A{{> b}}", "B{{> c}}", "C{{> a}}"};
    char *err = NULL;
    CHECK(tpl_compile_set(names, cyclic, 3, &err) == NULL);
    CHECK(err && strstr(err, "includes itself"));
    free(err);
    const char *self[] = {"{{#x}}{{> a}}{{/x}}", "b", "c"};
    err = NULL;
    CHECK(tpl_compile_set(names, self, 3, &err) == NULL);
    free(err);
    const char *fine[] = {"{{> b}}{{> c}}", "{{> c}}", "C"};
    err = NULL;
    tpl_set *set = tpl_compile_set(names, fine, 3, &err);
    CHECK(set != NULL);
    buf out = {0};
    tpl_render(set, "a", NULL, &out);
    CHECK_STR(out.data, "CC");
    buf_free(&out);
    tpl_free(set);
}

int main(void)
{
    RUN(escaping);
    RUN(sections);
    RUN(errors);
    RUN(include_cycles);
    return unit_report();
}
