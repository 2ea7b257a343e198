/*
 * test_importer.c — the importer against a real temporary SQLite catalogue:
 * the 429 real places of Auvergne-Rhône-Alpes (v0.1), the 7 schema examples,
 * and small v1 CSV/JSON fixtures in tests/data/import/.
 */
#include "places/importer.h"
#include "places/place_store.h"
#include "unit.h"
#include "core/util.h"

#include <stdlib.h>
#include <unistd.h>

static db *test_db;
static char *test_db_path;

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "cannot open %s\n", path);
        exit(2);
    }
    buf b = {0};
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        buf_append(&b, chunk, n);
    fclose(f);
    *len = b.len;
    return buf_steal(&b);
}

/* Import a file; the report is returned initialised (caller frees). */
static int import_file(const char *path, const char *source, bool dry_run, importer_report *rep)
{
    size_t len;
    char *data = slurp(path, &len);
    importer_report_init(rep);
    int rc = importer_run(test_db, data, len, source, dry_run, rep);
    free(data);
    return rc;
}

static int import_text(const char *text, const char *source, bool dry_run, importer_report *rep)
{
    importer_report_init(rep);
    return importer_run(test_db, text, strlen(text), source, dry_run, rep);
}

/* One column of the place with this source_id (test-only ad-hoc query). Caller frees. */
static char *place_field(const char *source_id, const char *column)
{
    sqlite3 *h = db_handle(db_reader(test_db));
    sqlite3_stmt *s = NULL;
    sqlite3_prepare_v2(h, "SELECT * FROM place WHERE source_id = ?", -1, &s, NULL);
    sqlite3_bind_text(s, 1, source_id, -1, SQLITE_STATIC);
    char *out = NULL;
    if (sqlite3_step(s) == SQLITE_ROW)
        for (int i = 0; i < sqlite3_column_count(s); i++)
            if (strcmp(sqlite3_column_name(s, i), column) == 0 && sqlite3_column_text(s, i))
                out = xstrdup((const char *)sqlite3_column_text(s, i));
    sqlite3_finalize(s);
    return out;
}

static long long count_rows(const char *sql)
{
    sqlite3 *h = db_handle(db_reader(test_db));
    sqlite3_stmt *s = NULL;
    sqlite3_prepare_v2(h, sql, -1, &s, NULL);
    long long n = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : -1;
    sqlite3_finalize(s);
    return n;
}

/* CHECK_STR on a place column, freeing the fetched value. */
#define CHECK_FIELD(id, column, want)                                                              \
    do {                                                                                           \
        char *v_ = place_field(id, column);                                                        \
        CHECK_STR(v_, want);                                                                       \
        free(v_);                                                                                  \
    } while (0)
#define CHECK_FIELD_NULL(id, column)                                                               \
    do {                                                                                           \
        char *v_ = place_field(id, column);                                                        \
        CHECK(v_ == NULL);                                                                         \
        free(v_);                                                                                  \
    } while (0)

/* The first report entry at `level` about `field` for record `id`, or NULL. */
static const importer_entry *find_entry(const importer_report *r, const char *id,
                                        importer_level level, const char *field)
{
    for (size_t i = 0; i < r->entry_count; i++) {
        const importer_entry *e = &r->entries[i];
        if (e->level == level && e->source_id && strcmp(e->source_id, id) == 0 &&
            (!field || (e->field && strcmp(e->field, field) == 0)))
            return e;
    }
    return NULL;
}

TEST(aura_v01_import)
{
    importer_report r;
    CHECK(import_file("../shared/data/lieux-aura-2022.json", "lieux-aura-2022", false, &r) == 0);
    CHECK(r.format == IMPORTER_FORMAT_V01_JSON);
    CHECK(r.records == 429);
    CHECK(r.imported == 429);
    CHECK(r.rejected == 0);
    CHECK(r.error == NULL);
    printf("aura: %zu warnings, %zu suspected duplicates\n", r.warnings, r.duplicates);
    CHECK(r.duplicates > 0);
    importer_report_free(&r);
    CHECK(count_rows("SELECT count(*) FROM place WHERE source = 'Hinaura'") == 429);

    /* Alboussière, id 13 */
    CHECK_FIELD("13", "services",
                "Accès internet et matériel informatique|Maîtrise des outils numériques du "
                "quotidien|Compréhension du monde numérique|Aide aux démarches administratives");
    char *orig = place_field("13", "services_original");
    CHECK(orig && strstr(orig, "Prendre en main un smartphone ou une tablette"));
    CHECK(orig && strstr(orig, "Accompagner les démarches de santé"));
    free(orig);
    CHECK_FIELD("13", "pass_numerique_accepted", "1");
    CHECK_FIELD("13", "phone", "+33475582913");
    CHECK_FIELD("13", "publics", "Familles et/ou enfants|Jeunes|Seniors");
    CHECK_FIELD("13", "fees", "Gratuit");
    CHECK_FIELD("13", "support_modes",
                "Dans un atelier collectif|Accompagnement individuel|En autonomie");
    CHECK_FIELD("13", "emails", "epnalboussiere@rhone-crussol.fr");
    CHECK_FIELD("13", "website", "http://epn.alboussiere.inforoutes.fr");
    CHECK_FIELD("13", "slug", "espace-public-numerique-alboussiere");
    CHECK_FIELD("13", "commune_key", "alboussiere");
    CHECK_FIELD("13", "timezone", "Europe/Paris");
    CHECK_FIELD("13", "date_maj", "2021-06-07");
    CHECK_FIELD("13", "pivot", "00000000000000");
    CHECK_FIELD_NULL("13", "structure_id");
    /* Adhésion → Payant + note; A ma place → first-class fact */
    CHECK(count_rows("SELECT count(*) FROM place WHERE fees_note = 'Adhésion requise'"
                     " AND fees LIKE '%Payant%'") == 103);
    CHECK(count_rows("SELECT count(*) FROM place WHERE does_procedures_for_you = 1") == 102);
    CHECK(count_rows("SELECT count(*) FROM place WHERE pass_numerique_accepted = 1") == 66);
    /* "Adultes" means everyone: never stored as a public */
    CHECK(count_rows("SELECT count(*) FROM place WHERE publics LIKE '%Adultes%'") == 0);
    CHECK(count_rows("SELECT count(*) FROM place WHERE support LIKE '%Illettrisme%'") == 144);

    /* Re-import: nothing new, nothing changed. */
    CHECK(import_file("../shared/data/lieux-aura-2022.json", "lieux-aura-2022", false, &r) == 0);
    CHECK(r.imported == 0);
    CHECK(r.updated == 0);
    CHECK(r.unchanged == 429);
    importer_report_free(&r);
    CHECK(count_rows("SELECT count(*) FROM place WHERE source = 'Hinaura'") == 429);
}

