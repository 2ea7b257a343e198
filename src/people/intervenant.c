/*
 * intervenant.c — the directory of intervenants (issue 17): vocabularies,
 * the one write path of an entry with its history, the view models.
 * Authorisation happens in the statements themselves (owner, coordinator of
 * the home commune's territory, administrator), sqlite3_changes() == 1.
 */
#include "people/intervenant.h"
#include "core/fr.h"
#include "core/i18n.h"
#include "core/markdown.h"
#include "core/util.h"
#include "geo/geo.h"

#include "core/i18n.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const people_term PEOPLE_KINDS[] = {
    {"benevole", N_("Bénévole")},
    {"independant", N_("Professionnel·le indépendant·e")},
    {"association", N_("Association")},
    {"entreprise", N_("Entreprise")},
    {"agent-public", N_("Agent public")},
    {"etudiant", N_("Étudiant·e / service civique")},
    {NULL, NULL},
};

/* Built on the national services list, plus the topics the field asks for. */
const people_term PEOPLE_DOMAINS[] = {
    {"prise-en-main", N_("Prendre en main un ordinateur, une tablette, un smartphone")},
    {"internet", N_("Naviguer sur internet, utiliser la messagerie")},
    {"demarches", N_("Réaliser des démarches administratives en ligne")},
    {"emploi", N_("Emploi et insertion professionnelle")},
    {"emi", N_("Éducation aux médias et à l'information")},
    {"illettrisme", N_("Lutte contre l'illettrisme")},
    {"parentalite", N_("Parentalité numérique")},
    {"cybersecurite", N_("Cybersécurité et arnaques")},
    {"logiciels-libres", N_("Logiciels libres")},
    {"fabrication", N_("Fabrication numérique")},
    {"accessibilite", N_("Accessibilité")},
    {NULL, NULL},
};

const people_term PEOPLE_FORMATS[] = {
    {"atelier", N_("Atelier")},
    {"conference", N_("Conférence")},
    {"permanence", N_("Permanence")},
    {"formation", N_("Formation de médiateurs")},
    {NULL, NULL},
};

const people_term PEOPLE_FEES[] = {
    {"benevole", N_("Bénévole")},
    {"payant", N_("Payant")},
    {"devis", N_("Sur devis")},
    {NULL, NULL},
};

/* The publics an intervenant works with (the places' publics, plus those the
 * field names for workshops). */
const people_term PEOPLE_PUBLICS[] = {
    {"tout-public", N_("Tout public")},
    {"jeunes", N_("Jeunes")},
    {"familles", N_("Familles, enfants")},
    {"seniors", N_("Seniors")},
    {"emploi", N_("Personnes en recherche d'emploi")},
    {"allophones", N_("Personnes qui apprennent le français")},
    {"illettrisme", N_("Personnes en difficulté avec l'écrit")},
    {"handicap", N_("Personnes en situation de handicap")},
    {"professionnels", N_("Professionnels (médiateurs, travailleurs sociaux)")},
    {NULL, NULL},
};

/* Languages spoken: ISO 639 codes, plus the French sign language. */
const people_term PEOPLE_LANGUAGES[] = {
    {"fr", N_("Français")},
    {"lsf", N_("Langue des signes française")},
    {"en", N_("Anglais")},
    {"ar", N_("Arabe")},
    {"es", N_("Espagnol")},
    {"pt", N_("Portugais")},
    {"it", N_("Italien")},
    {"de", N_("Allemand")},
    {"tr", N_("Turc")},
    {"ro", N_("Roumain")},
    {"ru", N_("Russe")},
    {"uk", N_("Ukrainien")},
    {"fa", N_("Persan (dari, farsi)")},
    {"zh", N_("Chinois")},
    {"ber", N_("Tamazight (berbère)")},
    {"wo", N_("Wolof")},
    {NULL, NULL},
};

/* Approvals that exist in the field; anything else goes in the free text. */
const people_term PEOPLE_APPROVALS[] = {
    {"education-nationale", N_("Agrément Éducation nationale")},
    {"pix", N_("Pix (certification ou habilitation)")},
    {"aidants-connect", N_("Habilitation Aidants Connect")},
    {"formateur-habilite", N_("Formateur habilité (organisme de formation)")},
    {"conseiller-numerique", N_("Conseiller numérique")},
    {"titre-cmn", N_("Titre professionnel Conseiller médiateur numérique")},
    {NULL, NULL},
};

const char *people_label(const people_term *list, const char *code)
{
    if (!code) return NULL;
    for (const people_term *t = list; t->code; t++)
        if (strcmp(t->code, code) == 0) return gettext(t->label);
    return NULL;
}

/* '|'-separated codes as [{code, label}] (unknown codes dropped). */
static json_t *terms_model(const people_term *list, const char *codes)
{
    json_t *out = json_array();
    for (const people_term *t = list; t->code; t++) {
        size_t n = strlen(t->code);
        for (const char *p = codes ? codes : ""; *p;) {
            const char *end = strchr(p, '|');
            size_t len = end ? (size_t)(end - p) : strlen(p);
            if (len == n && memcmp(p, t->code, n) == 0) {
                json_array_append_new(
                    out, json_pack("{s:s, s:s}", "code", t->code, "label", gettext(t->label)));
                break;
            }
            p += len + (end ? 1 : 0);
        }
    }
    return out;
}

