/*
 * intervenant.c — the directory of intervenants (issue 17): vocabularies,
 * the one write path of an entry with its history, the view models.
 * Authorisation happens in the statements themselves (owner, coordinator of
 * the home commune's territory, administrator), sqlite3_changes() == 1.
 */
#include "people/intervenant.h"
#include "core/fr.h"
#include "core/markdown.h"
#include "core/util.h"
#include "geo/geo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const people_term PEOPLE_KINDS[] = {
    {"benevole", "Bénévole"},
    {"independant", "Professionnel·le indépendant·e"},
    {"association", "Association"},
    {"entreprise", "Entreprise"},
    {"agent-public", "Agent public"},
    {"etudiant", "Étudiant·e / service civique"},
    {NULL, NULL},
};

/* Built on the national services list, plus the topics the field asks for. */
const people_term PEOPLE_DOMAINS[] = {
    {"prise-en-main", "Prendre en main un ordinateur, une tablette, un smartphone"},
    {"internet", "Naviguer sur internet, utiliser la messagerie"},
    {"demarches", "Réaliser des démarches administratives en ligne"},
    {"emploi", "Emploi et insertion professionnelle"},
    {"emi", "Éducation aux médias et à l'information"},
    {"illettrisme", "Lutte contre l'illettrisme"},
    {"parentalite", "Parentalité numérique"},
    {"cybersecurite", "Cybersécurité et arnaques"},
    {"logiciels-libres", "Logiciels libres"},
    {"fabrication", "Fabrication numérique"},
    {"accessibilite", "Accessibilité"},
    {NULL, NULL},
};

const people_term PEOPLE_FORMATS[] = {
    {"atelier", "Atelier"},
    {"conference", "Conférence"},
    {"permanence", "Permanence"},
    {"formation", "Formation de médiateurs"},
    {NULL, NULL},
};

const people_term PEOPLE_FEES[] = {
    {"benevole", "Bénévole"},
    {"payant", "Payant"},
    {"devis", "Sur devis"},
    {NULL, NULL},
};

const char *people_label(const people_term *list, const char *code)
{
    if (!code) return NULL;
    for (const people_term *t = list; t->code; t++)
        if (strcmp(t->code, code) == 0) return t->label;
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
                json_array_append_new(out,
                                      json_pack("{s:s, s:s}", "code", t->code, "label", t->label));
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
        " commune_insee, radius_km, remote, confirm_hash, invited_by) VALUES (:email, :name,"
        " :kind, coalesce(:presentation, ''), coalesce(:domains, ''), coalesce(:formats, ''),"
        " coalesce(:fees, 'benevole'), :insee, :radius, :remote, :hash,"
        " nullif(:by, 0))";
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

int intervenant_update_own(db_conn *w, int64_t id, int64_t account, const intervenant_fields *f)
{
    static const char Q[] =
        "UPDATE intervenant SET name = :name, kind = :kind, presentation ="
        " coalesce(:presentation, ''), domains = coalesce(:domains, ''), formats ="
        " coalesce(:formats, ''), fees = coalesce(:fees, 'benevole'), commune_insee = :insee,"
        " radius_km = :radius, remote = :remote, updated_at = strftime('%Y-%m-%dT%H:%M:%SZ',"
        " 'now') WHERE id = :id AND account_id = :account AND status <> 'pending'";
    sqlite3_stmt *s = db_stmt(w, Q);
    bind_fields(s, f);
    db_bind_int(s, ":id", id);
    db_bind_int(s, ":account", account);
    int rc = changed(w, s);
    if (rc == 1) history_add(w, id, account, "edited", NULL);
    return rc;
}

/* SQL condition: :account coordinates intervenant i's home commune (or administers). */
#define COORDINATES_I                                                                              \
    "EXISTS (SELECT 1 FROM account_role ar LEFT JOIN commune c ON c.insee = i.commune_insee"       \
    " WHERE ar.account_id = :account AND (ar.kind = 'admin' OR (ar.kind = 'coordinator'"           \
    " AND (ar.departement = c.departement OR ar.epci = c.epci))))"

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
    " c.name, c.departement, c.latitude, c.longitude, i.presentation, i.status, i.commune_insee"
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
    C_INSEE
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
    /* The area, in words. */
    buf area = {0};
    const char *commune = db_col_text(s, C_COMMUNE);
    int64_t radius = sqlite3_column_int64(s, C_RADIUS);
    if (commune && *commune) {
        if (radius > 0)
            buf_printf(&area, "jusqu'à %lld km autour de %s (%s)", (long long)radius, commune,
                       db_col_text(s, C_DEP));
        else
            buf_printf(&area, "%s (%s)", commune, db_col_text(s, C_DEP));
    }
    if (sqlite3_column_int(s, C_REMOTE)) buf_puts(&area, area.len ? " ; à distance" : "à distance");
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
        json_array_append_new(out,
                              json_pack("{s:s, s:s}", "name", db_col_text(s, 1), "path", path));
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
                            " coalesce(commune_insee, ''), radius_km, remote FROM intervenant"
                            " WHERE id = :id";
    sqlite3_stmt *s = db_stmt(c, Q);
    db_bind_int(s, ":id", id);
    json_t *m = NULL;
    if (sqlite3_step(s) == SQLITE_ROW)
        m = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b}", "name", db_col_text(s, 0),
                      "kind", db_col_text(s, 1), "presentation", db_col_text(s, 2), "domains",
                      db_col_text(s, 3), "formats", db_col_text(s, 4), "fees", db_col_text(s, 5),
                      "commune", db_col_text(s, 6), "radius_km",
                      sqlite3_column_int64(s, 7) ? db_col_text(s, 7) : "", "remote",
                      sqlite3_column_int(s, 8));
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