TEST(schema_examples)
{
    importer_report r;
    CHECK(import_file("../shared/data/lieux-exemples-schema.json", "exemples", false, &r) == 0);
    CHECK(r.imported == 7);
    CHECK(r.rejected == 0);
    const importer_entry *e =
        find_entry(&r, "53851847300011", IMPORTER_WARNING, "labels_nationaux");
    CHECK(e && e->value && strcmp(e->value, "Point relais CAF") == 0);
    CHECK(find_entry(&r, "structure-1", IMPORTER_WARNING, "publics_accueillis") != NULL);
    importer_report_free(&r);

    CHECK_FIELD("structure-1", "typologies", "TIERS_LIEUX|ASSO");
    CHECK_FIELD("structure-1", "parent_structure", "Pôle emploi");
    CHECK_FIELD("structure-1", "address_extra", "Le patio du bois de l'Aulne");
    CHECK_FIELD("structure-1", "insee_code", "51454");
    CHECK_FIELD("structure-1", "ban_key", "13001_3079_00001");
    CHECK_FIELD("structure-1", "booking_url", "https://www.rdv-solidarites.fr/");
    CHECK_FIELD("structure-1", "accessibility_url",
                "https://acceslibre.beta.gouv.fr/app/29-lampaul-plouarzel/a/"
                "bibliotheque-mediatheque/erp/mediatheque-13/");
    CHECK_FIELD("structure-1", "website",
                "https://www.laquincaillerie.tl/|https://m.facebook.com/laquincaillerienumerique/");
    CHECK_FIELD("structure-1", "summary",
                "Notre association propose des formations aux outils numériques à destination "
                "des personnes âgées.");
    char *html = place_field("structure-1", "description_html");
    CHECK(html && str_starts_with(html, "<p>Notre parcours d'initiation"));
    free(html);
    CHECK_FIELD("structure-1", "fees_note", "Adhésion requise");
    CHECK_FIELD("structure-1", "does_procedures_for_you", "1");
    CHECK_FIELD("structure-1", "support",
                "Langues étrangères (autres)|Déficience visuelle|Surdité|Handicaps mentaux|"
                "Illettrisme");
    CHECK_FIELD("structure-1", "accessibility_notes",
                "Handicaps psychiques : troubles psychiatriques donnant lieu à des atteintes "
                "comportementales");
    CHECK_FIELD("structure-1", "labels", "SUD LABS (PACA)");
    CHECK_FIELD("structure-1", "other_labels", "Point relais CAF|Nièvre médiation numérique");
    CHECK(count_rows("SELECT count(*) FROM structure s JOIN place p ON p.structure_id = s.id"
                     " WHERE p.source_id = 'structure-1' AND s.pivot = '43493312300029'"
                     " AND s.name = 'Pôle emploi'") == 1);

    CHECK_FIELD("53851847300011", "programmes",
                "France Services|Aidants Connect|Grande école du numérique|"
                "Point d'accès numérique CAF|Conseillers numériques");
    CHECK_FIELD("53851847300011", "labels", "Fabriques de Territoire|SUD LABS (PACA)");
    CHECK_FIELD("53851847300011", "pass_numerique_accepted", "1");
    CHECK_FIELD("53851847300011", "typologies", "ASSO");
    CHECK_FIELD(
        "53851847300011", "services",
        "Insertion professionnelle via le numérique|Accès internet et matériel informatique");
    CHECK_FIELD("7755602", "timezone", "America/Martinique");
    CHECK_FIELD("77556026", "timezone", "America/Guadeloupe");
}