/* A statement that failed: say why on stderr (the page answers 500). */
static int failed(db_conn *c, const char *what)
{
    fprintf(stderr, "repere: intervenant %s: %s\n", what, sqlite3_errmsg(db_handle(c)));
    return -1;
}

static void history_add(db_conn *w, int64_t id, int64_t account, const char *event,
                        const char *detail)
{
    static const char Q[] = "INSERT INTO intervenant_history (intervenant_id, account_id, event,"
                            " detail) VALUES (:id, nullif(:account, 0), :event, :detail)";
    sqlite3_stmt *s = db_stmt(w, Q);
    db_bind_int(s, ":id", id);
    db_bind_int(s, ":account", account);
    db_bind_text(s, ":event", event);
    db_bind_text(s, ":detail", detail);
    db_exec_stmt(s);
}

static void bind_fields(sqlite3_stmt *s, const intervenant_fields *f)
{
    db_bind_text(s, ":name", f->name);
    db_bind_text(s, ":kind", f->kind);
    db_bind_text(s, ":presentation", f->presentation ? f->presentation : "");
    db_bind_text(s, ":domains", f->domains ? f->domains : "");
    db_bind_text(s, ":formats", f->formats ? f->formats : "");
    db_bind_text(s, ":fees", f->fees && *f->fees ? f->fees : "benevole");
    db_bind_text(s, ":publics", f->publics ? f->publics : "");
    db_bind_text(s, ":languages", f->languages ? f->languages : "");
    db_bind_text(s, ":approvals", f->approvals ? f->approvals : "");
    db_bind_text(s, ":approvals_other", f->approvals_other ? f->approvals_other : "");
    if (f->commune_insee && *f->commune_insee)
        db_bind_text(s, ":insee", f->commune_insee);
    else
        db_bind_null(s, ":insee");
    db_bind_int(s, ":radius", f->radius_km);
    db_bind_int(s, ":remote", f->remote);
}

int64_t intervenant_create(db_conn *w, const intervenant_fields *f, const char *email,
                           const char *confirm_hash, int64_t place_id, int64_t by)
{
    static const char Q[] =
        "INSERT INTO intervenant (email, name, kind, presentation, domains, formats, fees,"
        " publics, languages, approvals, approvals_other, commune_insee, radius_km, remote,"
        " confirm_hash, invited_by) VALUES (:email, :name, :kind, coalesce(:presentation, ''),"
        " coalesce(:domains, ''), coalesce(:formats, ''), coalesce(:fees, 'benevole'),"
        " coalesce(:publics, ''), coalesce(:languages, ''), coalesce(:approvals, ''),"
        " coalesce(:approvals_other, ''), :insee, :radius, :remote, :hash, nullif(:by, 0))";
    static const char Q_PLACE[] =
        "INSERT OR IGNORE INTO intervenant_place (intervenant_id, place_id)"
        " SELECT :id, id FROM place WHERE id = :place";
    sqlite3_stmt *s = db_stmt(w, Q);
    bind_fields(s, f);
    db_bind_text(s, ":email", email);
    db_bind_text(s, ":hash", confirm_hash);
    db_bind_int(s, ":by", by);
    if (db_exec_stmt(s) != SQLITE_DONE) return failed(w, "create") + 1;
    int64_t id = sqlite3_last_insert_rowid(db_handle(w));
    if (place_id > 0) {
        s = db_stmt(w, Q_PLACE);
        db_bind_int(s, ":id", id);
        db_bind_int(s, ":place", place_id);
        if (db_exec_stmt(s) != SQLITE_DONE) return failed(w, "place") + 1;
    }
    history_add(w, id, by, "created", by ? "invitation" : "candidature");
    return id;
}

int64_t intervenant_by_token(db_conn *c, const char *hash, char **name, char **email)
{
    static const char Q[] = "SELECT id, name, email FROM intervenant WHERE confirm_hash = :hash"
                            " AND status = 'pending'";
    sqlite3_stmt *s = db_stmt(c, Q);
    db_bind_text(s, ":hash", hash);
    int64_t id = 0;
    if (sqlite3_step(s) == SQLITE_ROW) {
        id = sqlite3_column_int64(s, 0);
        if (name) *name = xstrdup(db_col_text(s, 1));
        if (email) *email = xstrdup(db_col_text(s, 2));
    }
    sqlite3_reset(s);
    return id;
}

static int changed(db_conn *w, sqlite3_stmt *s)
{
    if (db_exec_stmt(s) != SQLITE_DONE) return failed(w, "write");
    return sqlite3_changes(db_handle(w)) == 1;
}

