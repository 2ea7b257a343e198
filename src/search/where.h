/*
 * where.h — "Où ?": the one resolver of a location typed or chosen by a
 * person, for every page that takes one: /lieux and its map, the API and
 * the downloads (through search_run), /ateliers and its feeds, the home
 * page, the carnet (/territoire/…/imprimer) and the embed (/embed/lieux).
 *
 * Pages pass the strings of the request (ou=, commune=) and a position
 * parsed with where_parse_position(); this module never sees the request.
 * The rules, in order:
 *  1. a position (lat=, lon=) wins: "votre position";
 *  2. commune= names a commune by INSEE code: the answer of a choice page;
 *  3. ou= is classified by geo_classify():
 *     - a postal code gives its communes (several: the person chooses); an
 *       all-digit INSEE code looks like one and is tried next;
 *     - a Corsican INSEE code gives its commune;
 *     - a département code gives the département;
 *     - text names a commune: "Grenoble (38)", as the suggestions and the
 *       labels write it, is the name within that département. One exact
 *       name resolves; several exact names (Saint-Denis) or several partial
 *       ones are offered as choices, by population, unless the most
 *       populated is WHERE_DOMINANT times the next (Valence, Drôme: chosen,
 *       the others offered as well); a text that names a département
 *       exactly ("Savoie", "La Réunion") is the département unless a commune
 *       of that département has that name (Paris);
 *     - the name may come with a postal code or a département number, in
 *       either order ("Rumilly 74150", "Rumilly 74", "74003 Annecy Cedex
 *       03"): the communes of that name are narrowed to it; a Cedex code
 *       (no commune has it) narrows to its département; "Cedex NN" is
 *       ignored;
 *     - a former commune (merged, délégée, associée) resolves to the
 *       commune it is part of today, saying so (note);
 *     - a name found nowhere is compared with every name of the same first
 *       letter: up to WHERE_MAX_SUGGESTIONS close spellings are offered
 *       ("Vouliez-vous dire Annecy ?", suggested), never picked silently;
 *     - a postal code of a collectivité d'outre-mer outside the gazetteer
 *       (97133 Saint-Barthélemy) says so rather than taking the commune
 *       whose INSEE code it happens to be;
 *  4. nothing found: a French message saying so, for the page to show.
 * Every page shows the choices of WHERE_CHOICE with links that add
 * commune=INSEE to its own parameters: no page picks a homonym silently.
 */
#ifndef REPERE_WHERE_H
#define REPERE_WHERE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/db.h"

enum {
    WHERE_MAX_TEXT = 100,      /* bytes of ou=; longer is refused */
    WHERE_MAX_CHOICES = 30,    /* communes offered on an ambiguous "Où ?" */
    WHERE_MAX_SUGGESTIONS = 5, /* close spellings offered for a name found nowhere */
    WHERE_DOMINANT = 10,       /* population ratio above which a homonym is meant */
};

/* What "Où ?" resolved to. */
typedef enum where_kind {
    WHERE_EMPTY,       /* nothing given */
    WHERE_COMMUNE,     /* a commune: its centre, INSEE code, EPCI and département */
    WHERE_DEPARTEMENT, /* a département (lat/lon: its population-weighted centre) */
    WHERE_POSITION,    /* a position given by the browser */
    WHERE_CHOICE,      /* several communes match: the person chooses (choices) */
    WHERE_UNKNOWN,     /* nothing matches, or the input is not valid (message) */
} where_kind;

/* One commune offered when the input is ambiguous. */
typedef struct where_choice {
    char insee[8];
    char name[128];
    char departement[4];
    char departement_name[64];
    char postal_codes[192]; /* space-separated */
} where_choice;

typedef struct where_result {
    where_kind kind;
    double lat, lon;       /* COMMUNE, DEPARTEMENT, POSITION */
    char name[128];        /* COMMUNE, DEPARTEMENT: "Aurillac", "Savoie" */
    char label[160];       /* "Aurillac (15)", "Savoie (73)", "votre position" */
    char insee[8];         /* COMMUNE */
    char epci[12];         /* COMMUNE: its EPCI's SIREN, "" when none */
    char departement[4];   /* COMMUNE, DEPARTEMENT */
    where_choice *choices; /* CHOICE: malloc'd, best first (by population) */
    size_t choice_count;
    char message[256]; /* UNKNOWN: for a person, in French */
    char note[256];    /* COMMUNE: what the resolution assumed, for a person
                          ("Cran-Gevrier fait partie aujourd'hui d'Annecy."), or "" */
    bool suggested;    /* CHOICE: close spellings of a name found nowhere
                          ("Vouliez-vous dire … ?"), not homonyms */
    /* COMMUNE with choices: the name had homonyms and this one is far more
     * populated than the others (at least WHERE_DOMINANT times the next):
     * its results are shown at once, the others offered ("Vous cherchiez une
     * autre Valence ?"); choices then holds the others. */
} where_result;

/* The strings of the request (NULL or "" when absent). */
typedef struct where_input {
    const char *text;    /* ou= as typed */
    const char *commune; /* commune=: INSEE code chosen on a choice page */
    bool has_position;   /* lat= and lon=, parsed by where_parse_position() */
    double lat, lon;
} where_input;

/*
 * Resolve "Où ?" with the rules above. Returns 0 with *out filled (any
 * kind), or -1 on a database error (logged). Free with where_result_free().
 */
int where_resolve(db *d, const where_input *in, where_result *out);
void where_result_free(where_result *w);

/* A point to measure distances from: a commune's centre or a position. */
bool where_has_point(const where_result *w);

/* lat= and lon= as decimal degrees within range. Returns false when either
 * is missing or not valid. */
bool where_parse_position(const char *lat, const char *lon, double *out_lat, double *out_lon);

#endif