TEST(v1_csv)
{
    importer_report r;
    CHECK(import_file("tests/data/import/v1-lieux.csv", "v1-lieux", false, &r) == 0);
    CHECK(r.format == IMPORTER_FORMAT_V1_CSV);
    CHECK(r.records == 6);
    CHECK(r.imported == 4);
    CHECK(r.rejected == 2);
    const importer_entry *e = find_entry(&r, "csv-2", IMPORTER_REJECTED, NULL);
    CHECK(e && e->field && strcmp(e->field, "nom") == 0);
    CHECK(find_entry(&r, "csv-6", IMPORTER_REJECTED, "pivot") != NULL);
    CHECK(find_entry(&r, "csv-6", IMPORTER_REJECTED, "code_postal") != NULL);
    CHECK(find_entry(&r, "csv-6", IMPORTER_REJECTED, "date_maj") != NULL);
    e = find_entry(&r, "csv-3", IMPORTER_WARNING, "telephone");
    CHECK(e && e->value && strcmp(e->value, "12 34") == 0);
    CHECK(find_entry(&r, "csv-4", IMPORTER_WARNING, "publics_specifiquement_adresses") != NULL);
    CHECK(find_entry(&r, "csv-5", IMPORTER_WARNING, "code_insee") != NULL);
    CHECK(find_entry(&r, "csv-5", IMPORTER_WARNING, "longitude") != NULL); /* 200 */
    importer_report_free(&r);
    CHECK(count_rows("SELECT count(*) FROM place WHERE source_id IN ('csv-2', 'csv-6')") == 0);

    /* quoted fields with commas, doubled quotes and a line break */
    CHECK_FIELD("csv-1", "name", "Médiathèque \"La Source\", espace numérique");
    CHECK_FIELD("csv-1", "address", "12, rue de la République");
    CHECK_FIELD("csv-1", "source", "Réseau Savoie");
    CHECK_FIELD("csv-1", "phone", "+33479311919");
    CHECK_FIELD("csv-1", "typologies", "BIB|EPN");
    CHECK_FIELD("csv-1", "programmes", "Conseillers numériques|France Services");
    CHECK_FIELD("csv-1", "labels", "Formé à « Mon Espace Santé »");
    CHECK_FIELD("csv-1", "other_labels", "Label départemental");
    CHECK_FIELD("csv-1", "access_modes", "Se présenter|Téléphoner");
    CHECK_FIELD("csv-1", "itinerance", "Fixe");
    char *html = place_field("csv-1", "description_html");
    CHECK(html && strstr(html, "<strong>gratuits</strong>"));
    CHECK(html && strstr(html, "href=\"https://mediatheque.example.fr/ateliers\""));
    CHECK(html && !strstr(html, "javascript"));
    free(html);
    CHECK(count_rows("SELECT count(*) FROM place p JOIN structure s ON s.id = p.structure_id"
                     " WHERE p.source_id = 'csv-1' AND s.name = 'Ville de Chambéry'") == 1);
    /* bad phone: imported without it */
    CHECK_FIELD_NULL("csv-3", "phone");
    CHECK_FIELD("csv-3", "typologies", "RFS");
    /* ';' lists, "Comprehension", "Étapes numériques(La Poste)", decimal commas */
    CHECK_FIELD("csv-4", "services",
                "Compréhension du monde numérique|Loisirs et créations numériques");
    CHECK_FIELD("csv-4", "typologies", "ASSO|TIERS_LIEUX");
    CHECK_FIELD("csv-4", "labels", "Étapes numériques (La Poste)");
    CHECK_FIELD("csv-4", "support_modes", "En autonomie|À distance");
    CHECK_FIELD("csv-4", "fees", "Gratuit sous condition|Payant");
    CHECK_FIELD("csv-4", "emails", "contact@clic.example");
    CHECK_FIELD("csv-4", "latitude", "45.6884");
    CHECK_FIELD("csv-4", "pivot", "W731234567");
    CHECK_FIELD_NULL("csv-4", "website");
    CHECK_FIELD_NULL("csv-4", "publics");
    /* markup in a name is data: stored verbatim, escaped by the templates */
    CHECK_FIELD("csv-5", "name", "<script>alert(1)</script> Espace numérique");
    CHECK_FIELD_NULL("csv-5", "latitude");
    CHECK_FIELD_NULL("csv-5", "insee_code");
}

TEST(v1_json)
{
    importer_report r;
    CHECK(import_file("tests/data/import/v1-lieux.json", "v1-lieux", false, &r) == 0);
    CHECK(r.format == IMPORTER_FORMAT_V1_JSON);
    CHECK(r.imported == 2);
    CHECK(r.rejected == 0);
    CHECK(find_entry(&r, "json-1", IMPORTER_WARNING, "presentation_resume") != NULL);
    CHECK(find_entry(&r, "json-2", IMPORTER_WARNING, "dispositif_programmes_nationaux") != NULL);
    bool unknown_field = false;
    for (size_t i = 0; i < r.entry_count; i++)
        if (r.entries[i].record == 0 && strcmp(r.entries[i].field, "inconnu_x") == 0)
            unknown_field = true;
    CHECK(unknown_field);
    importer_report_free(&r);
    CHECK_FIELD("json-1", "phone", "+590590821234");
    CHECK_FIELD("json-1", "timezone", "America/Guadeloupe");
    CHECK_FIELD("json-1", "itinerance", "Itinérant|Fixe");
    CHECK_FIELD("json-1", "services",
                "Accès internet et matériel informatique|Aide aux démarches administratives");
    char *summary = place_field("json-1", "summary");
    CHECK(summary && utf8_length(summary) <= 280 && str_ends_with(summary, "…"));
    free(summary);
    char *md = place_field("json-1", "description_md");
    CHECK(md && str_ends_with(md, "accueillant."));
    free(md);
    CHECK_FIELD("json-2", "phone", "+262269610000");
    CHECK_FIELD("json-2", "timezone", "Indian/Mayotte");
    CHECK_FIELD("json-2", "support_modes", "Accompagnement individuel");
    CHECK_FIELD("json-2", "programmes", "Aidants Connect|Point d'accès numérique CAF");
    CHECK_FIELD("json-2", "other_labels", "Label inconnu");
}

