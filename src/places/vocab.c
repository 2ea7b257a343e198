/*
 * vocab.c — the national vocabularies (schema v1.0.2) and the v0.1 → v1
 * mappings, as tables. See vocab.h and docs/import.md.
 *
 * Lookups compare folded strings (text_fold: lowercase, no accents, one
 * space between words), so "Comprehension du monde numerique" and
 * "Étapes numériques(La Poste)" find their exact schema string. The alias
 * tables below are written already folded; a unit test checks that they are.
 */
#include "places/vocab.h"
#include "core/util.h"
#include "core/i18n.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* ---- the v1.0.2 vocabularies, in the schema's order ---- */

static const vocab_entry SERVICES[] = {
    {"Aide aux démarches administratives", N_("Démarches administratives")},
    {"Maîtrise des outils numériques du quotidien", N_("Utiliser un ordinateur, un smartphone")},
    {"Insertion professionnelle via le numérique", N_("Emploi et formation")},
    {"Utilisation sécurisée du numérique", N_("Sécurité en ligne, arnaques")},
    {"Parentalité et éducation avec le numérique", N_("Parents, enfants et écrans")},
    {"Loisirs et créations numériques", N_("Loisirs et création")},
    {"Compréhension du monde numérique", N_("Comprendre le numérique")},
    {"Accès internet et matériel informatique", N_("Ordinateur et internet sur place")},
    {"Acquisition de matériel informatique à prix solidaire", N_("Ordinateur à petit prix")},
};

static const vocab_entry PUBLICS[] = {
    {"Jeunes", N_("Jeunes")},
    {"Étudiants", N_("Étudiants")},
    {"Familles et/ou enfants", N_("Familles, enfants")},
    {"Seniors", N_("Seniors")},
    {"Femmes", N_("Femmes")},
};

static const vocab_entry SUPPORT[] = {
    {"Surdité", N_("Personnes sourdes ou malentendantes")},
    {"Handicaps moteurs", N_("Handicap moteur")},
    {"Handicaps mentaux", N_("Handicap mental ou psychique")},
    {"Illettrisme", N_("Difficultés à lire et écrire")},
    {"Langues étrangères (anglais)", N_("Accueil en anglais")},
    {"Langues étrangères (autres)", N_("Accueil dans d'autres langues")},
    {"Déficience visuelle", N_("Personnes aveugles ou malvoyantes")},
};

static const vocab_entry FEES[] = {
    {"Gratuit", N_("Gratuit")},
    {"Gratuit sous condition", N_("Gratuit sous conditions")},
    {"Payant", N_("Payant")},
};

static const vocab_entry ITINERANCE[] = {
    {"Itinérant", N_("Se déplace (itinérant)")},
    {"Fixe", N_("Lieu fixe")},
};

static const vocab_entry ACCESS_MODES[] = {
    {"Se présenter", N_("Venir sur place")},
    {"Téléphoner", N_("Téléphoner")},
    {"Contacter par mail", N_("Écrire un e-mail")},
    {"Prendre un RDV en ligne", N_("Prendre rendez-vous en ligne")},
    {"Ce lieu n'accueille pas de public", N_("N'accueille pas de public")},
    {"Envoyer un mail avec une fiche de prescription",
     N_("Sur orientation (fiche de prescription)")},
};

static const vocab_entry SUPPORT_MODES[] = {
    {"En autonomie", N_("Seul, avec du matériel à disposition")},
    {"Accompagnement individuel", N_("Accompagné individuellement")},
    {"Dans un atelier collectif", N_("En atelier collectif")},
    {"À distance", N_("À distance")},
};

static const vocab_entry PROGRAMMES[] = {
    {"Aidants Connect", N_("Aidants Connect")},
    {"Bibliothèques numérique de référence", N_("Bibliothèque numérique de référence")},
    {"Certification PIX", N_("Certification Pix")},
    {"Conseillers numériques", N_("Conseiller numérique")},
    {"Emmaüs Connect", N_("Emmaüs Connect")},
    {"France Services", N_("France Services")},
    {"Grande école du numérique", N_("Grande école du numérique")},
    {"La Croix Rouge", N_("Croix-Rouge")},
    {"Point d'accès numérique CAF", N_("Point d'accès numérique CAF")},
    {"Promeneurs du net", N_("Promeneurs du net")},
    {"Relais numérique (Emmaüs Connect)", N_("Relais numérique Emmaüs Connect")},
};

