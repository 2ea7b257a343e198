/*
 * rank.h — what a query means and in which order places answer it.
 *
 * A query is words. Some of them name a need through the synonym table
 * (data/synonyms.tsv: "CAF" → Aide aux démarches administratives): that is
 * an *interpretation*, shown to the person with a link to drop it, used to
 * find and rank places — never a reason to hide a place whose name or text
 * matches the words. The rules, owned here and called by search.c:
 *
 *  - synonym phrases are matched on whole words, the longest phrase first;
 *    a word of 5 letters or more may carry one typo (one letter added,
 *    missing, wrong, or two neighbours swapped: "ordinatuer", "alocations"),
 *    the first letter right; an exact phrase beats a phrase with a typo;
 *  - every word that is not a filler ("je", "veux", "aide") is searched in
 *    the text, the words of a need included, so that "Pôle emploi" finds the
 *    places named so; a word recognised only through a typo is not (its
 *    misspelling is in no text);
 *  - which places answer: with an interpretation, those that offer the need
 *    *or* match the words; without one, those that match the words; without
 *    words, every place;
 *  - the order (rank_compare_hits): name match first (the words appear in
 *    the place's name), then the other text matches, then the places found
 *    only through the need; among the places the words match, the chosen
 *    commune's first; then by distance, shortened by up to a third by text
 *    relevance; without a position, by relevance.
 *
 * search.c adds one rule of its own that uses the tiers: a place whose name
 * matches is included up to RANK_NAME_RADIUS_KM around the chosen point, or
 * anywhere in its département, whatever radius the other places needed.
 */
#ifndef REPERE_RANK_H
#define REPERE_RANK_H

#include <stdbool.h>
#include <stddef.h>

enum {
    RANK_TYPO_MIN_LETTERS = 5, /* shorter words must be exact ("caf", "rsa", "ent") */
    RANK_NAME_RADIUS_KM = 50,  /* name matches are listed this far from the point */
};

/* Tiers, best last (a higher tier ranks first). */
typedef enum rank_tier {
    RANK_NEED = 0, /* only through the interpretation (or no words at all) */
    RANK_TEXT = 1, /* the words match the place's text, not its name */
    RANK_NAME = 2, /* the words match the place's name */
} rank_tier;

/* One line of the synonym table. */
typedef struct rank_synonym {
    char *phrase; /* folded words, one space between them */
    size_t words;
    int service; /* index in the services vocabulary, -1: a filler word */
} rank_synonym;

/*
 * The longest synonym phrase that starts at tokens[0] (count tokens, each a
 * folded word), tolerating one typo per word of RANK_TYPO_MIN_LETTERS or
 * more; among phrases of the same length an exact one wins. Returns NULL
 * when none; *typo tells whether the phrase matched only through a typo.
 */
const rank_synonym *rank_match_synonym(const rank_synonym *list, size_t n, char *const *tokens,
                                       size_t count, bool *typo);

/* Is a place among the answers? See the rules above. */
bool rank_keep(bool has_words, bool text_match, bool has_need, bool need_match);

/* The tier of a place that is kept. */
rank_tier rank_tier_of(bool name_match, bool text_match);

/* What the order of two hits depends on (search.c keeps its own hit type). */
typedef struct rank_key {
    int tier;         /* rank_tier */
    bool in_commune;  /* in the commune chosen in « Où ? » */
    double distance;  /* km, < 0 when no position */
    double relevance; /* 0..1 text relevance */
    long long id;
} rank_key;

/*
 * Order of two hits: tier (higher first), then, when the words match, the
 * places of the chosen commune (several communes may share an estimated
 * centre: Ozan's mairie before its neighbours'), then distance shortened by relevance when either
 * has one, then relevance, then id.
 */
int rank_compare(const rank_key *a, const rank_key *b);

#endif