int intervenant_confirm(db_conn *w, int64_t id, int64_t account)
{
    static const char Q[] = "UPDATE intervenant SET status = 'confirmed', account_id = :account,"
                            " confirm_hash = NULL, updated_at = strftime('%Y-%m-%dT%H:%M:%SZ',"
                            " 'now') WHERE id = :id AND status = 'pending'";
    sqlite3_stmt *s = db_stmt(w, Q);
    db_bind_int(s, ":id", id);
    db_bind_int(s, ":account", account);
    int rc = changed(w, s);
    if (rc == 1) history_add(w, id, account, "confirmed", NULL);
    return rc;
}

int64_t intervenant_of_account(db_conn *c, int64_t account)
{
    static const char Q[] = "SELECT id FROM intervenant WHERE account_id = :account";
    sqlite3_stmt *s = db_stmt(c, Q);
    db_bind_int(s, ":account", account);
    int64_t id = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
    sqlite3_reset(s);
    return id;
}

/* SQL condition: :account coordinates intervenant i's home commune (or administers). */
#define COORDINATES_I                                                                              \
    "EXISTS (SELECT 1 FROM account_role ar LEFT JOIN commune c ON c.insee = i.commune_insee"       \
    " WHERE ar.account_id = :account AND (ar.kind = 'admin' OR (ar.kind = 'coordinator'"           \
    " AND (ar.departement = c.departement OR ar.epci = c.epci))))"

bool intervenant_coordinates(db_conn *c, int64_t id, int64_t account)
{
    static const char Q[] = "SELECT 1 FROM intervenant i WHERE i.id = :id AND " COORDINATES_I;
    sqlite3_stmt *s = db_stmt(c, Q);
    db_bind_int(s, ":id", id);
    db_bind_int(s, ":account", account);
    bool yes = sqlite3_step(s) == SQLITE_ROW;
    sqlite3_reset(s);
    return yes;
}

/* The editable columns, in the order of the labels below: the history
 * names the fields an edit changed. */
static const char *const EDITABLE_LABELS[] = {
    "nom",     "nature",    "présentation",     "domaines", "formats", "tarif",      "publics",
    "langues", "agréments", "autres agréments", "commune",  "rayon",   "à distance",
};

int intervenant_update(db_conn *w, int64_t id, int64_t account, const intervenant_fields *f)
{
    static const char Q_OLD[] =
        "SELECT name, kind, presentation, domains, formats, fees, publics, languages, approvals,"
        " approvals_other, coalesce(commune_insee, ''), radius_km, remote FROM intervenant"
        " WHERE id = :id";
    static const char Q[] =
        "UPDATE intervenant AS i SET name = :name, kind = :kind, presentation ="
        " coalesce(:presentation, ''), domains = coalesce(:domains, ''), formats ="
        " coalesce(:formats, ''), fees = coalesce(:fees, 'benevole'), publics ="
        " coalesce(:publics, ''), languages = coalesce(:languages, ''), approvals ="
        " coalesce(:approvals, ''), approvals_other = coalesce(:approvals_other, ''),"
        " commune_insee = :insee, radius_km = :radius, remote = :remote, updated_at ="
        " strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE i.id = :id AND i.status <> 'pending'"
        " AND (i.account_id = :account OR " COORDINATES_I ")";
    /* Which fields change: compare the stored row with what comes. */
    char radius[24];
    snprintf(radius, sizeof radius, "%lld", (long long)f->radius_km);
    const char *incoming[] = {
        f->name,
        f->kind,
        f->presentation ? f->presentation : "",
        f->domains ? f->domains : "",
        f->formats ? f->formats : "",
        f->fees && *f->fees ? f->fees : "benevole",
        f->publics ? f->publics : "",
        f->languages ? f->languages : "",
        f->approvals ? f->approvals : "",
        f->approvals_other ? f->approvals_other : "",
        f->commune_insee ? f->commune_insee : "",
        radius,
        f->remote ? "1" : "0",
    };
    _Static_assert(ARRAY_LEN(incoming) == ARRAY_LEN(EDITABLE_LABELS), "one label per column");
    buf changes = {0};
    sqlite3_stmt *s = db_stmt(w, Q_OLD);
    db_bind_int(s, ":id", id);
    if (sqlite3_step(s) == SQLITE_ROW)
        for (int k = 0; k < (int)ARRAY_LEN(incoming); k++) {
            const char *was = db_col_text(s, k);
            if (strcmp(was ? was : "", incoming[k]) != 0)
                buf_printf(&changes, "%s%s", changes.len ? ", " : "", EDITABLE_LABELS[k]);
        }
    sqlite3_reset(s);
    s = db_stmt(w, Q);
    bind_fields(s, f);
    db_bind_int(s, ":id", id);
    db_bind_int(s, ":account", account);
    int rc = changed(w, s);
    if (rc == 1) history_add(w, id, account, "edited", changes.len ? changes.data : "rien");
    buf_free(&changes);
    return rc;
}

int intervenant_validate(db_conn *w, int64_t id, int64_t account)
{
    static const char Q[] = "UPDATE intervenant AS i SET status = 'public', updated_at ="
                            " strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE i.id = :id AND"
                            " i.status = 'confirmed' AND " COORDINATES_I;
    sqlite3_stmt *s = db_stmt(w, Q);
    db_bind_int(s, ":id", id);
    db_bind_int(s, ":account", account);
    int rc = changed(w, s);
    if (rc == 1) history_add(w, id, account, "validated", NULL);
    return rc;
}

