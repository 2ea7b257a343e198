/*
 * test_vocab.c — the national vocabularies, lenient lookup, labels, and the
 * v0.1 → v1 mappings; plus telephone normalisation (phone.c).
 */
#include "core/phone.h"
#include "unit.h"
#include "core/util.h"
#include "places/vocab.h"

#include <stdlib.h>

TEST(exact_values_are_canonical)
{
    for (int k = 0; k < VOCAB_KIND_COUNT; k++) {
        size_t n;
        const vocab_entry *e = vocab_entries((vocab_kind)k, &n);
        CHECK(n > 0);
        for (size_t i = 0; i < n; i++) {
            CHECK(vocab_canonical((vocab_kind)k, e[i].value) == e[i].value);
            CHECK(e[i].label && *e[i].label);
        }
    }
    size_t n;
    vocab_entries(VOCAB_SERVICES, &n);
    CHECK(n == 9);
    vocab_entries(VOCAB_TYPOLOGIE, &n);
    CHECK(n == 92);
    CHECK_STR(vocab_field(VOCAB_SUPPORT), "prise_en_charge_specifique");
}

TEST(aliases_are_written_folded)
{
    for (size_t i = 0; i < vocab_alias_count(); i++) {
        char *f = text_fold(vocab_alias_folded(i));
        CHECK_STR(f, vocab_alias_folded(i));
        free(f);
    }
}

TEST(known_inconsistencies_accepted)
{
    CHECK_STR(vocab_canonical(VOCAB_SERVICES, "Comprehension du monde numerique"),
              "Compréhension du monde numérique");
    CHECK_STR(vocab_canonical(VOCAB_SERVICES, "  aide aux DÉMARCHES administratives "),
              "Aide aux démarches administratives");
    CHECK_STR(vocab_canonical(VOCAB_LABELS, "Étapes numériques(La Poste)"),
              "Étapes numériques (La Poste)");
    CHECK_STR(
        vocab_canonical(VOCAB_SUPPORT_MODES, "Accompagnement individuel : je suis accompagné seul"),
        "Accompagnement individuel");
    CHECK_STR(vocab_canonical(VOCAB_SUPPORT_MODES, "A distance"), "À distance");
    CHECK_STR(vocab_canonical(VOCAB_TYPOLOGIE, "tiers_lieux"), "TIERS_LIEUX");
    CHECK_STR(vocab_canonical(VOCAB_PROGRAMMES, "CNFS"), "Conseillers numériques");
    CHECK_STR(vocab_canonical(VOCAB_PROGRAMMES, "Grandes écoles du numérique"),
              "Grande école du numérique");
    CHECK(vocab_canonical(VOCAB_SERVICES, "Cuisine") == NULL);
    CHECK(vocab_canonical(VOCAB_SERVICES, "") == NULL);
    CHECK(vocab_canonical(VOCAB_TYPOLOGIE, "CSCX") == NULL);
}

TEST(labels_for_people)
{
    CHECK_STR(vocab_label(VOCAB_TYPOLOGIE, "EPN"), "Espace public numérique");
    CHECK_STR(vocab_label(VOCAB_TYPOLOGIE, "BIB"), "Médiathèque / bibliothèque");
    CHECK_STR(vocab_label(VOCAB_TYPOLOGIE, "RFS"), "France Services");
    CHECK_STR(vocab_label(VOCAB_TYPOLOGIE, "ML"), "Mission locale");
    CHECK_STR(vocab_label(VOCAB_SERVICES, "Aide aux démarches administratives"),
              "Démarches administratives");
    CHECK_STR(vocab_label(VOCAB_SUPPORT_MODES, "En autonomie"),
              "Seul, avec du matériel à disposition");
    CHECK_STR(vocab_label(VOCAB_SERVICES, "inconnu"), "inconnu");
}

static void collect(const char *item, void *ctx)
{
    buf *b = ctx;
    if (b->len) buf_putc(b, '/');
    buf_puts(b, item);
}