TEST(duplicates)
{
    importer_report r;
    CHECK(import_file("tests/data/import/doublons.json", "doublons", false, &r) == 0);
    CHECK(r.imported == 3);
    CHECK(r.duplicates == 2);
    const importer_entry *e = find_entry(&r, "b-1", IMPORTER_DUPLICATE, NULL);
    CHECK(e && e->value && strcmp(e->value, "Source A/a-1") == 0);
    e = find_entry(&r, "b-2", IMPORTER_DUPLICATE, NULL);
    CHECK(e && strstr(e->message, " m"));
    importer_report_free(&r);
    /* reported, never merged */
    CHECK(count_rows("SELECT count(*) FROM place WHERE source_id IN ('a-1', 'b-1', 'b-2')") == 3);
}

static const char UPDATED_JSON[] =
    "[{\"id\":\"mem-1\",\"pivot\":\"00000000000000\",\"nom\":\"Espace mémoire\","
    "\"commune\":\"Lyon\",\"code_postal\":\"69001\",\"adresse\":\"1 rue A\","
    "\"date_maj\":\"2024-01-01\",\"telephone\":\"04 72 00 00 00\"}]";

TEST(update_and_dry_run)
{
    importer_report r;
    CHECK(import_text(UPDATED_JSON, "memoire", false, &r) == 0);
    CHECK(r.imported == 1);
    importer_report_free(&r);
    CHECK_FIELD("mem-1", "source", "memoire"); /* no source field: the caller's name */
    CHECK_FIELD("mem-1", "phone", "+33472000000");

    char *changed = xstrdup(UPDATED_JSON);
    memcpy(strstr(changed, "1 rue A"), "2 rue B", 7);
    CHECK(import_text(changed, "memoire", true, &r) == 0); /* dry run */
    CHECK(r.updated == 1 && r.dry_run);
    importer_report_free(&r);
    CHECK_FIELD("mem-1", "address", "1 rue A");
    CHECK(import_text(changed, "memoire", false, &r) == 0);
    CHECK(r.updated == 1 && r.imported == 0 && r.unchanged == 0);
    importer_report_free(&r);
    CHECK_FIELD("mem-1", "address", "2 rue B");
    CHECK(count_rows("SELECT count(*) FROM place WHERE source_id = 'mem-1'") == 1);
    free(changed);

    /* dry run of a new file: counted, not saved */
    CHECK(import_file("tests/data/import/v1-lieux.json", "autre", true, &r) == 0);
    importer_report_free(&r);
    CHECK(count_rows("SELECT count(*) FROM place WHERE source = 'Hub Antilles'") == 2);
}

/* The full-text index is brought up to date once per import
 * (catalogue_fts_defer/flush): after any import, every place is indexed
 * under its current name, a renamed place is found by its new name and not
 * by its old one, and nothing is left deferred. */
TEST(fts_after_import)
{
    CHECK(count_rows("SELECT count(*) FROM place") > 400);
    CHECK(count_rows("SELECT count(*) FROM place p WHERE NOT EXISTS (SELECT 1 FROM place_fts f"
                     " WHERE f.rowid = p.id AND f.name = p.name)") == 0);
    CHECK(count_rows("SELECT count(*) FROM place_fts") == count_rows("SELECT count(*) FROM place"));
    char *renamed = xstrdup(UPDATED_JSON);
    memcpy(strstr(renamed, "Espace mémoire"), "Atelier zèbre ", strlen("Atelier zèbre "));
    importer_report r;
    CHECK(import_text(renamed, "memoire", false, &r) == 0);
    CHECK(r.updated == 1);
    importer_report_free(&r);
    free(renamed);
    CHECK(count_rows("SELECT count(*) FROM place_fts WHERE place_fts MATCH 'zebre'") == 1);
    CHECK(count_rows("SELECT count(*) FROM place_fts WHERE place_fts MATCH 'memoire' AND rowid ="
                     " (SELECT id FROM place WHERE source_id = 'mem-1')") == 0);
    CHECK(count_rows("SELECT count(*) FROM fts_pending") == 0);
    CHECK(count_rows("SELECT deferred FROM fts_control") == 0);
}

/* A manager's edit in the admin area, as the editor writes it: through
 * place_store, as "editor" (test-only statement without the authorisation). */
static const char Q_EDIT[] = PLACE_STORE_UPDATE("id = :id");

typedef struct edit_args {
    const char *source_id, *column, *value;
} edit_args;

static int edit_tx(db_conn *w, void *ctx)
{
    const edit_args *e = ctx;
    sqlite3_stmt *s = db_stmt(w, "SELECT id FROM place WHERE source_id = :sid");
    db_bind_text(s, ":sid", e->source_id);
    int64_t id = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
    sqlite3_reset(s);
    place_write pw = {.id = id,
                      .values = json_pack("{s:s}", e->column, e->value),
                      .account = 0,
                      .source = "editor"};
    int rc = place_store_update(w, Q_EDIT, &pw);
    json_decref(pw.values);
    return rc == 1 ? 0 : -1;
}

