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

static int cmp(int tier_a, bool in_a, double dist_a, double rel_a, long long id_a, int tier_b,
               bool in_b, double dist_b, double rel_b, long long id_b)
{
    rank_key a = {tier_a, in_a, dist_a, rel_a, id_a}, b = {tier_b, in_b, dist_b, rel_b, id_b};
    return rank_compare(&a, &b);
}

TEST(order)
{
    CHECK(rank_tier_of(true, true) == RANK_NAME);
    CHECK(rank_tier_of(false, true) == RANK_TEXT);
    CHECK(rank_tier_of(false, false) == RANK_NEED);
    /* A name match 30 km away before a need match next door. */
    CHECK(cmp(RANK_NAME, false, 30, 0.2, 1, RANK_NEED, true, 0.1, 0, 2) < 0);
    CHECK(cmp(RANK_TEXT, true, 30, 0.2, 1, RANK_NAME, false, 40, 0.1, 2) > 0);
    /* Same tier: the chosen commune's first, then closer, relevance, id. */
    CHECK(cmp(RANK_NAME, true, 3, 0, 9, RANK_NAME, false, 1, 0, 1) < 0);
    CHECK(cmp(RANK_NEED, true, 3, 0, 9, RANK_NEED, false, 1, 0, 1) >
          0); /* a plain list: distance */
    CHECK(cmp(RANK_NEED, false, 1, 0, 9, RANK_NEED, false, 2, 0, 1) < 0);
    CHECK(cmp(RANK_TEXT, false, -1, 0.9, 9, RANK_TEXT, false, -1, 0.5, 1) < 0);
    CHECK(cmp(RANK_TEXT, false, -1, 0.5, 1, RANK_TEXT, false, -1, 0.5, 2) < 0);
}

int main(void)
{
    RUN(synonyms_with_typos);
    RUN(who_answers);
    RUN(order);
    return unit_report();
}