TEST(split_lists)
{
    buf b = {0};
    vocab_split(" a | b;c;; |d ", collect, &b);
    CHECK_STR(b.data, "a/b/c/d");
    buf_free(&b);
    vocab_split(NULL, collect, &b);
    CHECK(b.len == 0);
}

TEST(legacy_mappings)
{
    vocab_mapping m;
    CHECK(vocab_map_legacy(VOCAB_LEGACY_SERVICES, "Prendre en main un smartphone ou une tablette",
                           &m));
    CHECK(m.kind == VOCAB_SERVICES);
    CHECK_STR(m.value, "Maîtrise des outils numériques du quotidien");
    CHECK(vocab_map_legacy(VOCAB_LEGACY_SERVICES, "Accompagner les démarches de santé", &m));
    CHECK_STR(m.value, "Aide aux démarches administratives");

    CHECK(vocab_map_legacy(VOCAB_LEGACY_PUBLICS, "Jeunes (16-26 ans)", &m));
    CHECK_STR(m.value, "Jeunes");
    CHECK(vocab_map_legacy(VOCAB_LEGACY_PUBLICS, "Seniors (+ 65 ans)", &m));
    CHECK_STR(m.value, "Seniors");
    CHECK(vocab_map_legacy(VOCAB_LEGACY_PUBLICS, "Adultes", &m));
    CHECK(m.value == NULL && m.fact == VOCAB_FACT_ALL_PUBLIC);
    CHECK(vocab_map_legacy(VOCAB_LEGACY_PUBLICS, "Surdité", &m));
    CHECK(m.kind == VOCAB_SUPPORT);
    CHECK(vocab_map_legacy(VOCAB_LEGACY_PUBLICS,
                           "Handicaps psychiques : troubles psychiatriques donnant lieu à des "
                           "atteintes comportementales",
                           &m));
    CHECK(m.kind == VOCAB_SUPPORT && m.approximate);
    CHECK_STR(m.value, "Handicaps mentaux");
    CHECK(vocab_map_legacy(VOCAB_LEGACY_PUBLICS, "Public langues étrangères", &m));
    CHECK_STR(m.value, "Langues étrangères (autres)");

    CHECK(vocab_map_legacy(VOCAB_LEGACY_CONDITIONS,
                           "Adhésion : L'accès au lieu et/ou à ses services nécessite d'y adhérer",
                           &m));
    CHECK_STR(m.value, "Payant");
    CHECK(m.fact == VOCAB_FACT_MEMBERSHIP);
    CHECK(vocab_map_legacy(VOCAB_LEGACY_CONDITIONS,
                           "Gratuit sous condition : La gratuité est conditionnée à des critères "
                           "(situation familiale, convention avec un organisme social...)",
                           &m));
    CHECK_STR(m.value, "Gratuit sous condition");
    CHECK(vocab_map_legacy(VOCAB_LEGACY_CONDITIONS,
                           "Accepte le Pass numérique : Il est possible d'utiliser un Pass "
                           "numérique pour accéder au lieu",
                           &m));
    CHECK(m.value == NULL && m.fact == VOCAB_FACT_PASS_ACCEPTED);

    CHECK(vocab_map_legacy(VOCAB_LEGACY_SUPPORT_MODES,
                           "Seul : j'ai accès à du matériel et une connexion", &m));
    CHECK_STR(m.value, "En autonomie");
    CHECK(vocab_map_legacy(VOCAB_LEGACY_SUPPORT_MODES,
                           "A ma place : une personne habilitée fait les démarches à ma place",
                           &m));
    CHECK(m.fact == VOCAB_FACT_FOR_YOU);

    CHECK(vocab_map_legacy(VOCAB_LEGACY_LABELS_NATIONAUX, "Point numérique CAF", &m));
    CHECK_STR(m.value, "Point d'accès numérique CAF");
    CHECK(vocab_map_legacy(VOCAB_LEGACY_LABELS_NATIONAUX, "Fabriques de Territoire", &m));
    CHECK(m.kind == VOCAB_LABELS);
    CHECK(vocab_map_legacy(VOCAB_LEGACY_LABELS_NATIONAUX, "APTIC", &m));
    CHECK(m.fact == VOCAB_FACT_PASS_ACCEPTED);
    CHECK(!vocab_map_legacy(VOCAB_LEGACY_LABELS_NATIONAUX, "French Tech", &m));
    CHECK(vocab_map_legacy(VOCAB_LEGACY_LABELS_AUTRES, "SudLabs", &m));
    CHECK_STR(m.value, "SUD LABS (PACA)");
    CHECK(!vocab_map_legacy(VOCAB_LEGACY_SERVICES, "Faire du vélo", &m));
}