static void manager_edits(const char *source_id, const char *column, const char *value)
{
    edit_args e = {source_id, column, value};
    CHECK(db_transaction(test_db, edit_tx, &e) == 0);
}

static char *with_phone(const char *phone)
{
    return xasprintf("[{\"id\":\"prov-1\",\"pivot\":\"00000000000000\",\"nom\":\"Espace "
                     "provenance\",\"commune\":\"Lyon\",\"code_postal\":\"69002\",\"adresse\":"
                     "\"3 rue C\",\"date_maj\":\"2024-01-01\",\"telephone\":\"%s\"}]",
                     phone);
}

/* A producer's re-import never overwrites what a manager edited since. */
TEST(manager_edit_survives_reimport)
{
    importer_report r;
    char *old_phone = with_phone("04 72 11 11 11");
    CHECK(import_text(old_phone, "prov", false, &r) == 0);
    CHECK(r.imported == 1);
    importer_report_free(&r);
    manager_edits("prov-1", "phone", "+33472222222");

    /* The producer re-imports its old number: the manager's stays, no proposal. */
    CHECK(import_text(old_phone, "prov", false, &r) == 0);
    CHECK(r.kept_by_place == 1 && r.proposed == 0 && r.unchanged == 1);
    importer_report_free(&r);
    CHECK_FIELD("prov-1", "phone", "+33472222222");
    CHECK(count_rows("SELECT count(*) FROM field_proposal") == 0);

    /* Other fields still follow the source. */
    char *moved = xstrdup(old_phone);
    memcpy(strstr(moved, "3 rue C"), "4 rue D", 7);
    CHECK(import_text(moved, "prov", false, &r) == 0);
    CHECK(r.updated == 1 && r.kept_by_place == 1);
    importer_report_free(&r);
    CHECK_FIELD("prov-1", "address", "4 rue D");
    CHECK_FIELD("prov-1", "phone", "+33472222222");

    /* A new number from the producer: proposed, not written. */
    char *new_phone = with_phone("04 72 33 33 33");
    memcpy(strstr(new_phone, "3 rue C"), "4 rue D", 7);
    CHECK(import_text(new_phone, "prov", false, &r) == 0);
    CHECK(r.proposed == 1 && r.kept_by_place == 0);
    importer_report_free(&r);
    CHECK_FIELD("prov-1", "phone", "+33472222222");
    CHECK(count_rows("SELECT count(*) FROM field_proposal WHERE field = 'phone'"
                     " AND value = '+33472333333' AND status = 'pending'") == 1);
    CHECK(count_rows("SELECT count(*) FROM place_history WHERE source = 'import_proposal'"
                     " AND field = 'phone' AND new_value = '+33472333333'") == 1);

    /* The same new number again: no second proposal. */
    CHECK(import_text(new_phone, "prov", false, &r) == 0);
    CHECK(r.proposed == 0 && r.kept_by_place == 1);
    importer_report_free(&r);
    CHECK(count_rows("SELECT count(*) FROM field_proposal") == 1);

    /* Provenance of the field: a person, with the source's value remembered. */
    CHECK(count_rows("SELECT count(*) FROM field_origin WHERE entity = 'place' AND field = 'phone'"
                     " AND by_person = 1 AND source_value = '+33472333333'") == 1);
    CHECK(count_rows("SELECT count(*) FROM field_origin WHERE entity = 'place'"
                     " AND field = 'address' AND by_person = 0 AND source = 'prov'") == 1);
    free(old_phone);
    free(moved);
    free(new_phone);
}

TEST(repeated_id_in_file)
{
    static const char two[] = "id,pivot,nom,commune,code_postal,adresse,date_maj,source\n"
                              "r-1,00000000000000,Un,Lyon,69001,1 rue A,2024-01-01,Rep\n"
                              "r-1,00000000000000,Deux,Lyon,69001,1 rue A,2024-01-01,Rep\n";
    importer_report r;
    CHECK(import_text(two, "rep", false, &r) == 0);
    CHECK(r.imported == 1 && r.rejected == 1);
    CHECK(find_entry(&r, "r-1", IMPORTER_REJECTED, "id") != NULL);
    importer_report_free(&r);
    CHECK_FIELD("r-1", "name", "Un");
}

TEST(detection_and_failures)
{
    static const char csv_semicolon[] = "\xEF\xBB\xBFid;pivot;nom\n1;2;3\n";
    CHECK(importer_detect(csv_semicolon, strlen(csv_semicolon)) == IMPORTER_FORMAT_V1_CSV);
    static const char v1[] = "[{\"id\":\"1\",\"courriels\":\"a@b.fr\"}]";
    CHECK(importer_detect(v1, strlen(v1)) == IMPORTER_FORMAT_V1_JSON);
    static const char v01[] = "[{\"id\":\"1\",\"courriel\":\"a@b.fr\"}]";
    CHECK(importer_detect(v01, strlen(v01)) == IMPORTER_FORMAT_V01_JSON);
    CHECK(importer_detect("bonjour", 7) == IMPORTER_FORMAT_UNKNOWN);
    CHECK(importer_detect("{}", 2) == IMPORTER_FORMAT_UNKNOWN);

    importer_report r;
    CHECK(import_text("bonjour\n", "x", false, &r) == -1);
    CHECK(r.error != NULL);
    importer_report_free(&r);
    CHECK(import_text("[{\"id\":1,\"id\":2}]", "x", false, &r) == -1); /* duplicate keys */
    CHECK(r.error && strstr(r.error, "JSON"));
    importer_report_free(&r);
    CHECK(import_text("id,nom\n\"non fermé,x\n", "x", false, &r) == -1);
    importer_report_free(&r);
    CHECK(import_text("id,nom\n\xFF\xFE,x\n", "x", false, &r) == -1); /* not UTF-8 */
    CHECK(r.error && strstr(r.error, "UTF-8"));
    importer_report_free(&r);
    CHECK(import_text("[1, {\"id\":\"z\"}]", "x", false, &r) == 0);
    CHECK(r.rejected == 2);
    importer_report_free(&r);
}