json_t *intervenant_search(db_conn *c, const char *domain, const char *format, bool has_point,
                           double lat, double lon, const char *insee)
{
    static const char Q[] = "SELECT " PUBLIC_COLS " FROM intervenant i LEFT JOIN commune c ON"
                            " c.insee = i.commune_insee WHERE i.status = 'public'"
                            " ORDER BY i.name COLLATE NOCASE";
    sqlite3_stmt *s = db_stmt(c, Q);
    json_t *out = json_array();
    while (sqlite3_step(s) == SQLITE_ROW) {
        if (domain && *domain && !people_has_code(db_col_text(s, C_DOMAINS), domain)) continue;
        if (format && *format && !people_has_code(db_col_text(s, C_FORMATS), format)) continue;
        if (has_point && !sqlite3_column_int(s, C_REMOTE)) {
            const char *home = db_col_text(s, C_INSEE);
            bool same = home && insee && *insee && strcmp(home, insee) == 0;
            bool near =
                home && sqlite3_column_int64(s, C_RADIUS) > 0 &&
                geo_distance_km(sqlite3_column_double(s, C_LAT), sqlite3_column_double(s, C_LON),
                                lat, lon) <= (double)sqlite3_column_int64(s, C_RADIUS);
            if (!same && !near) continue;
        }
        json_t *m = short_model(s);
        /* The raw codes, for the page's counts. */
        json_object_set_new(m, "_domains", json_string(db_col_text(s, C_DOMAINS)));
        json_object_set_new(m, "_formats", json_string(db_col_text(s, C_FORMATS)));
        json_array_append_new(out, m);
    }
    sqlite3_reset(s);
    return out;
}

json_t *intervenant_queue(db_conn *c, int64_t account)
{
    static const char Q[] =
        "SELECT " PUBLIC_COLS " FROM intervenant i LEFT JOIN commune c ON"
        " c.insee = i.commune_insee WHERE i.status = 'confirmed' AND " COORDINATES_I
        " ORDER BY i.created_at";
    sqlite3_stmt *s = db_stmt(c, Q);
    db_bind_int(s, ":account", account);
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

json_t *intervenant_history(db_conn *c, int64_t id)
{
    static const char Q[] = "SELECT at, event, coalesce(detail, '') FROM intervenant_history"
                            " WHERE intervenant_id = :id ORDER BY at DESC, id DESC";
    sqlite3_stmt *s = db_stmt(c, Q);
    db_bind_int(s, ":id", id);
    json_t *out = json_array();
    while (sqlite3_step(s) == SQLITE_ROW)
        json_array_append_new(out, json_pack("{s:o, s:s, s:s}", "at",
                                             fr_datetime_json(db_col_text(s, 0)), "event",
                                             db_col_text(s, 1), "detail", db_col_text(s, 2)));
    sqlite3_reset(s);
    return out;
}