TEST(phones)
{
    char out[PHONE_E164_MAX];
    CHECK(phone_normalize("04 79 31 19 19", out));
    CHECK_STR(out, "+33479311919");
    CHECK(phone_normalize("0479311919", out));
    CHECK_STR(out, "+33479311919");
    CHECK(phone_normalize("04.79.31.19.19", out));
    CHECK_STR(out, "+33479311919");
    CHECK(phone_normalize("04-79-31-19-19", out));
    CHECK_STR(out, "+33479311919");
    CHECK(phone_normalize("+33 4 79 31 19 19", out));
    CHECK_STR(out, "+33479311919");
    CHECK(phone_normalize("+33 (0)4 79 31 19 19", out));
    CHECK_STR(out, "+33479311919");
    CHECK(phone_normalize("0033 4 79 31 19 19", out));
    CHECK_STR(out, "+33479311919");
    CHECK(phone_normalize("04\xC2\xA0"
                          "79\xC2\xA0"
                          "31 19 19",
                          out));
    CHECK_STR(out, "+33479311919");
    CHECK(phone_normalize("0262 12 34 56", out) && strcmp(out, "+262262123456") == 0);
    CHECK(phone_normalize("0692 12 34 56", out) && strcmp(out, "+262692123456") == 0);
    CHECK(phone_normalize("0269 61 23 45", out) && strcmp(out, "+262269612345") == 0);
    CHECK(phone_normalize("0639 12 34 56", out) && strcmp(out, "+262639123456") == 0);
    CHECK(phone_normalize("0590 12 34 56", out) && strcmp(out, "+590590123456") == 0);
    CHECK(phone_normalize("0690 12 34 56", out) && strcmp(out, "+590690123456") == 0);
    CHECK(phone_normalize("0594 12 34 56", out) && strcmp(out, "+594594123456") == 0);
    CHECK(phone_normalize("0596 12 34 56", out) && strcmp(out, "+596596123456") == 0);
    CHECK(phone_normalize("0696 12 34 56", out) && strcmp(out, "+596696123456") == 0);
    CHECK(phone_normalize("+33 262 12 34 56", out) && strcmp(out, "+262262123456") == 0);
    CHECK(phone_normalize("+508 41 23 45", out) && strcmp(out, "+508412345") == 0);
    CHECK(phone_normalize("+41 22 123 45 67", out) && strcmp(out, "+41221234567") == 0);
    CHECK(!phone_normalize("3949", out));
    CHECK(!phone_normalize("04 79 31 19", out));
    CHECK(!phone_normalize("04 79 31 19 19 poste 12", out));
    CHECK(!phone_normalize("04 79 31 19 19 / 06 12 34 56 78", out));
    CHECK(!phone_normalize("00 00 00 00 00", out));
    CHECK(!phone_normalize("", out));
    CHECK(!phone_normalize("+", out));
}

int main(void)
{
    RUN(exact_values_are_canonical);
    RUN(aliases_are_written_folded);
    RUN(known_inconsistencies_accepted);
    RUN(labels_for_people);
    RUN(split_lists);
    RUN(legacy_mappings);
    RUN(phones);
    return unit_report();
}