/* JSON files are read record by record; a syntax error is still told at
 * its line and column in the file, and odd but valid shapes still read. */
TEST(json_errors_located_in_the_file)
{
    importer_report r;
    CHECK(import_text("[{\"id\":\"j1\",\"nom\":\"A\"},\n {\"id\":\"j2\",\n  \"nom\": \"B\",}]", "x",
                      false, &r) == -1);
    CHECK(r.error && strstr(r.error, "ligne 3, colonne 14"));
    importer_report_free(&r);
    CHECK(import_text("[{\"id\":\"j1\",\"nom\":\"A\"}] x", "x", false, &r) == -1);
    CHECK(r.error && strstr(r.error, "ligne 1, colonne 25"));
    importer_report_free(&r);
    CHECK(import_text("[{\"id\":\"j1\"}\n{\"id\":\"j2\"}]", "x", false, &r) == -1); /* no comma */
    CHECK(r.error && strstr(r.error, "ligne 2, colonne 1"));
    importer_report_free(&r);
    CHECK(import_text("[{\"id\":\"j1\"},]", "x", false, &r) == -1); /* trailing comma */
    CHECK(r.error && strstr(r.error, "JSON"));
    importer_report_free(&r);
    CHECK(import_text(" [ ] \n", "x", false, &r) == 0);
    CHECK(r.records == 0 && r.error == NULL);
    importer_report_free(&r);
    /* Objects, a list and a number: two records rejected, in their order. */
    CHECK(import_text("[{\"id\":\"j1\"}, [1], 2 ,{\"id\":\"j2\"}]", "x", false, &r) == 0);
    CHECK(r.records == 4 && r.rejected == 4);
    importer_report_free(&r);
}

/* Hours are parsed once per file and text: the second place with the same
 * hours gets the same stored text and the same warning as the first. */
TEST(repeated_hours_same_verdict)
{
    static const char file[] =
        "[{\"id\":\"rh1\",\"nom\":\"A\",\"pivot\":\"00000000000000\",\"commune\":\"Chambéry\","
        "\"code_postal\":\"73000\","
        "\"adresse\":\"1 rue A\",\"date_maj\":\"2024-01-01\",\"horaires\":\"lundi au vendredi "
        "9h-12h\"},"
        "{\"id\":\"rh2\",\"nom\":\"B\",\"pivot\":\"00000000000000\",\"commune\":\"Chambéry\","
        "\"code_postal\":\"73000\","
        "\"adresse\":\"2 rue A\",\"date_maj\":\"2024-01-01\",\"horaires\":\"Mo-Fr 25:00-26:00\"},"
        "{\"id\":\"rh3\",\"nom\":\"C\",\"pivot\":\"00000000000000\",\"commune\":\"Chambéry\","
        "\"code_postal\":\"73000\","
        "\"adresse\":\"3 rue A\",\"date_maj\":\"2024-01-01\",\"horaires\":\"lundi au vendredi "
        "9h-12h\"},"
        "{\"id\":\"rh4\",\"nom\":\"D\",\"pivot\":\"00000000000000\",\"commune\":\"Chambéry\","
        "\"code_postal\":\"73000\","
        "\"adresse\":\"4 rue A\",\"date_maj\":\"2024-01-01\",\"horaires\":\"Mo-Fr 25:00-26:00\"}]";
    importer_report r;
    CHECK(import_text(file, "heures", false, &r) == 0);
    CHECK(r.imported == 4 && r.unreadable_hours == 2);
    const char *ids[] = {"rh1", "rh2", "rh3", "rh4"};
    for (size_t i = 0; i < ARRAY_LEN(ids); i++) {
        const importer_entry *e = find_entry(&r, ids[i], IMPORTER_WARNING, "horaires");
        CHECK(e != NULL);
        if (!e) continue;
        CHECK(strstr(e->message, i % 2 ? "horaires illisibles (position 7 : heure invalide"
                                       : "réécrits en syntaxe OpenStreetMap : « Mo-Fr "
                                         "09:00-12:00 »") != NULL);
    }
    CHECK_FIELD("rh1", "hours", "Mo-Fr 09:00-12:00");
    CHECK_FIELD("rh3", "hours", "Mo-Fr 09:00-12:00");
    CHECK_FIELD("rh4", "hours", "Mo-Fr 25:00-26:00");
    importer_report_free(&r);
}