static const vocab_entry LABELS[] = {
    {"Formé à « Mon Espace Santé »", N_("Formé à Mon Espace Santé")},
    {"Formé à « DUPLEX » (illettrisme)", N_("Formé à DUPLEX (illettrisme)")},
    {"Arnia/MedNum BFC (Bourgogne-Franche-Comté)", N_("Arnia / MedNum BFC")},
    {"Collectif ressources et acteurs réemploi (Normandie)", N_("Collectif réemploi (Normandie)")},
    {"Étapes numériques (La Poste)", N_("Étapes numériques (La Poste)")},
    {"Fabriques de Territoire", N_("Fabrique de territoire")},
    {"Les Éclaireurs du numérique (Drôme)", N_("Les Éclaireurs du numérique")},
    {"Mes Papiers (Métropole de Lyon)", N_("Mes Papiers (Lyon)")},
    {"ORDI 3.0", N_("ORDI 3.0")},
    {"SUD LABS (PACA)", N_("Sud Labs (PACA)")},
};

/* data·inclusion structure codes; words for people, never the code alone. */
static const vocab_entry TYPOLOGIE[] = {
    {"ACI", N_("Atelier et chantier d'insertion")},
    {"ACIPHC", N_("Chantier d'insertion (premières heures)")},
    {"AFPA", N_("AFPA (formation professionnelle des adultes)")},
    {"AI", N_("Association intermédiaire")},
    {"ASE", N_("Aide sociale à l'enfance")},
    {"ASSO", N_("Association")},
    {"ASSO_CHOMEUR", N_("Association de chômeurs")},
    {"Autre", N_("Autre")},
    {"AVIP", N_("Crèche à vocation d'insertion professionnelle")},
    {"BIB", N_("Médiathèque / bibliothèque")},
    {"CAARUD", N_("Accueil et réduction des risques (drogues)")},
    {"CADA", N_("Centre d'accueil de demandeurs d'asile")},
    {"CAF", N_("Caisse d'allocations familiales (CAF)")},
    {"CAP_EMPLOI", N_("Cap emploi")},
    {"CAVA", N_("Centre d'adaptation à la vie active")},
    {"CC", N_("Communauté de communes")},
    {"CCAS", N_("Centre communal d'action sociale")},
    {"CCONS", N_("Chambre consulaire")},
    {"CD", N_("Conseil départemental")},
    {"CDAS", N_("Centre départemental d'action sociale")},
    {"CFP", N_("Centre des finances publiques")},
    {"CHRS", N_("Centre d'hébergement et de réinsertion sociale")},
    {"CHU", N_("Centre d'hébergement d'urgence")},
    {"CIAS", N_("Centre intercommunal d'action sociale")},
    {"CIDFF", N_("Information sur les droits des femmes et des familles")},
    {"CITMET", N_("Cité des métiers")},
    {"CMP", N_("Centre médico-psychologique")},
    {"CMS", N_("Centre médico-social")},
    {"CPAM", N_("Assurance maladie (CPAM)")},
    {"CPH", N_("Centre provisoire d'hébergement")},
    {"CS", N_("Centre social")},
    {"CSAPA", N_("Centre de soins en addictologie")},
    {"CSC", N_("Centre social")},
    {"DEETS", N_("Direction de l'emploi, du travail et des solidarités")},
    {"DEPT", N_("Services sociaux du département")},
    {"DIPLP", N_("Délégation à la lutte contre la pauvreté")},
    {"E2C", N_("École de la deuxième chance")},
    {"EA", N_("Entreprise adaptée")},
    {"EATT", N_("Entreprise adaptée de travail temporaire")},
    {"EI", N_("Entreprise d'insertion")},
    {"EITI", N_("Entreprise d'insertion par le travail indépendant")},
    {"ENM", N_("Espace numérique mobile")},
    {"EPCI", N_("Intercommunalité")},
    {"EPI", N_("Espace public internet")},
    {"EPIDE", N_("Établissement pour l'insertion dans l'emploi")},
    {"EPN", N_("Espace public numérique")},
    {"ES", N_("Épicerie solidaire")},
    {"ESAT", N_("Établissement d'aide par le travail (ESAT)")},
    {"ESS", N_("Entreprise de l'économie sociale et solidaire")},
    {"ETTI", N_("Entreprise de travail temporaire d'insertion")},
    {"EVS", N_("Espace de vie sociale")},
    {"FABLAB", N_("Fablab (atelier de fabrication)")},
    {"FABRIQUE", N_("Fabrique de territoire")},
    {"FAIS", N_("Fédération d'acteurs de l'insertion et de la solidarité")},
    {"FT", N_("France Travail")},
    {"GEIQ", N_("Groupement d'employeurs pour l'insertion")},
    {"HUDA", N_("Hébergement d'urgence pour demandeurs d'asile")},
    {"LA_POSTE", N_("La Poste")},
    {"MDE", N_("Maison de l'emploi")},
    {"MDH", N_("Maison des habitants")},
    {"MDEF", N_("Maison de l'emploi et de la formation")},
    {"MDPH", N_("Maison départementale des personnes handicapées")},
    {"MDS", N_("Maison départementale des solidarités")},
    {"MJC", N_("Maison des jeunes et de la culture")},
    {"ML", N_("Mission locale")},
    {"MQ", N_("Maison de quartier")},
    {"MSA", N_("Mutualité sociale agricole (MSA)")},
    {"MSAP", N_("Maison de services au public")},
    {"MUNI", N_("Mairie / service municipal")},
    {"OACAS", N_("Organisme d'accueil communautaire et d'activité solidaire")},
    {"ODC", N_("Organisation délégataire du département")},
    {"OF", N_("Organisme de formation")},
    {"OIL", N_("Intermédiation locative")},
    {"OPCS", N_("Organisation porteuse de la clause sociale")},
    {"PAD", N_("Point d'accès au droit")},
    {"PENSION", N_("Pension de famille")},
    {"PI", N_("Point info")},
    {"PIJ_BIJ", N_("Point information jeunesse")},
    {"PIMMS", N_("PIMMS (point information médiation multi-services)")},
    {"PJJ", N_("Protection judiciaire de la jeunesse")},
    {"PLIE", N_("Plan local pour l'insertion et l'emploi")},
    {"PREF", N_("Préfecture, sous-préfecture")},
    {"PREVENTION", N_("Service ou club de prévention")},
    {"REG", N_("Région")},
    {"RELAIS_LECTURE", N_("Relais lecture")},
    {"RESSOURCERIE", N_("Ressourcerie")},
    {"RFS", N_("France Services")},
    {"RS_FJT", N_("Résidence sociale, foyer de jeunes travailleurs")},
    {"SCP", N_("Service et club de prévention")},
    {"SPIP", N_("Service pénitentiaire d'insertion et de probation")},
    {"TIERS_LIEUX", N_("Tiers-lieu")},
    {"UDAF", N_("Union départementale des associations familiales")},
};