int intervenant_delete(db_conn *w, int64_t id, int64_t account)
{
    /* The row goes with its places, workshops and history (ON DELETE
     * CASCADE); the owner's account goes too when it holds no role (it
     * was made for this entry), and the audit log forgets the address. */
    static const char Q_OWNER[] = "SELECT coalesce(account_id, 0), email FROM intervenant WHERE"
                                  " id = :id";
    static const char Q_LINE[] =
        "INSERT OR REPLACE INTO intervenant_deleted (id, departement, by_owner) SELECT i.id,"
        " c.departement, i.account_id IS :account FROM intervenant i LEFT JOIN commune c ON"
        " c.insee = i.commune_insee WHERE i.id = :id";
    static const char Q[] = "DELETE FROM intervenant AS i WHERE i.id = :id AND"
                            " (i.account_id = :account OR " COORDINATES_I ")";
    static const char Q_ACCOUNT[] = "DELETE FROM account WHERE id = :owner AND NOT EXISTS"
                                    " (SELECT 1 FROM account_role WHERE account_id = :owner)";
    static const char Q_AUDIT[] = "UPDATE audit_log SET subject = NULL WHERE subject = :email"
                                  " COLLATE NOCASE";
    sqlite3_stmt *s = db_stmt(w, Q_OWNER);
    db_bind_int(s, ":id", id);
    int64_t owner = 0;
    char *email = NULL;
    if (sqlite3_step(s) == SQLITE_ROW) {
        owner = sqlite3_column_int64(s, 0);
        email = xstrdup(db_col_text(s, 1));
    }
    sqlite3_reset(s);
    s = db_stmt(w, Q_LINE);
    db_bind_int(s, ":id", id);
    db_bind_int(s, ":account", account);
    if (db_exec_stmt(s) != SQLITE_DONE) {
        free(email);
        return failed(w, "deleted line");
    }
    s = db_stmt(w, Q);
    db_bind_int(s, ":id", id);
    db_bind_int(s, ":account", account);
    int rc = changed(w, s);
    if (rc == 1 && owner) {
        s = db_stmt(w, Q_ACCOUNT);
        db_bind_int(s, ":owner", owner);
        if (db_exec_stmt(s) != SQLITE_DONE) rc = failed(w, "account");
    }
    if (rc == 1 && email) {
        s = db_stmt(w, Q_AUDIT);
        db_bind_text(s, ":email", email);
        if (db_exec_stmt(s) != SQLITE_DONE) rc = failed(w, "audit");
    }
    free(email);
    return rc;
}

char *intervenant_email(db_conn *c, int64_t id)
{
    static const char Q[] = "SELECT email FROM intervenant WHERE id = :id AND status = 'public'";
    sqlite3_stmt *s = db_stmt(c, Q);
    db_bind_int(s, ":id", id);
    char *email = sqlite3_step(s) == SQLITE_ROW ? xstrdup(db_col_text(s, 0)) : NULL;
    sqlite3_reset(s);
    return email;
}

/* The public columns, in this order, for every view model. */
#define PUBLIC_COLS                                                                                \
    "i.id, i.name, i.kind, i.domains, i.formats, i.fees, i.radius_km, i.remote,"                   \
    " c.name, c.departement, c.latitude, c.longitude, i.presentation, i.status, i.commune_insee,"  \
    " i.publics, i.languages, i.approvals, i.approvals_other"
enum {
    C_ID,
    C_NAME,
    C_KIND,
    C_DOMAINS,
    C_FORMATS,
    C_FEES,
    C_RADIUS,
    C_REMOTE,
    C_COMMUNE,
    C_DEP,
    C_LAT,
    C_LON,
    C_PRES,
    C_STATUS,
    C_INSEE,
    C_PUBLICS,
    C_LANGUAGES,
    C_APPROVALS,
    C_APPROVALS_OTHER,
    C_EXTRA /* a query's first column after PUBLIC_COLS */
};

