/*
 * test_rank.c — the rules of src/search/rank.c: synonym phrases with one
 * typo per long word, which places answer a query, and their order.
 */
#include "search/rank.h"
#include "unit.h"

#include <string.h>

static rank_synonym table[] = {
    {"emploi", 1, 2}, {"pole emploi", 2, 2},  {"france travail", 2, 2}, {"ordinateur", 1, 7},
    {"caf", 1, 0},    {"carte vitale", 2, 0}, {"carte", 1, -1},         {"aide", 1, -1},
};

static const rank_synonym *match(const char *words, bool *typo)
{
    static char copy[128];
    static char *tokens[16];
    size_t n = 0;
    strcpy(copy, words);
    for (char *t = strtok(copy, " "); t && n < 16; t = strtok(NULL, " "))
        tokens[n++] = t;
    return rank_match_synonym(table, sizeof table / sizeof table[0], tokens, n, typo);
}

TEST(synonyms_with_typos)
{
    bool typo = false;
    const rank_synonym *s = match("pole emploi sain bel", &typo);
    CHECK(s && strcmp(s->phrase, "pole emploi") == 0 && !typo); /* longest phrase */
    s = match("ordinatuer", &typo);
    CHECK(s && strcmp(s->phrase, "ordinateur") == 0 && typo); /* two neighbours swapped */
    s = match("ordinateu", &typo);
    CHECK(s && typo); /* one letter missing */
    s = match("carte vitalle", &typo);
    CHECK(s && strcmp(s->phrase, "carte vitale") == 0 && typo);
    s = match("carte grise", &typo);
    CHECK(s && strcmp(s->phrase, "carte") == 0 && !typo);
    s = match("france travial", &typo);
    CHECK(s && strcmp(s->phrase, "france travail") == 0 && typo);
    CHECK(match("cafe", &typo) == NULL);        /* short words must be exact */
    CHECK(match("xrdinateur", &typo) == NULL);  /* the first letter must be right */
    CHECK(match("ordinatrice", &typo) == NULL); /* two letters off */
}

TEST(who_answers)
{
    /* With an interpretation: the need or the words. */
    CHECK(rank_keep(true, true, true, false));
    CHECK(rank_keep(true, false, true, true));
    CHECK(!rank_keep(true, false, true, false));
    /* Words without interpretation: the words. */
    CHECK(rank_keep(true, true, false, false));
    CHECK(!rank_keep(true, false, false, false));
    /* Nothing typed: every place. */
    CHECK(rank_keep(false, false, false, false));
}

TEST(order)
{
    CHECK(rank_tier_of(true, true) == RANK_NAME);
    CHECK(rank_tier_of(false, true) == RANK_TEXT);
    CHECK(rank_tier_of(false, false) == RANK_NEED);
    /* A name match 30 km away before a need match next door. */
    CHECK(rank_compare(RANK_NAME, 30, 0.2, 1, RANK_NEED, 0.1, 0, 2) < 0);
    CHECK(rank_compare(RANK_TEXT, 30, 0.2, 1, RANK_NAME, 40, 0.1, 2) > 0);
    /* Same tier: closer first, then relevance, then id. */
    CHECK(rank_compare(RANK_NEED, 1, 0, 9, RANK_NEED, 2, 0, 1) < 0);
    CHECK(rank_compare(RANK_TEXT, -1, 0.9, 9, RANK_TEXT, -1, 0.5, 1) < 0);
    CHECK(rank_compare(RANK_TEXT, -1, 0.5, 1, RANK_TEXT, -1, 0.5, 2) < 0);
}

int main(void)
{
    RUN(synonyms_with_typos);
    RUN(who_answers);
    RUN(order);
    return unit_report();
}