TEST(report_json)
{
    importer_report r;
    CHECK(import_file("tests/data/import/v1-lieux.csv", "v1-lieux", true, &r) == 0);
    json_t *j = importer_report_json(&r);
    CHECK_STR(json_string_value(json_object_get(j, "format")), "schema-1.0.2-csv");
    json_t *counts = json_object_get(j, "counts");
    CHECK(json_integer_value(json_object_get(counts, "rejected")) == 2);
    CHECK(json_integer_value(json_object_get(counts, "unchanged")) == 4);
    json_t *entries = json_object_get(j, "entries");
    CHECK(json_array_size(entries) == r.entry_count);
    json_t *first = json_array_get(entries, 0);
    CHECK_STR(json_string_value(json_object_get(first, "level")), "rejected");
    CHECK_STR(json_string_value(json_object_get(first, "field")), "nom");
    CHECK(json_integer_value(json_object_get(first, "record")) == 2);
    json_decref(j);
    FILE *out = tmpfile();
    CHECK(importer_report_write_json(&r, out) == 0);
    fclose(out);
    importer_report_free(&r);
}

/* The field-presence rule: an update writes only what the file carries. */
static const char PRESENCE_V01[] =
    "[{\"id\":\"p-1\",\"pivot\":\"00000000000000\",\"nom\":\"Espace présence\","
    "\"commune\":\"Lyon\",\"code_postal\":\"69001\",\"adresse\":\"1 rue A\","
    "\"date_maj\":\"2024-01-01\",\"source\":\"Presence\",\"telephone\":\"04 72 00 00 01\","
    "\"horaires\":\"Mo 09:00-12:00\",\"services\":\"Prendre en main un ordinateur\","
    "\"publics_accueillis\":\"Handicaps psychiques : accueil adapté\","
    "\"conditions_acces\":\"Adhésion : 10 euros par an;Accepte le Pass numérique : oui;"
    "Distribue des Pass numériques\","
    "\"modalites_accompagnement\":\"A ma place : un aidant fait pour moi;Seul : en libre accès\"},"
    "{\"id\":\"p-2\",\"pivot\":\"00000000000000\",\"nom\":\"Autre présence\","
    "\"commune\":\"Lyon\",\"code_postal\":\"69002\",\"adresse\":\"2 rue B\","
    "\"date_maj\":\"2024-01-01\",\"source\":\"Presence\",\"services\":\"Créer avec le "
    "numérique\"}]";