static json_t *short_model(sqlite3_stmt *s)
{
    int64_t id = sqlite3_column_int64(s, C_ID);
    const char *name = db_col_text(s, C_NAME);
    char *slug = text_slug(name);
    char *path = xasprintf("/intervenants/%lld-%s", (long long)id, slug);
    json_t *m = json_pack("{s:I, s:s, s:s, s:s, s:s}", "id", (json_int_t)id, "name", name, "slug",
                          slug, "path", path, "status", db_col_text(s, C_STATUS));
    free(slug);
    free(path);
    const char *kind = people_label(PEOPLE_KINDS, db_col_text(s, C_KIND));
    json_object_set_new(m, "kind", json_string(kind ? kind : ""));
    const char *fees = people_label(PEOPLE_FEES, db_col_text(s, C_FEES));
    json_object_set_new(m, "fees", json_string(fees ? fees : ""));
    json_object_set_new(m, "domains", terms_model(PEOPLE_DOMAINS, db_col_text(s, C_DOMAINS)));
    json_object_set_new(m, "formats", terms_model(PEOPLE_FORMATS, db_col_text(s, C_FORMATS)));
    json_object_set_new(m, "publics", terms_model(PEOPLE_PUBLICS, db_col_text(s, C_PUBLICS)));
    json_object_set_new(m, "languages", terms_model(PEOPLE_LANGUAGES, db_col_text(s, C_LANGUAGES)));
    json_object_set_new(m, "approvals", terms_model(PEOPLE_APPROVALS, db_col_text(s, C_APPROVALS)));
    json_object_set_new(m, "approvals_other", json_string(db_col_text(s, C_APPROVALS_OTHER)));
    /* The area, in words. */
    buf area = {0};
    const char *commune = db_col_text(s, C_COMMUNE);
    int64_t radius = sqlite3_column_int64(s, C_RADIUS);
    if (commune && *commune) {
        if (radius > 0)
            buf_printf(&area, _("jusqu'à %lld km autour de %s (%s)"), (long long)radius, commune,
                       db_col_text(s, C_DEP));
        else
            buf_printf(&area, "%s (%s)", commune, db_col_text(s, C_DEP));
    }
    if (sqlite3_column_int(s, C_REMOTE))
        buf_puts(&area, area.len ? _(" ; à distance") : _("à distance"));
    json_object_set_new(m, "area", json_string(area.len ? area.data : ""));
    json_object_set_new(m, "remote", json_boolean(sqlite3_column_int(s, C_REMOTE)));
    buf_free(&area);
    return m;
}

static json_t *name_path_list(db_conn *c, const char *sql, int64_t id)
{
    sqlite3_stmt *s = db_stmt(c, sql);
    db_bind_int(s, ":id", id);
    json_t *out = json_array();
    while (sqlite3_step(s) == SQLITE_ROW) {
        char *slug = text_slug(db_col_text(s, 1));
        char *path =
            xasprintf("%s%lld-%s", db_col_text(s, 2), (long long)sqlite3_column_int64(s, 0),
                      db_col_text(s, 3) ? db_col_text(s, 3) : slug);
        json_array_append_new(out, json_pack("{s:I, s:s, s:s}", "id",
                                             (json_int_t)sqlite3_column_int64(s, 0), "name",
                                             db_col_text(s, 1), "path", path));
        free(slug);
        free(path);
    }
    sqlite3_reset(s);
    return out;
}

json_t *intervenant_view(db_conn *c, int64_t id, bool any)
{
    static const char Q[] = "SELECT " PUBLIC_COLS " FROM intervenant i LEFT JOIN commune c ON"
                            " c.insee = i.commune_insee WHERE i.id = :id"
                            " AND (:any OR i.status = 'public')";
    static const char Q_PLACES[] =
        "SELECT p.id, p.name, '/lieux/', p.slug FROM intervenant_place ip JOIN place p ON"
        " p.id = ip.place_id WHERE ip.intervenant_id = :id ORDER BY p.name";
    static const char Q_WORKSHOPS[] =
        "SELECT w.id, w.title, '/ateliers/', w.slug FROM intervenant_workshop iw JOIN workshop w"
        " ON w.id = iw.workshop_id WHERE iw.intervenant_id = :id AND EXISTS (SELECT 1 FROM"
        " workshop_session ws WHERE ws.workshop_id = w.id AND ws.starts_at >="
        " CAST(strftime('%s', 'now') AS INTEGER)) ORDER BY w.title";
    sqlite3_stmt *s = db_stmt(c, Q);
    db_bind_int(s, ":id", id);
    db_bind_int(s, ":any", any);
    json_t *m = NULL;
    if (sqlite3_step(s) == SQLITE_ROW) {
        m = short_model(s);
        const char *md = db_col_text(s, C_PRES);
        char *why = NULL;
        char *html = md && *md ? md_render(md, strlen(md), &why) : NULL;
        if (html) json_object_set_new(m, "presentation_html", json_string(html));
        free(html);
        free(why);
    }
    sqlite3_reset(s);
    if (!m) return NULL;
    json_object_set_new(m, "places", name_path_list(c, Q_PLACES, id));
    json_object_set_new(m, "workshops", name_path_list(c, Q_WORKSHOPS, id));
    return m;
}

json_t *intervenant_form_values(db_conn *c, int64_t id)
{
    static const char Q[] = "SELECT name, kind, presentation, domains, formats, fees,"
                            " coalesce(commune_insee, ''), radius_km, remote, publics, languages,"
                            " approvals, approvals_other FROM intervenant WHERE id = :id";
    sqlite3_stmt *s = db_stmt(c, Q);
    db_bind_int(s, ":id", id);
    json_t *m = NULL;
    if (sqlite3_step(s) == SQLITE_ROW)
        m = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:s, s:s, s:s, s:s}", "name",
                      db_col_text(s, 0), "kind", db_col_text(s, 1), "presentation",
                      db_col_text(s, 2), "domains", db_col_text(s, 3), "formats", db_col_text(s, 4),
                      "fees", db_col_text(s, 5), "commune", db_col_text(s, 6), "radius_km",
                      sqlite3_column_int64(s, 7) ? db_col_text(s, 7) : "", "remote",
                      sqlite3_column_int(s, 8), "publics", db_col_text(s, 9), "languages",
                      db_col_text(s, 10), "approvals", db_col_text(s, 11), "approvals_other",
                      db_col_text(s, 12));
    sqlite3_reset(s);
    return m;
}

