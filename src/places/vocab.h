/*
 * vocab.h — the national vocabularies of the digital-mediation places schema
 * (v1.0.2), as data: the exact strings, plain-French labels for people, the
 * lenient lookup used on input, and the mapping of the older flat format
 * (v0.1) onto them.
 *
 * Every string returned by this module is static: never free it.
 */
#ifndef REPERE_VOCAB_H
#define REPERE_VOCAB_H

#include <stdbool.h>
#include <stddef.h>

/* One closed list of the schema. */
typedef enum vocab_kind {
    VOCAB_SERVICES,      /* services */
    VOCAB_PUBLICS,       /* publics_specifiquement_adresses */
    VOCAB_SUPPORT,       /* prise_en_charge_specifique */
    VOCAB_FEES,          /* frais_a_charge */
    VOCAB_ITINERANCE,    /* itinerance */
    VOCAB_ACCESS_MODES,  /* modalites_acces */
    VOCAB_SUPPORT_MODES, /* modalites_accompagnement */
    VOCAB_PROGRAMMES,    /* dispositif_programmes_nationaux */
    VOCAB_LABELS,        /* formations_labels */
    VOCAB_TYPOLOGIE,     /* typologie (data·inclusion structure codes) */
    VOCAB_KIND_COUNT
} vocab_kind;

/* One value: the exact schema string and a short label for people. */
typedef struct vocab_entry {
    const char *value; /* exact string of the schema, emitted on export */
    const char *label; /* plain French for filters and badges */
} vocab_entry;

/* The entries of a vocabulary, in the schema's order; *count receives their number. */
const vocab_entry *vocab_entries(vocab_kind kind, size_t *count);

/* The schema's field name ("services", "frais_a_charge"…). */
const char *vocab_field(vocab_kind kind);

/*
 * The exact schema string for `value`, or NULL when it is not in the
 * vocabulary. Lenient on what producers really publish: case, accents,
 * punctuation and spacing differences ("Comprehension du monde numerique",
 * "Étapes numériques(La Poste)"), and for modalites_accompagnement the long
 * descriptive labels ("Accompagnement individuel : …").
 */
const char *vocab_canonical(vocab_kind kind, const char *value);

/* The label for people of an exact schema value; the value itself when unknown. */
const char *vocab_label(vocab_kind kind, const char *value);

/*
 * Split a multi-valued cell on '|' or ';' (the schema's separator and the
 * one seen in older files), trimming blanks and skipping empty items.
 * Calls fn(item, ctx) for each item (item is a NUL-terminated copy, valid
 * during the call only).
 */
void vocab_split(const char *cell, void (*fn)(const char *item, void *ctx), void *ctx);

/* ---- The older flat format (v0.1) ---- */

/* The v0.1 fields whose values are mapped onto v1 vocabularies. */
typedef enum vocab_legacy_field {
    VOCAB_LEGACY_SERVICES,         /* services */
    VOCAB_LEGACY_PUBLICS,          /* publics_accueillis */
    VOCAB_LEGACY_CONDITIONS,       /* conditions_acces */
    VOCAB_LEGACY_SUPPORT_MODES,    /* modalites_accompagnement */
    VOCAB_LEGACY_LABELS_NATIONAUX, /* labels_nationaux */
    VOCAB_LEGACY_LABELS_AUTRES,    /* labels_autres */
} vocab_legacy_field;

/* Facts that the v0.1 lists carry and v1 has no vocabulary for. */
typedef enum vocab_fact {
    VOCAB_FACT_NONE = 0,
    VOCAB_FACT_ALL_PUBLIC,       /* "Adultes": tout public, nothing to record */
    VOCAB_FACT_PASS_ACCEPTED,    /* "Accepte le Pass numérique", label APTIC */
    VOCAB_FACT_PASS_DISTRIBUTED, /* "Distribue des Pass numériques" */
    VOCAB_FACT_MEMBERSHIP,       /* "Adhésion : …" → Payant + "Adhésion requise" */
    VOCAB_FACT_FOR_YOU,          /* "A ma place : …" → fait les démarches à votre place */
} vocab_fact;

/* Where one v0.1 value goes. */
typedef struct vocab_mapping {
    vocab_kind kind;   /* target vocabulary; meaningful when value != NULL */
    const char *value; /* exact v1 string, or NULL when the value maps to a fact only */
    vocab_fact fact;
    bool approximate; /* best mapping only (keep the original wording, warn) */
} vocab_mapping;

/*
 * Map one v0.1 value (one item of a ';' list). Accepts the long labels
 * ("Gratuit : Je peux accéder…") by their part before " : ", and the exact
 * v1 strings too. Returns false when the value is unknown: the caller
 * decides (labels go to autres_formations_labels, the rest is dropped with a
 * warning).
 */
bool vocab_map_legacy(vocab_legacy_field field, const char *value, vocab_mapping *out);

/* For the unit test that checks every alias table entry is written folded. */
size_t vocab_alias_count(void);
const char *vocab_alias_folded(size_t i);

/* The columns of the national schema v1.0.2 (CSV header, JSON keys), in order. */
enum { VOCAB_COLUMN_COUNT = 32 };
extern const char *const VOCAB_COLUMNS[VOCAB_COLUMN_COUNT];

#endif