typedef struct vocab_table {
    const char *field;
    const vocab_entry *entries;
    size_t count;
} vocab_table;

#define TABLE(field, array)                                                                        \
    {                                                                                              \
        field, array, ARRAY_LEN(array)                                                             \
    }
static const vocab_table TABLES[VOCAB_KIND_COUNT] = {
    [VOCAB_SERVICES] = TABLE("services", SERVICES),
    [VOCAB_PUBLICS] = TABLE("publics_specifiquement_adresses", PUBLICS),
    [VOCAB_SUPPORT] = TABLE("prise_en_charge_specifique", SUPPORT),
    [VOCAB_FEES] = TABLE("frais_a_charge", FEES),
    [VOCAB_ITINERANCE] = TABLE("itinerance", ITINERANCE),
    [VOCAB_ACCESS_MODES] = TABLE("modalites_acces", ACCESS_MODES),
    [VOCAB_SUPPORT_MODES] = TABLE("modalites_accompagnement", SUPPORT_MODES),
    [VOCAB_PROGRAMMES] = TABLE("dispositif_programmes_nationaux", PROGRAMMES),
    [VOCAB_LABELS] = TABLE("formations_labels", LABELS),
    [VOCAB_TYPOLOGIE] = TABLE("typologie", TYPOLOGIE),
};
#undef TABLE

const vocab_entry *vocab_entries(vocab_kind kind, size_t *count)
{
    *count = TABLES[kind].count;
    return TABLES[kind].entries;
}

const char *vocab_field(vocab_kind kind)
{
    return TABLES[kind].field;
}

/* ---- aliases: what producers write for an exact value (already folded) ---- */