bool people_has_code(const char *codes, const char *code)
{
    size_t n = strlen(code);
    for (const char *p = codes ? codes : ""; *p;) {
        const char *end = strchr(p, '|');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len == n && memcmp(p, code, n) == 0) return true;
        p += len + (end ? 1 : 0);
    }
    return false;
}

bool intervenant_serves(const char *home, double home_lat, double home_lon, int64_t radius_km,
                        bool remote, const char *insee, double lat, double lon)
{
    if (remote) return true;
    if (!home || !*home) return false;
    if (insee && *insee && strcmp(home, insee) == 0) return true;
    return radius_km > 0 && geo_distance_km(home_lat, home_lon, lat, lon) <= (double)radius_km;
}

/* Does the entry of row `s` (PUBLIC_COLS) serve the point of `q`? */
static bool row_serves(sqlite3_stmt *s, const char *insee, double lat, double lon)
{
    return intervenant_serves(db_col_text(s, C_INSEE), sqlite3_column_double(s, C_LAT),
                              sqlite3_column_double(s, C_LON), sqlite3_column_int64(s, C_RADIUS),
                              sqlite3_column_int(s, C_REMOTE), insee, lat, lon);
}

static bool code_matches(sqlite3_stmt *s, int col, const char *code)
{
    return !code || !*code || people_has_code(db_col_text(s, col), code);
}

json_t *intervenant_search(db_conn *c, const intervenant_query *q)
{
    static const char Q[] = "SELECT " PUBLIC_COLS " FROM intervenant i LEFT JOIN commune c ON"
                            " c.insee = i.commune_insee WHERE i.status = 'public'"
                            " ORDER BY i.name COLLATE NOCASE";
    sqlite3_stmt *s = db_stmt(c, Q);
    json_t *out = json_array();
    while (sqlite3_step(s) == SQLITE_ROW) {
        if (!code_matches(s, C_DOMAINS, q->domain) || !code_matches(s, C_FORMATS, q->format) ||
            !code_matches(s, C_PUBLICS, q->public_code) ||
            !code_matches(s, C_LANGUAGES, q->language))
            continue;
        if (q->has_point && !row_serves(s, q->insee, q->lat, q->lon)) continue;
        if (!q->has_point && q->departement && *q->departement &&
            !sqlite3_column_int(s, C_REMOTE)) {
            const char *dep = db_col_text(s, C_DEP);
            if (!dep || strcmp(dep, q->departement) != 0) continue;
        }
        json_t *m = short_model(s);
        /* The raw codes, for the page's counts. */
        json_object_set_new(m, "_domains", json_string(db_col_text(s, C_DOMAINS)));
        json_object_set_new(m, "_formats", json_string(db_col_text(s, C_FORMATS)));
        json_object_set_new(m, "_publics", json_string(db_col_text(s, C_PUBLICS)));
        json_object_set_new(m, "_languages", json_string(db_col_text(s, C_LANGUAGES)));
        json_array_append_new(out, m);
    }
    sqlite3_reset(s);
    return out;
}

json_t *intervenant_eligible_for_place(db_conn *c, int64_t place_id)
{
    static const char Q_PLACE[] = "SELECT coalesce(commune_insee, ''), latitude, longitude,"
                                  " latitude IS NOT NULL FROM place WHERE id = :id";
    static const char Q[] =
        "SELECT " PUBLIC_COLS ", EXISTS (SELECT 1 FROM intervenant_place ip WHERE"
        " ip.intervenant_id = i.id AND ip.place_id = :place) FROM intervenant i LEFT JOIN commune"
        " c ON c.insee = i.commune_insee WHERE i.status = 'public' ORDER BY i.name COLLATE NOCASE";
    sqlite3_stmt *s = db_stmt(c, Q_PLACE);
    db_bind_int(s, ":id", place_id);
    char insee[8] = "";
    double lat = 0, lon = 0;
    bool located = false;
    if (sqlite3_step(s) == SQLITE_ROW) {
        snprintf(insee, sizeof insee, "%s", db_col_text(s, 0));
        lat = sqlite3_column_double(s, 1);
        lon = sqlite3_column_double(s, 2);
        located = sqlite3_column_int(s, 3);
    }
    sqlite3_reset(s);
    s = db_stmt(c, Q);
    db_bind_int(s, ":place", place_id);
    json_t *out = json_array();
    while (sqlite3_step(s) == SQLITE_ROW) {
        bool attached = sqlite3_column_int(s, C_EXTRA);
        if (!attached && !(located && row_serves(s, insee, lat, lon))) continue;
        json_t *m = short_model(s);
        json_object_set_new(m, "attached", json_boolean(attached));
        json_array_append_new(out, m);
    }
    sqlite3_reset(s);
    return out;
}

