/*
 * rank.c — see rank.h for what and why.
 */
#include "search/rank.h"
#include "geo/geo.h"

#include <string.h>

/* Does the typed word stand for the expected one (len bytes, not
 * NUL-terminated)? Exact, or one typo when both are long enough. */
static bool word_matches(const char *expected, size_t len, const char *typed, bool *typo)
{
    size_t n = strlen(typed);
    if (n == len && memcmp(expected, typed, len) == 0) return true;
    if (len < RANK_TYPO_MIN_LETTERS || n < RANK_TYPO_MIN_LETTERS || len > 63) return false;
    if (expected[0] != typed[0]) return false;
    char word[64];
    memcpy(word, expected, len);
    word[len] = '\0';
    if (geo_edit_distance(word, typed, 1) > 1) return false;
    *typo = true;
    return true;
}

const rank_synonym *rank_match_synonym(const rank_synonym *list, size_t n, char *const *tokens,
                                       size_t count, bool *typo)
{
    const rank_synonym *best = NULL;
    bool best_typo = false;
    for (size_t k = 0; k < n; k++) {
        const rank_synonym *s = &list[k];
        if (s->words > count || s->words == 0) continue;
        if (best && (s->words < best->words || (s->words == best->words && !best_typo))) continue;
        const char *p = s->phrase;
        bool ok = true, with_typo = false;
        for (size_t w = 0; w < s->words && ok; w++) {
            size_t len = strcspn(p, " ");
            ok = word_matches(p, len, tokens[w], &with_typo);
            p += len + (p[len] == ' ');
        }
        if (!ok) continue;
        if (best && s->words == best->words && with_typo) continue; /* exact beats typo */
        best = s;
        best_typo = with_typo;
    }
    *typo = best_typo;
    return best;
}

bool rank_keep(bool has_words, bool text_match, bool has_need, bool need_match)
{
    if (has_need) return need_match || text_match;
    if (has_words) return text_match;
    return true;
}

rank_tier rank_tier_of(bool name_match, bool text_match)
{
    if (name_match) return RANK_NAME;
    if (text_match) return RANK_TEXT;
    return RANK_NEED;
}

int rank_compare(const rank_key *a, const rank_key *b)
{
    if (a->tier != b->tier) return a->tier > b->tier ? -1 : 1;
    /* Among places the words match, the chosen commune's first; the others
     * (needs only, or no words: a plain list) by distance alone. */
    if (a->tier > RANK_NEED && a->in_commune != b->in_commune) return a->in_commune ? -1 : 1;
    if (a->distance >= 0 || b->distance >= 0) {
        /* closer first; relevance shortens the distance by up to a third */
        double ka = a->distance / (1.0 + 0.5 * a->relevance);
        double kb = b->distance / (1.0 + 0.5 * b->relevance);
        if (ka != kb) return ka < kb ? -1 : 1;
    }
    if (a->relevance != b->relevance) return a->relevance > b->relevance ? -1 : 1;
    return (a->id > b->id) - (a->id < b->id);
}