typedef struct vocab_alias {
    vocab_kind kind;
    const char *folded; /* text_fold() of what is accepted */
    const char *value;  /* exact schema string */
} vocab_alias;

static const vocab_alias ALIASES[] = {
    /* v1 vocabulary drift seen in files and in the published schema */
    {VOCAB_SUPPORT_MODES, "seul", "En autonomie"},
    {VOCAB_SUPPORT_MODES, "autonomie", "En autonomie"},
    {VOCAB_SUPPORT_MODES, "avec de l aide", "Accompagnement individuel"},
    {VOCAB_SUPPORT_MODES, "accompagnement individuel", "Accompagnement individuel"},
    {VOCAB_SUPPORT_MODES, "dans un atelier", "Dans un atelier collectif"},
    {VOCAB_SUPPORT_MODES, "atelier collectif", "Dans un atelier collectif"},
    {VOCAB_PROGRAMMES, "conseiller numerique", "Conseillers numériques"},
    {VOCAB_PROGRAMMES, "conseillers numeriques france services", "Conseillers numériques"},
    {VOCAB_PROGRAMMES, "conseiller numerique france services", "Conseillers numériques"},
    {VOCAB_PROGRAMMES, "cnfs", "Conseillers numériques"},
    {VOCAB_PROGRAMMES, "point numerique caf", "Point d'accès numérique CAF"},
    {VOCAB_PROGRAMMES, "grandes ecoles du numerique", "Grande école du numérique"},
    {VOCAB_PROGRAMMES, "bibliotheque numerique de reference",
     "Bibliothèques numérique de référence"},
    {VOCAB_PROGRAMMES, "bibliotheques numeriques de reference",
     "Bibliothèques numérique de référence"},
    {VOCAB_PROGRAMMES, "pix", "Certification PIX"},
    {VOCAB_PROGRAMMES, "croix rouge", "La Croix Rouge"},
    {VOCAB_PROGRAMMES, "maison france services", "France Services"},
    {VOCAB_PROGRAMMES, "relais numerique", "Relais numérique (Emmaüs Connect)"},
    {VOCAB_LABELS, "fabrique de territoire", "Fabriques de Territoire"},
    {VOCAB_LABELS, "etapes numeriques", "Étapes numériques (La Poste)"},
    {VOCAB_LABELS, "mon espace sante", "Formé à « Mon Espace Santé »"},
    {VOCAB_LABELS, "duplex", "Formé à « DUPLEX » (illettrisme)"},
    {VOCAB_LABELS, "sudlabs", "SUD LABS (PACA)"},
    {VOCAB_LABELS, "sud labs", "SUD LABS (PACA)"},
    {VOCAB_LABELS, "mes papiers", "Mes Papiers (Métropole de Lyon)"},
    {VOCAB_LABELS, "les eclaireurs du numerique", "Les Éclaireurs du numérique (Drôme)"},
    {VOCAB_FEES, "gratuit sous conditions", "Gratuit sous condition"},
    {VOCAB_ITINERANCE, "itinerante", "Itinérant"},
    {VOCAB_ACCESS_MODES, "prendre un rendez vous en ligne", "Prendre un RDV en ligne"},
};

/* The folded form of every value, made once for the process: folding the
 * whole table at each lookup (92 place types, a malloc each) was a twentieth
 * of an import. */
static char **folded_values[VOCAB_KIND_COUNT];
static pthread_once_t folded_once = PTHREAD_ONCE_INIT;

static void fold_tables(void)
{
    for (size_t k = 0; k < VOCAB_KIND_COUNT; k++) {
        const vocab_table *t = &TABLES[k];
        folded_values[k] = xcalloc(t->count ? t->count : 1, sizeof(char *));
        for (size_t i = 0; i < t->count; i++)
            folded_values[k][i] = text_fold(t->entries[i].value);
    }
}

/* Exact value of `kind` whose folded form is `folded`, or NULL. */
static const char *lookup_folded(vocab_kind kind, const char *folded)
{
    const vocab_table *t = &TABLES[kind];
    pthread_once(&folded_once, fold_tables);
    for (size_t i = 0; i < t->count; i++)
        if (strcmp(folded_values[kind][i], folded) == 0) return t->entries[i].value;
    for (size_t i = 0; i < ARRAY_LEN(ALIASES); i++)
        if (ALIASES[i].kind == kind && strcmp(ALIASES[i].folded, folded) == 0)
            return ALIASES[i].value;
    return NULL;
}