/* Run one INSERT/DELETE of a link (:id, :other); on a change, a history line. */
static int link_change(db_conn *w, const char *sql, int64_t id, int64_t other, int64_t by,
                       const char *event, const char *detail_sql)
{
    sqlite3_stmt *s = db_stmt(w, sql);
    db_bind_int(s, ":id", id);
    db_bind_int(s, ":other", other);
    if (db_exec_stmt(s) != SQLITE_DONE) return failed(w, event);
    if (sqlite3_changes(db_handle(w)) != 1) return 0;
    s = db_stmt(w, detail_sql);
    db_bind_int(s, ":other", other);
    char *detail = sqlite3_step(s) == SQLITE_ROW ? xstrdup(db_col_text(s, 0)) : NULL;
    sqlite3_reset(s);
    history_add(w, id, by, event, detail);
    free(detail);
    return 1;
}

/* The names history lines give to a workshop and a place. */
static const char Q_WORKSHOP_NAME[] = "SELECT title FROM workshop WHERE id = :other";
static const char Q_PLACE_NAME[] = "SELECT name FROM place WHERE id = :other";

int intervenant_link_workshop(db_conn *w, int64_t id, int64_t workshop_id, int64_t by)
{
    static const char Q[] = "INSERT OR IGNORE INTO intervenant_workshop (intervenant_id,"
                            " workshop_id) SELECT i.id, :other FROM intervenant i WHERE i.id ="
                            " :id AND i.status = 'public'";
    return link_change(w, Q, id, workshop_id, by, "workshop_linked", Q_WORKSHOP_NAME);
}

int intervenant_unlink_workshop(db_conn *w, int64_t id, int64_t workshop_id, int64_t by)
{
    static const char Q[] = "DELETE FROM intervenant_workshop WHERE intervenant_id = :id AND"
                            " workshop_id = :other";
    return link_change(w, Q, id, workshop_id, by, "workshop_unlinked", Q_WORKSHOP_NAME);
}

int intervenant_request_place(db_conn *w, int64_t id, int64_t place_id, int64_t by)
{
    static const char Q[] =
        "INSERT OR IGNORE INTO intervenant_place_request (intervenant_id, place_id) SELECT :id,"
        " p.id FROM place p WHERE p.id = :other AND NOT EXISTS (SELECT 1 FROM intervenant_place"
        " ip WHERE ip.intervenant_id = :id AND ip.place_id = p.id)";
    return link_change(w, Q, id, place_id, by, "place_requested", Q_PLACE_NAME);
}

int intervenant_attach_place(db_conn *w, int64_t id, int64_t place_id, int64_t by)
{
    static const char Q_DONE[] = "DELETE FROM intervenant_place_request WHERE intervenant_id ="
                                 " :id AND place_id = :other";
    static const char Q[] = "INSERT OR IGNORE INTO intervenant_place (intervenant_id, place_id)"
                            " SELECT :id, p.id FROM place p WHERE p.id = :other";
    sqlite3_stmt *s = db_stmt(w, Q_DONE);
    db_bind_int(s, ":id", id);
    db_bind_int(s, ":other", place_id);
    if (db_exec_stmt(s) != SQLITE_DONE) return failed(w, "request");
    return link_change(w, Q, id, place_id, by, "attached", Q_PLACE_NAME);
}

int intervenant_detach_place(db_conn *w, int64_t id, int64_t place_id, int64_t by)
{
    static const char Q_REQUEST[] = "DELETE FROM intervenant_place_request WHERE intervenant_id ="
                                    " :id AND place_id = :other";
    static const char Q[] = "DELETE FROM intervenant_place WHERE intervenant_id = :id AND"
                            " place_id = :other";
    int rc = link_change(w, Q_REQUEST, id, place_id, by, "request_withdrawn", Q_PLACE_NAME);
    if (rc < 0) return rc;
    int rc2 = link_change(w, Q, id, place_id, by, "detached", Q_PLACE_NAME);
    return rc2 < 0 ? rc2 : (rc || rc2);
}

json_t *intervenant_place_requests(db_conn *c, int64_t id)
{
    static const char Q[] = "SELECT p.id, p.name, '/lieux/', p.slug FROM intervenant_place_request"
                            " r JOIN place p ON p.id = r.place_id WHERE r.intervenant_id = :id"
                            " ORDER BY p.name";
    return name_path_list(c, Q, id);
}

json_t *intervenant_queue(db_conn *c, int64_t account)
{
    static const char Q[] =
        "SELECT " PUBLIC_COLS " FROM intervenant i LEFT JOIN commune c ON"
        " c.insee = i.commune_insee WHERE i.status = 'confirmed' AND " COORDINATES_I
        " ORDER BY i.created_at LIMIT 100";
    sqlite3_stmt *s = db_stmt(c, Q);
    db_bind_int(s, ":account", account);
    json_t *out = json_array();
    while (sqlite3_step(s) == SQLITE_ROW)
        json_array_append_new(out, short_model(s));
    sqlite3_reset(s);
    return out;
}