TEST(field_presence)
{
    importer_report r;
    CHECK(import_text(PRESENCE_V01, "presence", false, &r) == 0);
    CHECK(r.imported == 2 && r.rejected == 0);
    importer_report_free(&r);
    CHECK_FIELD("p-1", "fees_note", "Adhésion requise");
    CHECK_FIELD("p-1", "pass_numerique_accepted", "1");
    CHECK_FIELD("p-1", "pass_numerique_distributed", "1");
    CHECK_FIELD("p-1", "does_procedures_for_you", "1");
    CHECK_FIELD("p-1", "services_original", "Prendre en main un ordinateur");
    CHECK_FIELD("p-1", "accessibility_notes", "Handicaps psychiques : accueil adapté");

    /* Schema v1 (what Repère exports) with neither telephone nor horaires
     * columns: the facts v1 cannot say and the absent columns are kept; the
     * columns it has are written. */
    static const char v1_without[] =
        "id,pivot,nom,commune,code_postal,adresse,date_maj,source,services,frais_a_charge,"
        "modalites_accompagnement\n"
        "p-1,00000000000000,Espace présence,Lyon,69001,1 rue A,2024-02-01,Presence,"
        "Maîtrise des outils numériques du quotidien,Payant,En autonomie\n";
    CHECK(import_text(v1_without, "presence", false, &r) == 0);
    CHECK(r.updated == 1);
    CHECK(r.untouched_by_format != 0 && r.untouched_by_file != 0);
    char *by_format = importer_untouched_names(r.untouched_by_format, false);
    char *by_file = importer_untouched_names(r.untouched_by_file, false);
    char *for_people = importer_untouched_names(r.untouched_by_format, true);
    CHECK(by_format && strstr(by_format, "fees_note") &&
          strstr(by_format, "does_procedures_for_you") &&
          strstr(by_format, "pass_numerique_accepted") && strstr(by_format, "services_original"));
    CHECK(by_format && !strstr(by_format, "phone")); /* v1 has telephone: the file left it out */
    CHECK(by_file && strstr(by_file, "phone") && strstr(by_file, "hours"));
    CHECK(by_file && !strstr(by_file, "fees_note") && !strstr(by_file, "services,"));
    CHECK(for_people && strstr(for_people, "note sur les tarifs") &&
          strstr(for_people, "fait les démarches à votre place") &&
          strstr(for_people, "Pass numérique accepté"));
    free(by_format);
    free(by_file);
    free(for_people);
    json_t *j = importer_report_json(&r);
    json_t *untouched = json_object_get(j, "untouched");
    CHECK(json_array_size(json_object_get(untouched, "format")) > 0);
    CHECK(json_array_size(json_object_get(untouched, "file")) > 0);
    json_decref(j);
    FILE *out = tmpfile();
    importer_report_print(&r, "v1.csv", out);
    rewind(out);
    char printed[2048] = {0};
    CHECK(fread(printed, 1, sizeof printed - 1, out) > 0);
    fclose(out);
    CHECK(strstr(printed, "this format has no field for them") &&
          strstr(printed, "not in this file"));
    importer_report_free(&r);
    CHECK_FIELD("p-1", "fees_note", "Adhésion requise");
    CHECK_FIELD("p-1", "pass_numerique_accepted", "1");
    CHECK_FIELD("p-1", "pass_numerique_distributed", "1");
    CHECK_FIELD("p-1", "does_procedures_for_you", "1");
    CHECK_FIELD("p-1", "services_original", "Prendre en main un ordinateur");
    CHECK_FIELD("p-1", "accessibility_notes", "Handicaps psychiques : accueil adapté");
    CHECK_FIELD("p-1", "phone", "+33472000001");
    CHECK_FIELD("p-1", "hours", "Mo 09:00-12:00");
    CHECK_FIELD("p-1", "fees", "Payant");
    CHECK_FIELD("p-1", "support_modes", "En autonomie");
    CHECK_FIELD("p-1", "services", "Maîtrise des outils numériques du quotidien");
    CHECK_FIELD("p-1", "date_maj", "2024-02-01");
    /* The same file again: nothing to change. */
    CHECK(import_text(v1_without, "presence", false, &r) == 0);
    CHECK(r.unchanged == 1 && r.updated == 0);
    importer_report_free(&r);

    /* A column present with an empty cell is an empty value: cleared. */
    static const char v1_empty_phone[] =
        "id,pivot,nom,commune,code_postal,adresse,date_maj,source,telephone\n"
        "p-1,00000000000000,Espace présence,Lyon,69001,1 rue A,2024-02-01,Presence,\n";
    CHECK(import_text(v1_empty_phone, "presence", false, &r) == 0);
    CHECK(r.updated == 1);
    importer_report_free(&r);
    CHECK_FIELD_NULL("p-1", "phone");
    CHECK_FIELD("p-1", "hours", "Mo 09:00-12:00");

    /* A fact said in v0.1 wording inside a v1 field is written; unsaid, kept. */
    static const char v1_json_for_you[] =
        "[{\"id\":\"p-2\",\"pivot\":\"00000000000000\",\"nom\":\"Autre présence\","
        "\"commune\":\"Lyon\",\"code_postal\":\"69002\",\"adresse\":\"2 rue B\","
        "\"date_maj\":\"2024-01-01\",\"source\":\"Presence\",\"courriels\":\"a@b.fr\","
        "\"modalites_accompagnement\":\"A ma place : démarches faites pour vous\"}]";
    CHECK(import_text(v1_json_for_you, "presence", false, &r) == 0);
    CHECK(r.format == IMPORTER_FORMAT_V1_JSON);
    importer_report_free(&r);
    CHECK_FIELD("p-2", "does_procedures_for_you", "1");
    CHECK_FIELD("p-2", "services_original", "Créer avec le numérique");

    /* v0.1 JSON: a key present in one record of the file is carried by the
     * file, so a record without it is empty there (the v0.1 export leaves
     * out empty keys); a key no record has is not carried. */
    static const char v01_partial[] =
        "[{\"id\":\"p-1\",\"pivot\":\"00000000000000\",\"nom\":\"Espace présence\","
        "\"commune\":\"Lyon\",\"code_postal\":\"69001\",\"adresse\":\"1 rue A\","
        "\"date_maj\":\"2024-03-01\",\"source\":\"Presence\",\"courriel\":\"p1@b.fr\"},"
        "{\"id\":\"p-2\",\"pivot\":\"00000000000000\",\"nom\":\"Autre présence\","
        "\"commune\":\"Lyon\",\"code_postal\":\"69002\",\"adresse\":\"2 rue B\","
        "\"date_maj\":\"2024-03-01\",\"source\":\"Presence\","
        "\"conditions_acces\":\"Gratuit : oui\"}]";
    CHECK(import_text(v01_partial, "presence", false, &r) == 0);
    CHECK(r.format == IMPORTER_FORMAT_V01_JSON);
    importer_report_free(&r);
    CHECK_FIELD_NULL("p-1", "fees_note");
    CHECK_FIELD("p-1", "pass_numerique_accepted", "0");
    CHECK_FIELD("p-1", "pass_numerique_distributed", "0");
    CHECK_FIELD_NULL("p-1", "fees");
    CHECK_FIELD("p-1", "does_procedures_for_you",
                "1"); /* no modalites_accompagnement in the file */
    CHECK_FIELD("p-2", "fees", "Gratuit");
    CHECK_FIELD("p-2", "does_procedures_for_you", "1");
    CHECK(count_rows("SELECT count(*) FROM place WHERE source = 'Presence'") == 2);
}

int main(void)
{
    test_db_path = xasprintf("/tmp/repere-test-importer-%d.db", (int)getpid());
    char *err = NULL;
    test_db = db_open(test_db_path, &err);
    if (!test_db || db_migrate(test_db, "migrations") < 0) {
        fprintf(stderr, "cannot create test database: %s\n", err ? err : "migrations failed");
        return 2;
    }
    RUN(aura_v01_import);
    RUN(schema_examples);
    RUN(v1_csv);
    RUN(v1_json);
    RUN(duplicates);
    RUN(update_and_dry_run);
    RUN(fts_after_import);
    RUN(manager_edit_survives_reimport);
    RUN(repeated_id_in_file);
    RUN(detection_and_failures);
    RUN(json_errors_located_in_the_file);
    RUN(repeated_hours_same_verdict);
    RUN(report_json);
    RUN(field_presence);
    db_close(test_db);
    const char *suffixes[] = {"", "-wal", "-shm"};
    for (size_t i = 0; i < ARRAY_LEN(suffixes); i++) {
        char *p = xasprintf("%s%s", test_db_path, suffixes[i]);
        unlink(p);
        free(p);
    }
    free(test_db_path);
    return unit_report();
}
