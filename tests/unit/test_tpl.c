/* Unit tests for the template engine: escaping by default, sections,
 * partials, raw output only where named, and compile errors. */
#include "core/tpl.h"
#include "unit.h"

#include <stdlib.h>
#include <string.h>

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
    CHECK_STR(s,
              "<p title=\"&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;co&#39;\">"
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
    char *s = render("{{#items}}<{{name}}/{{@title}}>{{/items}}", d);
    CHECK_STR(s, "<a/T><b/T>");
    free(s);
    /* Inside an item, a name the item lacks is empty: never the page's. */
    s = render("{{#items}}<{{name}}/{{title}}>{{/items}}", d);
    CHECK_STR(s, "<a/><b/>");
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

/* The bugs of issue 21 in miniature: an item without a field never shows
 * another item's value, whether the list sits inside a "list.0" test, an
 * object, or another list; flags and strings still reach their item. */
TEST(items_never_borrow)
{
    json_t *d = json_pack("{s:[{s:s, s:s}, {s:s}], s:s, s:b}", "places", "name", "A", "phone",
                          "04 00 00 00 01", "name", "B", "phone", "page phone", "today", 1);
    char *s = render("{{#places.0}}{{#places}}[{{name}} {{phone}}]{{/places}}{{/places.0}}", d);
    CHECK_STR(s, "[A 04 00 00 00 01][B ]");
    free(s);
    s = render("{{#places}}{{#phone}}<a href=\"tel:{{phone}}\">{{name}}</a>{{/phone}}{{/places}}",
               d);
    CHECK_STR(s, "<a href=\"tel:04 00 00 00 01\">A</a>");
    free(s);
    s = render("{{#places}}{{name}}{{#today}}!{{/today}}{{#@today}}*{{/@today}};{{/places}}", d);
    CHECK_STR(s, "A*;B*;");
    free(s);
    json_decref(d);
    /* Nested lists: the inner item does not reach the outer item. */
    d = json_pack("{s:[{s:s, s:[{s:s}, {}]}]}", "days", "today", "oui", "sessions", "full", "x");
    s = render("{{#days}}({{today}}){{#sessions}}<{{full}}{{today}}>{{/sessions}}{{/days}}", d);
    CHECK_STR(s, "(oui)<x><>");
    free(s);
    s = render("{{#days}}{{#sessions}}<{{full}}{{../today}}>{{/sessions}}{{/days}}", d);
    CHECK_STR(s, "<xoui><oui>");
    free(s);
    json_decref(d);
    /* An object is entered without a barrier: it describes the same thing as
     * its holder; inside a list within it, the barrier holds again. */
    d = json_pack("{s:s, s:{s:s, s:[{s:s}, {}]}}", "email", "page@x", "report", "message", "m",
                  "contacts", "email", "a@x");
    s = render("{{#report}}{{message}}|{{email}}|{{#contacts}}<{{email}}>{{/contacts}}{{/report}}",
               d);
    CHECK_STR(s, "m|page@x|<a@x><>");
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
    const char *missing[] = {"A{{> nowhere}}", "b", "c"};
    err = NULL;
    CHECK(tpl_compile_set(names, missing, 3, &err) == NULL);
    CHECK(err && strstr(err, "a.html: {{> nowhere}} names no template"));
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

/* {{_ …}}: in French (no catalogue) the message itself, escaped like text
 * (the apostrophe kept as typed), %s/%N$s replaced by escaped values, %d by
 * the count; French plural: 0 and 1 singular. */
TEST(translations)
{
    json_t *d =
        json_pack("{s:s, s:s, s:i, s:i, s:i, s:i, s:[i,i,i]}", "who", "<b>Mairie & co</b>", "where",
                  "Aurillac", "zero", 0, "one", 1, "two", 2, "big", 12345, "list", 1, 2, 3);
    char *s = render("{{_ \"Géré par %s\" who}}", d);
    CHECK_STR(s, "Géré par &lt;b&gt;Mairie &amp; co&lt;/b&gt;");
    free(s);
    s = render("<p title=\"{{_ \"L'aide <près> de %2$s, pour %1$s\" who where}}\">", d);
    CHECK_STR(
        s,
        "<p title=\"L'aide &lt;près&gt; de Aurillac, pour &lt;b&gt;Mairie &amp; co&lt;/b&gt;\">");
    free(s);
    s = render("{{_ \"100 %% gratuit\"}}", d);
    CHECK_STR(s, "100 % gratuit");
    free(s);
    s = render("{{_n zero \"%d lieu\" \"%d lieux\"}}|{{_n one \"%d lieu\" \"%d lieux\"}}|"
               "{{_n two \"%d lieu\" \"%d lieux\"}}|{{_n list \"%d lieu\" \"%d lieux\"}}",
               d);
    CHECK_STR(s, "0 lieu|1 lieu|2 lieux|3 lieux");
    free(s);
    s = render("{{_n big \"%d lieu à %s\" \"%d lieux à %s\" where}}", d);
    CHECK_STR(s, "12\u202f345 lieux à Aurillac");
    free(s);
    /* Inside a list item, the names are the item's. */
    json_t *items = json_pack("{s:[{s:s},{s:s}]}", "items", "n", "a", "n", "b");
    s = render("{{#items}}{{_ \"<%s>\" n}}{{/items}}", items);
    CHECK_STR(s, "&lt;a&gt;&lt;b&gt;");
    free(s);
    json_decref(items);
    json_decref(d);
}

/* {{_c "context" "message"}} reads as its message (never the context), and
 * a [link] inside a sentence becomes our markup around the translated words
 * with the escaped address of href= (a name, or a path written as is). */
TEST(contexts_and_links)
{
    json_t *d = json_pack("{s:s, s:s, s:s}", "distance", "3 km", "name", "<L'Arche>", "path",
                          "/lieux/1-a?x=\"1\"&y");
    char *s = render("{{_c \"distance\" \"À %s\" distance}}", d);
    CHECK_STR(s, "À 3 km");
    free(s);
    s = render("<p>{{_ \"Voir aussi [l'autre fiche de « %s »].\" name href=path}}</p>", d);
    CHECK_STR(s, "<p>Voir aussi <a href=\"/lieux/1-a?x=&quot;1&quot;&amp;y\">l'autre fiche de « "
                 "&lt;L&#39;Arche&gt; »</a>.</p>");
    free(s);
    s = render("{{_ \"Voir [les données] ici.\" href=/donnees#h-integrer}}", d);
    CHECK_STR(s, "Voir <a href=\"/donnees#h-integrer\">les données</a> ici.");
    free(s);
    /* An anchor or an outside address written in the template. */
    s = render("{{_ \"Dans le [champ avancé] plus bas.\" href=#f-hours}}", d);
    CHECK_STR(s, "Dans le <a href=\"#f-hours\">champ avancé</a> plus bas.");
    free(s);
    s = render("{{_ \"Saisir le [Défenseur].\" href=https://example.org/?a=1&b}}", d);
    CHECK_STR(s, "Saisir le <a href=\"https://example.org/?a=1&amp;b\">Défenseur</a>.");
    free(s);
    /* A link whose address is missing: its words alone. */
    s = render("{{_ \"Voir [la fiche].\" href=nowhere}}", d);
    CHECK_STR(s, "Voir la fiche.");
    free(s);
    /* Without href=, brackets are plain text. */
    s = render("{{_ \"[sic]\"}}", d);
    CHECK_STR(s, "[sic]");
    free(s);
    /* %N$s counts the count's %d too, as printf and msgfmt do: a
     * translation may put the name first ("%2$s" is the name here). */
    json_t *c = json_pack("{s:i, s:s}", "n", 3, "name", "Annecy");
    s = render("{{_n n \"%2$s : %1$d lieu\" \"%2$s : %1$d lieux\" name}}", c);
    CHECK_STR(s, "Annecy : 3 lieux");
    free(s);
    json_decref(c);
    /* `code` spans: ours, their words escaped, with arguments and a link. */
    s = render("{{_ \"Valeur `null` ou `a<b` pour %s, voir [la fiche].\" name href=path}}", d);
    CHECK_STR(s, "Valeur <code>null</code> ou <code>a&lt;b</code> pour &lt;L&#39;Arche&gt;, voir "
                 "<a href=\"/lieux/1-a?x=&quot;1&quot;&amp;y\">la fiche</a>.");
    free(s);
    json_decref(d);
}

TEST(translation_errors)
{
    const char *bad[] = {"{{_ \"never closed}}", "{{_ }}", "{{_ \"\"}}", "{{_n \"one\" \"many\"}}",
                         "{{_n n \"one\"}}", "{{_ \"m\" a b c d e f g}}", "{{_ \"m\" \"n\"}}",
                         /* a context without its message */
                         "{{_c \"ctx\"}}",
                         /* href= needs exactly one [link], in order */
                         "{{_ \"no link\" href=p}}", "{{_ \"[a] and [b]\" href=p}}",
                         "{{_ \"]a[\" href=p}}", "{{_ \"[a]\" href=p href=q}}",
                         "{{_ \"[a]\" href=}}",
                         /* code spans come in pairs */
                         "{{_ \"a `b\"}}"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char *err = NULL;
        const char *names[] = {"t"};
        const char *texts[] = {bad[i]};
        tpl_set *set = tpl_compile_set(names, texts, 1, &err);
        CHECK(set == NULL);
        CHECK(err && strstr(err, "t.html:1: a translation is"));
        free(err);
        tpl_free(set);
    }
}

int main(void)
{
    RUN(escaping);
    RUN(sections);
    RUN(items_never_borrow);
    RUN(errors);
    RUN(include_cycles);
    RUN(translations);
    RUN(contexts_and_links);
    RUN(translation_errors);
    return unit_report();
}