/*
 * The part of a long label before its description: "X : description" or
 * "X (description)" → "X". Returns a malloc'd string, or NULL when the value
 * has no such part.
 */
static char *label_head(const char *value)
{
    const char *cut = strstr(value, " :");
    if (!cut) cut = strchr(value, ':');
    if (!cut) cut = strstr(value, " (");
    if (!cut || cut == value) return NULL;
    return xstrndup(value, (size_t)(cut - value));
}

const char *vocab_canonical(vocab_kind kind, const char *value)
{
    if (!value) return NULL;
    /* Stored lists hold the exact values already: found without folding
     * (the export and the API ask for every item of every record). The
     * same answer as the folded look-up, tests/unit/test_vocab.c. */
    const vocab_table *t = &TABLES[kind];
    for (size_t i = 0; i < t->count; i++)
        if (strcmp(t->entries[i].value, value) == 0) return t->entries[i].value;
    char *folded = text_fold(value);
    const char *found = *folded ? lookup_folded(kind, folded) : NULL;
    free(folded);
    if (found || kind != VOCAB_SUPPORT_MODES) return found;
    /* modalites_accompagnement: long descriptive labels, "X : …". */
    char *head = label_head(value);
    if (head) {
        folded = text_fold(head);
        found = lookup_folded(kind, folded);
        free(folded);
        free(head);
    }
    return found;
}

const char *vocab_label(vocab_kind kind, const char *value)
{
    const vocab_table *t = &TABLES[kind];
    for (size_t i = 0; i < t->count; i++)
        if (strcmp(t->entries[i].value, value) == 0) return gettext(t->entries[i].label);
    return value;
}

void vocab_split(const char *cell, void (*fn)(const char *item, void *ctx), void *ctx)
{
    if (!cell) return;
    const char *p = cell;
    for (;;) {
        size_t n = strcspn(p, "|;");
        char small[256]; /* most items: no allocation */
        char *item = n < sizeof small ? memcpy(small, p, n) : xmalloc(n + 1);
        if (item != small) memcpy(item, p, n);
        item[n] = '\0';
        char *t = str_trim(item);
        if (*t) fn(t, ctx);
        if (item != small) free(item);
        if (!p[n]) break;
        p += n + 1;
    }
}

/* ---- v0.1 → v1 ---- */

typedef struct legacy_rule {
    vocab_legacy_field field;
    const char *folded; /* folded value, or folded part before " : " */
    vocab_kind kind;
    const char *value; /* exact v1 string, NULL for a fact only */
    vocab_fact fact;
    bool approximate;
} legacy_rule;