json_t *intervenant_of_territory(db_conn *c, int64_t account, int64_t offset, int64_t limit,
                                 int64_t *total)
{
    static const char Q_COUNT[] = "SELECT count(*) FROM intervenant i WHERE i.status <> 'pending'"
                                  " AND " COORDINATES_I;
    static const char Q[] =
        "SELECT " PUBLIC_COLS " FROM intervenant i LEFT JOIN commune c ON"
        " c.insee = i.commune_insee WHERE i.status <> 'pending' AND " COORDINATES_I
        " ORDER BY i.name COLLATE NOCASE, i.id LIMIT :limit"
        " OFFSET :offset";
    sqlite3_stmt *s = db_stmt(c, Q_COUNT);
    db_bind_int(s, ":account", account);
    *total = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
    sqlite3_reset(s);
    s = db_stmt(c, Q);
    db_bind_int(s, ":account", account);
    db_bind_int(s, ":limit", limit);
    db_bind_int(s, ":offset", offset);
    json_t *out = json_array();
    while (sqlite3_step(s) == SQLITE_ROW)
        json_array_append_new(out, short_model(s));
    sqlite3_reset(s);
    return out;
}

json_t *intervenant_of_place(db_conn *c, int64_t place_id)
{
    static const char Q[] = "SELECT i.id, i.name, '/intervenants/', NULL FROM intervenant_place ip"
                            " JOIN intervenant i ON i.id = ip.intervenant_id WHERE ip.place_id ="
                            " :id AND i.status = 'public' ORDER BY i.name COLLATE NOCASE";
    return name_path_list(c, Q, place_id);
}

json_t *intervenant_of_workshop(db_conn *c, int64_t workshop_id)
{
    static const char Q[] = "SELECT i.id, i.name, '/intervenants/', NULL FROM"
                            " intervenant_workshop iw JOIN intervenant i ON i.id ="
                            " iw.intervenant_id WHERE iw.workshop_id = :id AND i.status ="
                            " 'public' ORDER BY i.name COLLATE NOCASE";
    return name_path_list(c, Q, workshop_id);
}

/* What each history event means, for a person. */
static const people_term HISTORY_EVENTS[] = {
    {"created", N_("Fiche créée")},
    {"confirmed", N_("Confirmée par la personne (lien reçu par courriel)")},
    {"edited", N_("Modifiée")},
    {"validated", N_("Validée par la coordination : publique")},
    {"place_requested", N_("Demande de rattachement à un lieu")},
    {"request_withdrawn", N_("Demande de rattachement retirée")},
    {"attached", N_("Rattachée à un lieu")},
    {"detached", N_("Détachée d'un lieu")},
    {"workshop_linked", N_("Anime un atelier")},
    {"workshop_unlinked", N_("N'anime plus un atelier")},
    {NULL, NULL},
};

json_t *intervenant_history(db_conn *c, int64_t id)
{
    static const char Q[] =
        "SELECT h.at, h.event, coalesce(h.detail, ''), CASE WHEN h.account_id IS NULL THEN ''"
        " ELSE coalesce(a.email, '') END, coalesce(h.account_id = i.account_id, 0)"
        " FROM intervenant_history h JOIN intervenant i ON i.id ="
        " h.intervenant_id LEFT JOIN account a ON a.id = h.account_id WHERE h.intervenant_id ="
        " :id ORDER BY h.at DESC, h.id DESC";
    sqlite3_stmt *s = db_stmt(c, Q);
    db_bind_int(s, ":id", id);
    json_t *out = json_array();
    while (sqlite3_step(s) == SQLITE_ROW) {
        const char *event = db_col_text(s, 1);
        const char *label = people_label(HISTORY_EVENTS, event);
        json_array_append_new(
            out,
            json_pack("{s:o, s:s, s:s, s:s, s:s}", "at", fr_datetime_json(db_col_text(s, 0)),
                      "event", event, "label", label ? gettext(label) : event, "detail",
                      db_col_text(s, 2), "who",
                      sqlite3_column_int(s, 4) ? _("la personne elle-même") : db_col_text(s, 3)));
    }
    sqlite3_reset(s);
    return out;
}

json_t *intervenant_deleted_line(db_conn *c, int64_t id, int64_t account)
{
    static const char Q[] =
        "SELECT d.deleted_at, d.by_owner, coalesce(d.departement, '') FROM intervenant_deleted d"
        " WHERE d.id = :id AND EXISTS (SELECT 1 FROM account_role ar WHERE ar.account_id ="
        " :account AND (ar.kind = 'admin' OR (ar.kind = 'coordinator' AND ar.departement ="
        " d.departement)))";
    sqlite3_stmt *s = db_stmt(c, Q);
    db_bind_int(s, ":id", id);
    db_bind_int(s, ":account", account);
    json_t *m = NULL;
    if (sqlite3_step(s) == SQLITE_ROW)
        m = json_pack("{s:s, s:b, s:s}", "at", db_col_text(s, 0), "by_owner",
                      sqlite3_column_int(s, 1), "departement", db_col_text(s, 2));
    sqlite3_reset(s);
    return m;
}
