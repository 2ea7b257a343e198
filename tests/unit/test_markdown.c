/*
 * test_markdown.c — descriptions: safe rendering, link allow-list, images,
 * raw HTML, and the limits that keep cmark 0.30.2 out of its quadratic cases.
 */
#include "core/markdown.h"
#include "unit.h"
#include "core/util.h"

#include <stdlib.h>

/* Render, expecting success. Caller frees. */
static char *render(const char *md)
{
    char *error = NULL;
    char *html = md_render(md, strlen(md), &error);
    if (!html) fprintf(stderr, "unexpected error: %s\n", error ? error : "(none)");
    free(error);
    return html ? html : xstrdup("");
}

TEST(normal_markdown)
{
    char *html = render("Bienvenue à l'*EPN* !\n\n- ateliers **gratuits**\n- accès libre\n\n"
                        "Voir [notre site](https://example.fr/epn) ou "
                        "[écrire](mailto:epn@example.fr), [appeler](tel:+33479311919), "
                        "[horaires](/lieux/12#horaires).");
    CHECK(strstr(html, "<em>EPN</em>") != NULL);
    CHECK(strstr(html, "<ul>") != NULL);
    CHECK(strstr(html, "<li>ateliers <strong>gratuits</strong></li>") != NULL);
    CHECK(strstr(html, "<a href=\"https://example.fr/epn\">notre site</a>") != NULL);
    CHECK(strstr(html, "<a href=\"mailto:epn@example.fr\">") != NULL);
    CHECK(strstr(html, "<a href=\"tel:+33479311919\">") != NULL);
    CHECK(strstr(html, "<a href=\"/lieux/12#horaires\">") != NULL);
    free(html);
}

TEST(dangerous_links_neutralised)
{
    const char *cases[] = {
        "[clic](javascript:alert(1))",
        "[clic](JaVaScRiPt:alert(1))",
        "[clic](&#106;avascript:alert(1))",
        "[clic](intent://scan/#Intent;scheme=zxing;end)",
        "[clic](//evil.example/x)",
        "[clic](data:text/html;base64,PHNjcmlwdD4=)",
        "[clic](vbscript:msgbox)",
        "[clic](/\\evil.example)",
        "<javascript:alert(1)>",
        "[clic][r]\n\n[r]: intent://evil",
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        char *html = render(cases[i]);
        CHECK(strstr(html, "<a") == NULL);
        CHECK(strstr(html, "evil.example\"") == NULL);
        if (i < 8) CHECK(strstr(html, "clic") != NULL); /* the text stays */
        free(html);
    }
    CHECK(md_url_allowed("https://ok.example"));
    CHECK(md_url_allowed("page.html"));
    CHECK(md_url_allowed("?q=1"));
    CHECK(!md_url_allowed(""));
    CHECK(!md_url_allowed("java\tscript:alert(1)"));
    CHECK(!md_url_allowed("ftp://files.example"));
}

TEST(raw_html_dropped)
{
    char *html =
        render("Avant <script>alert(1)</script> après\n\n<div onclick=\"x()\">bloc</div>\n\n"
               "<img src=x onerror=alert(1)>");
    CHECK(strstr(html, "<script") == NULL);
    CHECK(strstr(html, "<div") == NULL);
    CHECK(strstr(html, "onerror") == NULL);
    CHECK(strstr(html, "raw HTML omitted") == NULL);
    CHECK(strstr(html, "Avant") != NULL && strstr(html, "après") != NULL);
    free(html);
}

TEST(images_dropped_alt_kept)
{
    char *html = render("![Plan d'accès](https://example.fr/plan.png) et "
                        "![pixel](data:image/png;base64,AAAA) "
                        "[![logo](https://example.fr/l.png)](https://example.fr)");
    CHECK(strstr(html, "<img") == NULL);
    CHECK(strstr(html, "Plan d’accès") != NULL || strstr(html, "Plan d'accès") != NULL ||
          strstr(html, "Plan d&#39;accès") != NULL);
    CHECK(strstr(html, "pixel") != NULL);
    CHECK(strstr(html, "<a href=\"https://example.fr\">logo</a>") != NULL);
    free(html);
}

TEST(limits)
{
    char *big = xmalloc(20 * 1024 + 1);
    memset(big, 'a', 20 * 1024);
    big[20 * 1024] = '\0';
    char *error = NULL;
    CHECK(md_render(big, strlen(big), &error) == NULL);
    CHECK(error && strstr(error, "trop longue"));
    free(error);
    free(big);

    const char *nested = "> > > > > > > > > > trop profond\n";
    error = NULL;
    CHECK(md_render(nested, strlen(nested), &error) == NULL);
    CHECK(error && strstr(error, "imbrique"));
    free(error);

    const char *lists = "intro\n\n- - - - - - - - - item\n";
    error = NULL;
    CHECK(md_render(lists, strlen(lists), &error) == NULL);
    free(error);

    /* eight levels is still fine */
    char *ok = render("> > > > > > > > huit\n");
    CHECK(strstr(ok, "huit") != NULL);
    free(ok);

    /* invalid UTF-8 is replaced, not passed through */
    char *bad = render("caf\xC3 ok");
    CHECK(utf8_valid(bad, strlen(bad)));
    free(bad);
}

/* A caller that only needs to know whether it rendered may pass no error
 * slot: a refusal is then NULL without a message, never a crash. */
TEST(error_slot_optional)
{
    char *html = md_render("*ok*", 4, NULL);
    CHECK(html && strstr(html, "<em>ok</em>") != NULL);
    free(html);
    char *big = xmalloc(MD_MAX_BYTES + 2);
    memset(big, 'a', MD_MAX_BYTES + 1);
    big[MD_MAX_BYTES + 1] = '\0';
    CHECK(md_render(big, MD_MAX_BYTES + 1, NULL) == NULL);
    free(big);
    const char *deep = "> > > > > > > > > trop\n";
    CHECK(md_render(deep, strlen(deep), NULL) == NULL);
}

int main(void)
{
    RUN(normal_markdown);
    RUN(dangerous_links_neutralised);
    RUN(raw_html_dropped);
    RUN(images_dropped_alt_kept);
    RUN(limits);
    RUN(error_slot_optional);
    return unit_report();
}