#define S VOCAB_LEGACY_SERVICES
#define P VOCAB_LEGACY_PUBLICS
#define C VOCAB_LEGACY_CONDITIONS
#define M VOCAB_LEGACY_SUPPORT_MODES
#define L VOCAB_LEGACY_LABELS_NATIONAUX
#define A VOCAB_LEGACY_LABELS_AUTRES
static const legacy_rule LEGACY[] = {
    /* services (domain.md, "The older flat format") */
    {S, "acceder a du materiel", VOCAB_SERVICES, "Accès internet et matériel informatique", 0, 0},
    {S, "acceder a une connexion internet", VOCAB_SERVICES,
     "Accès internet et matériel informatique", 0, 0},
    {S, "prendre en main un ordinateur", VOCAB_SERVICES,
     "Maîtrise des outils numériques du quotidien", 0, 0},
    {S, "prendre en main un smartphone ou une tablette", VOCAB_SERVICES,
     "Maîtrise des outils numériques du quotidien", 0, 0},
    {S, "utiliser le numerique au quotidien", VOCAB_SERVICES,
     "Maîtrise des outils numériques du quotidien", 0, 0},
    {S, "echanger avec mes proches", VOCAB_SERVICES, "Maîtrise des outils numériques du quotidien",
     0, 0},
    {S, "realiser des demarches administratives avec un accompagnement", VOCAB_SERVICES,
     "Aide aux démarches administratives", 0, 0},
    {S, "devenir autonome dans les demarches administratives", VOCAB_SERVICES,
     "Aide aux démarches administratives", 0, 0},
    {S, "accompagner les demarches de sante", VOCAB_SERVICES, "Aide aux démarches administratives",
     0, 0},
    {S, "approfondir ma culture numerique", VOCAB_SERVICES, "Compréhension du monde numérique", 0,
     0},
    {S, "promouvoir la citoyennete numerique", VOCAB_SERVICES, "Compréhension du monde numérique",
     0, 0},
    {S, "creer avec le numerique", VOCAB_SERVICES, "Loisirs et créations numériques", 0, 0},
    {S, "soutenir la parentalite et l education avec le numerique", VOCAB_SERVICES,
     "Parentalité et éducation avec le numérique", 0, 0},
    {S, "trouver un emploi ou une formation", VOCAB_SERVICES,
     "Insertion professionnelle via le numérique", 0, 0},
    {S, "creer et developper mon entreprise", VOCAB_SERVICES,
     "Insertion professionnelle via le numérique", 0, 0},
    {S, "favoriser mon insertion professionnelle", VOCAB_SERVICES,
     "Insertion professionnelle via le numérique", 0, 0},
    {S, "securiser ma vie numerique", VOCAB_SERVICES, "Utilisation sécurisée du numérique", 0, 0},
    {S, "s equiper en materiel informatique", VOCAB_SERVICES,
     "Acquisition de matériel informatique à prix solidaire", 0, 0},
    /* publics_accueillis */
    {P, "jeunes 16 26 ans", VOCAB_PUBLICS, "Jeunes", 0, 0},
    {P, "seniors 65 ans", VOCAB_PUBLICS, "Seniors", 0, 0},
    {P, "familles enfants", VOCAB_PUBLICS, "Familles et/ou enfants", 0, 0},
    {P, "uniquement femmes", VOCAB_PUBLICS, "Femmes", 0, 0},
    {P, "etudiants", VOCAB_PUBLICS, "Étudiants", 0, 0},
    {P, "adultes", VOCAB_PUBLICS, NULL, VOCAB_FACT_ALL_PUBLIC, 0},
    {P, "tout public", VOCAB_PUBLICS, NULL, VOCAB_FACT_ALL_PUBLIC, 0},
    {P, "surdite", VOCAB_SUPPORT, "Surdité", 0, 0},
    {P, "deficience visuelle", VOCAB_SUPPORT, "Déficience visuelle", 0, 0},
    {P, "handicaps mentaux", VOCAB_SUPPORT, "Handicaps mentaux", 0, 0},
    {P, "handicaps moteurs", VOCAB_SUPPORT, "Handicaps moteurs", 0, 0},
    {P, "handicaps psychiques", VOCAB_SUPPORT, "Handicaps mentaux", 0, true},
    {P, "personnes en situation d illettrisme", VOCAB_SUPPORT, "Illettrisme", 0, 0},
    {P, "public langues etrangeres", VOCAB_SUPPORT, "Langues étrangères (autres)", 0, 0},
    /* conditions_acces */
    {C, "gratuit", VOCAB_FEES, "Gratuit", 0, 0},
    {C, "gratuit sous condition", VOCAB_FEES, "Gratuit sous condition", 0, 0},
    {C, "payant", VOCAB_FEES, "Payant", 0, 0},
    {C, "adhesion", VOCAB_FEES, "Payant", VOCAB_FACT_MEMBERSHIP, 0},
    {C, "accepte le pass numerique", VOCAB_FEES, NULL, VOCAB_FACT_PASS_ACCEPTED, 0},
    {C, "distribue le pass numerique", VOCAB_FEES, NULL, VOCAB_FACT_PASS_DISTRIBUTED, 0},
    {C, "distribue des pass numeriques", VOCAB_FEES, NULL, VOCAB_FACT_PASS_DISTRIBUTED, 0},
    /* modalites_accompagnement */
    {M, "seul", VOCAB_SUPPORT_MODES, "En autonomie", 0, 0},
    {M, "avec de l aide", VOCAB_SUPPORT_MODES, "Accompagnement individuel", 0, 0},
    {M, "dans un atelier", VOCAB_SUPPORT_MODES, "Dans un atelier collectif", 0, 0},
    {M, "a distance", VOCAB_SUPPORT_MODES, "À distance", 0, 0},
    {M, "a ma place", VOCAB_SUPPORT_MODES, NULL, VOCAB_FACT_FOR_YOU, 0},
    /* labels_nationaux (APTIC is the pass numérique network: a place with
     * the label takes the cheques) */
    {L, "aptic", VOCAB_PROGRAMMES, NULL, VOCAB_FACT_PASS_ACCEPTED, 0},
    {L, "pass numerique", VOCAB_PROGRAMMES, NULL, VOCAB_FACT_PASS_ACCEPTED, 0},
};
#undef S
#undef P
#undef C
#undef M
#undef L
#undef A

static const legacy_rule *legacy_find(vocab_legacy_field field, const char *folded)
{
    for (size_t i = 0; i < ARRAY_LEN(LEGACY); i++)
        if (LEGACY[i].field == field && strcmp(LEGACY[i].folded, folded) == 0) return &LEGACY[i];
    return NULL;
}

/* The v1 vocabularies a v0.1 field may also carry in their exact form. */
static bool legacy_direct(vocab_legacy_field field, const char *value, vocab_mapping *out)
{
    static const vocab_kind services[] = {VOCAB_SERVICES};
    static const vocab_kind publics[] = {VOCAB_PUBLICS, VOCAB_SUPPORT};
    static const vocab_kind conditions[] = {VOCAB_FEES};
    static const vocab_kind modes[] = {VOCAB_SUPPORT_MODES};
    static const vocab_kind labels[] = {VOCAB_PROGRAMMES, VOCAB_LABELS};
    const vocab_kind *kinds = NULL;
    size_t n = 0;
    switch (field) {
    case VOCAB_LEGACY_SERVICES:
        kinds = services, n = ARRAY_LEN(services);
        break;
    case VOCAB_LEGACY_PUBLICS:
        kinds = publics, n = ARRAY_LEN(publics);
        break;
    case VOCAB_LEGACY_CONDITIONS:
        kinds = conditions, n = ARRAY_LEN(conditions);
        break;
    case VOCAB_LEGACY_SUPPORT_MODES:
        kinds = modes, n = ARRAY_LEN(modes);
        break;
    case VOCAB_LEGACY_LABELS_NATIONAUX:
    case VOCAB_LEGACY_LABELS_AUTRES:
        kinds = labels, n = ARRAY_LEN(labels);
        break;
    }
    for (size_t i = 0; i < n; i++) {
        const char *v = vocab_canonical(kinds[i], value);
        if (v) {
            *out = (vocab_mapping){.kind = kinds[i], .value = v};
            return true;
        }
    }
    return false;
}

bool vocab_map_legacy(vocab_legacy_field field, const char *value, vocab_mapping *out)
{
    *out = (vocab_mapping){0};
    if (!value) return false;
    char *folded = text_fold(value);
    const legacy_rule *r = *folded ? legacy_find(field, folded) : NULL;
    free(folded);
    if (!r) {
        char *head = label_head(value);
        if (head) {
            folded = text_fold(head);
            r = legacy_find(field, folded);
            free(folded);
            free(head);
        }
    }
    if (r) {
        *out = (vocab_mapping){
            .kind = r->kind, .value = r->value, .fact = r->fact, .approximate = r->approximate};
        return true;
    }
    return legacy_direct(field, value, out);
}

size_t vocab_alias_count(void)
{
    return ARRAY_LEN(ALIASES) + ARRAY_LEN(LEGACY);
}

const char *vocab_alias_folded(size_t i)
{
    return i < ARRAY_LEN(ALIASES) ? ALIASES[i].folded : LEGACY[i - ARRAY_LEN(ALIASES)].folded;
}

/* The columns of the national schema v1.0.2, in their order. */
const char *const VOCAB_COLUMNS[VOCAB_COLUMN_COUNT] = {
    "id",
    "pivot",
    "nom",
    "commune",
    "code_postal",
    "code_insee",
    "adresse",
    "complement_adresse",
    "latitude",
    "longitude",
    "typologie",
    "telephone",
    "courriels",
    "site_web",
    "horaires",
    "presentation_resume",
    "presentation_detail",
    "source",
    "itinerance",
    "structure_parente",
    "date_maj",
    "services",
    "publics_specifiquement_adresses",
    "prise_en_charge_specifique",
    "frais_a_charge",
    "dispositif_programmes_nationaux",
    "formations_labels",
    "autres_formations_labels",
    "modalites_acces",
    "modalites_accompagnement",
    "fiche_acces_libre",
    "prise_rdv",
};
