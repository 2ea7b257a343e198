/*
 * dashboard.c — the dashboard (my places; for coordinators: freshness of the
 * territory, open reports, pending claims, managers without recent login,
 * reminders), creating a place, inviting, deciding claims, marking reports
 * handled; for administrators: accounts, the audit log, the outbox.
 */
#include "accounts/access.h"
#include "accounts/auth.h"
#include "core/fr.h"
#include "places/history.h"
#include "core/mail.h"
#include "core/validate.h"
#include "pages/form.h"
#include "pages/pages.h"
#include "places/place_store.h"
#include "places/place_view.h"
#include "http/session.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    DASHBOARD_LIST_MAX = 50, /* rows per list on the dashboard */
    LOG_SHOWN = 300,
    MANAGER_IDLE_DAYS = 90, /* "managers without recent login" */
};

static const char *const REPORT_KINDS[][2] = {
    {"adresse", N_("Adresse")},       {"horaires", N_("Horaires")}, {"telephone", N_("Téléphone")},
    {"ferme", N_("Le lieu a fermé")}, {"services", N_("Services")}, {"autre", N_("Autre chose")},
};

static const char *report_kind_label(const char *k)
{
    for (size_t i = 0; i < ARRAY_LEN(REPORT_KINDS); i++)
        if (strcmp(REPORT_KINDS[i][0], k) == 0) return gettext(REPORT_KINDS[i][1]);
    return k;
}

/* Timestamps of the database in Europe/Paris and in words (core/fr.c). */
static json_t *date_fr(const char *iso)
{
    return fr_datetime_json(iso);
}

json_t *admin_reports_model(req *r, sqlite3_stmt *s)
{
    (void)r;
    json_t *a = json_array();
    while (sqlite3_step(s) == SQLITE_ROW) {
        json_t *o = json_pack("{s:I, s:o, s:s}", "id", (json_int_t)sqlite3_column_int64(s, 0),
                              "date", date_fr(db_col_text(s, 1)), "message", db_col_text(s, 3));
        json_t *kinds = json_array();
        char *k = xstrdup(db_col_text(s, 2) ? db_col_text(s, 2) : ""), *save = NULL;
        for (char *t = strtok_r(k, "|", &save); t; t = strtok_r(NULL, "|", &save))
            json_array_append_new(kinds, json_string(report_kind_label(t)));
        free(k);
        json_object_set_new(o, "kinds", kinds);
        if (db_col_text(s, 4)) json_object_set_new(o, "contact", json_string(db_col_text(s, 4)));
        if (sqlite3_column_count(s) > 6) {
            json_object_set_new(o, "place_id", json_integer(sqlite3_column_int64(s, 5)));
            json_object_set_new(o, "place_name", json_string(db_col_text(s, 6)));
        }
        json_array_append_new(a, o);
    }
    sqlite3_reset(s);
    return a;
}

/* ---- the dashboard ---- */

#define LATEST "max(coalesce(p.verified_at, ''), p.date_maj)"
#define AGE_DAYS "(julianday('now') - julianday(substr(" LATEST ", 1, 10)))"

/* Used by: the dashboard (places the account manages by name). */
static const char Q_MY_PLACES[] =
    "SELECT p.id, p.name, p.commune, " LATEST ", " AGE_DAYS ", p.closed_at,"
    " (SELECT count(*) FROM place_report r WHERE r.place_id = p.id AND r.handled_at IS NULL)"
    " FROM place p WHERE EXISTS (SELECT 1 FROM account_role ar WHERE ar.account_id = :account"
    " AND ar.place_id = p.id) ORDER BY p.name LIMIT 200";
/* Used by: the dashboard (freshness of the territory). */
static const char Q_FRESHNESS[] =
    "SELECT count(*), coalesce(sum(" AGE_DAYS " < 182), 0),"
    " coalesce(sum(" AGE_DAYS " >= 182 AND " AGE_DAYS " < 365), 0),"
    " coalesce(sum(" AGE_DAYS " >= 365), 0)"
    " FROM place p WHERE p.closed_at IS NULL AND " ADMIN_COORDINATES("p", ":account");
/* Used by: the dashboard (the stalest listings of the territory). */
static const char Q_STALE[] =
    "SELECT p.id, p.name, p.commune, " LATEST ", " AGE_DAYS ","
    " (SELECT max(m.stage) FROM place_reminder m WHERE m.place_id = p.id AND m.basis = "
    "coalesce(p.verified_at, p.date_maj)),"
    " EXISTS (SELECT 1 FROM account_role ar WHERE ar.place_id = p.id AND ar.kind = 'manager')"
    " FROM place p WHERE p.closed_at IS NULL AND " AGE_DAYS
    " >= 182 AND " ADMIN_COORDINATES("p", ":account") " ORDER BY " LATEST " LIMIT 50";
/* Used by: the dashboard inbox (open reports the account may act on). */
static const char Q_REPORTS[] =
    "SELECT r.id, r.created_at, r.kinds, r.message, r.contact, p.id, p.name"
    " FROM place_report r JOIN place p ON p.id = r.place_id"
    " WHERE r.handled_at IS NULL AND " ADMIN_CAN_EDIT("p",
                                                      ":account") " ORDER BY r.id DESC LIMIT 50";
/* Used by: the dashboard (claims waiting for this coordinator). */
static const char Q_CLAIMS[] =
    "SELECT c.id, c.created_at, c.name, c.role, c.email, c.message, p.id, p.name"
    " FROM place_claim c JOIN place p ON p.id = c.place_id"
    " WHERE c.status = 'pending' AND " ADMIN_COORDINATES("p", ":account") " ORDER BY c.id LIMIT 50";
/* Used by: the dashboard (managers of the territory who have not signed in lately). */
static const char Q_IDLE_MANAGERS[] =
    "SELECT a.email, a.last_login_at, p.id, p.name FROM account a"
    " JOIN account_role ar ON ar.account_id = a.id AND ar.kind = 'manager'"
    " JOIN place p ON p.id = ar.place_id"
    " WHERE (a.last_login_at IS NULL OR a.last_login_at < strftime('%Y-%m-%dT%H:%M:%SZ', 'now', "
    ":idle))"
    " AND " ADMIN_COORDINATES("p", ":account") " ORDER BY a.last_login_at, a.email LIMIT 50";

static json_t *freshness_word(double age)
{
    return json_string(age < 182 ? _("récente") : age < 365 ? _("6 à 12 mois") : _("plus d'un an"));
}

/* The invitation form (on the dashboard), declared once (form.h). */
static const form_field INVITE_FIELDS[] = {
    {.name = "email",
     .label = N_("Adresse électronique"),
     .required = true,
     .rule = validate_email},
    {.name = "name", .label = NC_("nom d'une personne", "Nom"), .max_chars = 200},
    {.name = "place", .label = N_("Numéro du lieu"), .max_chars = 15},
    {.name = "role", .label = N_("Autre rôle"), .max_chars = 60},
};
enum { I_EMAIL, I_NAME, I_PLACE, I_ROLE, I_COUNT };
_Static_assert(ARRAY_LEN(INVITE_FIELDS) == I_COUNT, "one index per field");

/* The dashboard; with `invite_errors` (taken), the invitation form again
 * with what was typed and its messages (400). */
static int dashboard(req *r, const char *const *invite_values, json_t *invite_errors)
{
    db_conn *c = db_reader(r->app->db);
    int64_t me = r->user->account_id;
    json_t *m = session_page_model(r, _("Espace gestionnaires"));
    json_t *mine = json_array();
    sqlite3_stmt *s = db_stmt(c, Q_MY_PLACES);
    db_bind_int(s, ":account", me);
    while (sqlite3_step(s) == SQLITE_ROW) {
        double age = sqlite3_column_double(s, 4);
        json_t *o = json_pack("{s:I, s:s, s:s, s:o, s:o, s:b, s:i}", "id",
                              (json_int_t)sqlite3_column_int64(s, 0), "name", db_col_text(s, 1),
                              "commune", db_col_text(s, 2), "verified", date_fr(db_col_text(s, 3)),
                              "freshness", freshness_word(age), "stale", age >= 182, "reports",
                              sqlite3_column_int(s, 6));
        if (db_col_text(s, 5)) json_object_set_new(o, "closed", json_true());
        json_array_append_new(mine, o);
    }
    sqlite3_reset(s);
    json_object_set_new(m, "my_places", mine);

    s = db_stmt(c, Q_REPORTS);
    db_bind_int(s, ":account", me);
    json_object_set_new(m, "reports", admin_reports_model(r, s));

    if (r->user->coordinator || r->user->admin) {
        json_object_set_new(m, "coordinator", json_true());
        s = db_stmt(c, Q_FRESHNESS);
        db_bind_int(s, ":account", me);
        if (sqlite3_step(s) == SQLITE_ROW)
            json_object_set_new(m, "freshness",
                                json_pack("{s:i, s:i, s:i, s:i}", "total", sqlite3_column_int(s, 0),
                                          "recent", sqlite3_column_int(s, 1), "middle",
                                          sqlite3_column_int(s, 2), "old",
                                          sqlite3_column_int(s, 3)));
        sqlite3_reset(s);
        json_t *stale = json_array();
        s = db_stmt(c, Q_STALE);
        db_bind_int(s, ":account", me);
        while (sqlite3_step(s) == SQLITE_ROW) {
            json_t *o =
                json_pack("{s:I, s:s, s:s, s:o, s:o, s:b}", "id",
                          (json_int_t)sqlite3_column_int64(s, 0), "name", db_col_text(s, 1),
                          "commune", db_col_text(s, 2), "verified", date_fr(db_col_text(s, 3)),
                          "freshness", freshness_word(sqlite3_column_double(s, 4)), "has_manager",
                          sqlite3_column_int(s, 6));
            if (sqlite3_column_type(s, 5) != SQLITE_NULL)
                json_object_set_new(o, "reminded", json_integer(sqlite3_column_int(s, 5)));
            json_array_append_new(stale, o);
        }
        sqlite3_reset(s);
        json_object_set_new(m, "stale", stale);
        json_t *claims = json_array();
        s = db_stmt(c, Q_CLAIMS);
        db_bind_int(s, ":account", me);
        while (sqlite3_step(s) == SQLITE_ROW) {
            json_t *o = json_pack(
                "{s:I, s:o, s:s, s:s, s:I, s:s}", "id", (json_int_t)sqlite3_column_int64(s, 0),
                "date", date_fr(db_col_text(s, 1)), "name", db_col_text(s, 2), "email",
                db_col_text(s, 4), "place_id", (json_int_t)sqlite3_column_int64(s, 6), "place_name",
                db_col_text(s, 7));
            json_object_set_new(o, "place_admin_path",
                                json_sprintf("/admin/lieux/%lld", sqlite3_column_int64(s, 6)));
            if (db_col_text(s, 3)) json_object_set_new(o, "role", json_string(db_col_text(s, 3)));
            if (db_col_text(s, 5))
                json_object_set_new(o, "message", json_string(db_col_text(s, 5)));
            json_array_append_new(claims, o);
        }
        sqlite3_reset(s);
        json_object_set_new(m, "claims", claims);
        json_t *idle = json_array();
        s = db_stmt(c, Q_IDLE_MANAGERS);
        db_bind_int(s, ":account", me);
        db_bind_text(s, ":idle", "-90 days");
        while (sqlite3_step(s) == SQLITE_ROW) {
            json_t *o =
                json_pack("{s:s, s:I, s:s}", "email", db_col_text(s, 0), "place_id",
                          (json_int_t)sqlite3_column_int64(s, 2), "place_name", db_col_text(s, 3));
            json_object_set_new(o, "last_login",
                                db_col_text(s, 1) ? date_fr(db_col_text(s, 1))
                                                  : json_string(_("jamais")));
            json_array_append_new(idle, o);
        }
        sqlite3_reset(s);
        json_object_set_new(m, "idle_managers", idle);
    }
    const char *ok = req_query(r, "ok");
    if (ok) {
        const char *msg =
            strcmp(ok, "invitation") == 0 ? _("L'invitation a été envoyée.")
            : strcmp(ok, "accepte") == 0 ? _("Demande acceptée : une invitation a été envoyée.")
            : strcmp(ok, "refuse") == 0  ? _("Demande refusée : la personne a été prévenue.")
            : strcmp(ok, "traite") == 0  ? _("Signalement marqué comme traité.")
                                         : _("C'est fait.");
        json_object_set_new(m, "notice", json_string(msg));
    }
    if (invite_errors) {
        json_object_set_new(m, "invite", form_values_model(INVITE_FIELDS, I_COUNT, invite_values));
        json_object_set_new(m, "invite_errors", invite_errors);
        r->status = 400;
    }
    return reply_page(r, "admin", m);
}

int page_admin(req *r)
{
    return dashboard(r, NULL, NULL);
}

/* ---- reports and claims ---- */

/* Used by: page_admin_report_handled (authorised in the statement). */
static const char Q_REPORT_HANDLED[] =
    "UPDATE place_report SET handled_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), handled_by = "
    ":account"
    " WHERE id = :id AND handled_at IS NULL AND EXISTS (SELECT 1 FROM place p"
    " WHERE p.id = place_report.place_id AND " ADMIN_CAN_EDIT("p", ":account") ")";

static int64_t id_param(req *r, size_t i)
{
    return r->nparams > i ? place_parse_segment(r->params[i], NULL) : 0;
}

/* What the transactions below refuse: not theirs to act on, or nothing to do. */
enum { NOT_YOURS = -3 };

typedef struct id_args {
    req *r;
    int64_t id;
} id_args;

static int report_handled_tx(db_conn *w, void *ctx)
{
    const id_args *a = ctx;
    sqlite3_stmt *s = db_stmt(w, Q_REPORT_HANDLED);
    db_bind_int(s, ":id", a->id);
    db_bind_int(s, ":account", a->r->user->account_id);
    if (db_exec_stmt(s) != SQLITE_DONE || sqlite3_changes(db_handle(w)) != 1) return NOT_YOURS;
    auth_audit(w, "report_handled", a->r->user->account_id,
               arena_printf(a->r->arena, "report:%lld", (long long)a->id), req_client_ip(a->r),
               NULL);
    return 0;
}

int page_admin_report_handled(req *r)
{
    id_args a = {r, id_param(r, 0)};
    int rc = db_transaction(r->app->db, report_handled_tx, &a);
    if (rc == NOT_YOURS)
        return reply_error(r, 403,
                           "Ce signalement n'existe pas, est déjà traité, ou ne concerne pas un "
                           "lieu que vous gérez.");
    if (rc < 0) return -1;
    const char *back = req_form(r, "retour");
    if (back && str_starts_with(back, "/admin/lieux/") && !strpbrk(back, "\r\n"))
        return reply_redirect(r, 303, back);
    return reply_redirect(r, 303, "/admin?ok=traite");
}

/* Used by: page_admin_claim_decide. */
static const char Q_CLAIM_GET[] = "SELECT c.place_id, c.name, c.email, p.name FROM place_claim c "
                                  "JOIN place p ON p.id = c.place_id"
                                  " WHERE c.id = :id AND c.status = 'pending'";
static const char Q_CLAIM_DECIDE[] =
    "UPDATE place_claim SET status = :status, reason = :reason, decided_by = :account,"
    " decided_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"
    " WHERE id = :id AND status = 'pending' AND EXISTS (SELECT 1 FROM place p"
    " WHERE p.id = place_claim.place_id AND " ADMIN_COORDINATES("p", ":account") ")";

typedef struct claim_args {
    req *r;
    int64_t id;
    bool accept;
    const char *reason;
    int64_t place_id;
    const char *name, *email;
    char *link; /* out: the invitation link when accepted (malloc'd) */
} claim_args;

/* Inside the transaction: the decision (authorised in the statement), the
 * invitation when accepted, the audit line. */
static int claim_decide_tx(db_conn *w, void *ctx)
{
    claim_args *a = ctx;
    req *r = a->r;
    sqlite3_stmt *s = db_stmt(w, Q_CLAIM_DECIDE);
    db_bind_text(s, ":status", a->accept ? "accepted" : "refused");
    db_bind_text(s, ":reason", a->reason);
    db_bind_int(s, ":account", r->user->account_id);
    db_bind_int(s, ":id", a->id);
    if (db_exec_stmt(s) != SQLITE_DONE || sqlite3_changes(db_handle(w)) != 1) return NOT_YOURS;
    if (a->accept) {
        role_spec role = {.kind = ROLE_MANAGER, .place_id = a->place_id};
        a->link = admin_invite(r->app, w, a->email, a->name, &role, 1, r->user->account_id);
        if (!a->link) return -1;
    }
    auth_audit(w, a->accept ? "claim_accepted" : "claim_refused", r->user->account_id,
               arena_printf(r->arena, "claim:%lld", (long long)a->id), req_client_ip(r), a->email);
    return 0;
}

int page_admin_claim_decide(req *r)
{
    int64_t id = id_param(r, 0);
    const char *decision = r->params[1];
    bool accept = strcmp(decision, "accepter") == 0;
    if (!accept && strcmp(decision, "refuser") != 0)
        return reply_error(r, 404, "Cette action n'existe pas.");
    const char *reason_raw = req_form(r, "reason");
    char *reason = str_trim(arena_strdup(r->arena, reason_raw ? reason_raw : ""));
    if (!accept && (!*reason || utf8_length(reason) > 1000))
        return reply_error(r, 400,
                           "Indiquez la raison du refus (1 000 caractères au plus) : elle est "
                           "envoyée à la personne.");
    sqlite3_stmt *s = db_stmt(db_reader(r->app->db), Q_CLAIM_GET);
    db_bind_int(s, ":id", id);
    if (sqlite3_step(s) != SQLITE_ROW) {
        sqlite3_reset(s);
        return reply_error(r, 404, "Cette demande n'existe pas ou a déjà été traitée.");
    }
    int64_t place_id = sqlite3_column_int64(s, 0);
    char *name = arena_strdup(r->arena, db_col_text(s, 1));
    char *email = arena_strdup(r->arena, db_col_text(s, 2));
    char *place_name = arena_strdup(r->arena, db_col_text(s, 3));
    sqlite3_reset(s);

    claim_args a = {r, id, accept, reason, place_id, name, email, NULL};
    int rc = db_transaction(r->app->db, claim_decide_tx, &a);
    if (rc == NOT_YOURS)
        return reply_error(r, 403, "Cette demande ne concerne pas votre territoire.");
    if (rc < 0) {
        free(a.link);
        return -1;
    }
    char *link = a.link;
    if (accept) {
        admin_mail_invite(r->app, email, link, place_name);
        free(link);
    } else {
        char *body =
            xasprintf(_("Bonjour,\n\nVotre demande pour gérer la fiche « %s » sur Repère n'a pas "
                        "été acceptée, pour la raison suivante :\n\n%s\n\n— Repère\n"),
                      place_name, reason);
        mail_send(&r->app->cfg, email, _("Votre demande sur Repère"), body);
        free(body);
    }
    return reply_redirect(r, 303, accept ? "/admin?ok=accepte" : "/admin?ok=refuse");
}

/* ---- invitations ---- */

typedef struct invite_args {
    req *r;
    const char *email, *name;
    const role_spec *role;
    char *link; /* out (malloc'd) */
} invite_args;

static int invite_tx(db_conn *w, void *ctx)
{
    invite_args *a = ctx;
    a->link = admin_invite(a->r->app, w, a->email, a->name, a->role, 1, a->r->user->account_id);
    return a->link ? 0 : -1;
}

int page_admin_invite(req *r)
{
    const char *v[I_COUNT];
    json_t *errors = json_object();
    form_read(r, INVITE_FIELDS, I_COUNT, v, errors);
    role_spec role = {0};
    if (*v[I_ROLE] && strcmp(v[I_ROLE], "manager") != 0) {
        if (!r->user->admin) {
            json_decref(errors);
            return reply_error(r, 403, "Seule l'administration peut donner ce rôle.");
        }
        if (!json_object_get(errors, "role") && !auth_role_parse(v[I_ROLE], &role))
            json_object_set_new(errors, "role", json_string(_("Rôle inconnu.")));
    } else {
        role.kind = ROLE_MANAGER;
        role.place_id = place_parse_segment(v[I_PLACE], NULL);
        if (!role.place_id && !json_object_get(errors, "place"))
            json_object_set_new(errors, "place", json_string(_("Indiquez le numéro du lieu.")));
    }
    if (json_object_size(errors)) return dashboard(r, v, errors);
    json_decref(errors);
    if (role.place_id &&
        !admin_coordinates(db_reader(r->app->db), r->user->account_id, role.place_id))
        return reply_error(r, 403, "Ce lieu ne fait pas partie de votre territoire.");
    invite_args a = {r, v[I_EMAIL], *v[I_NAME] ? v[I_NAME] : NULL, &role, NULL};
    if (db_transaction(r->app->db, invite_tx, &a) < 0) {
        free(a.link);
        return -1;
    }
    admin_mail_invite(r->app, v[I_EMAIL], a.link, NULL);
    free(a.link);
    return reply_redirect(r, 303, "/admin?ok=invitation");
}

/* ---- creating a place ---- */

typedef struct new_place {
    req *r;
    place_write *pw;
    const char *name;
} new_place;

enum { NEW_PLACE_OUTSIDE = -2 }; /* the new place is not in the account's territory */

/* Inside the transaction: create through place_store, then check the result
 * is in the territory (authorisation on the result). 1, NEW_PLACE_OUTSIDE or -1. */
static int new_place_tx(db_conn *w, void *ctx)
{
    const new_place *a = ctx;
    int64_t id = place_store_insert(w, a->pw);
    if (id < 0) return -1;
    if (!admin_coordinates(w, a->r->user->account_id, id)) return NEW_PLACE_OUTSIDE;
    auth_audit(w, "place_created", a->r->user->account_id,
               arena_printf(a->r->arena, "place:%lld", (long long)id), req_client_ip(a->r),
               a->name);
    return 1;
}

/* The new-place form, declared once (form.h). No labels: each message sits
 * beside its field (« Ce champ est obligatoire. », « Le code postal a cinq
 * chiffres. »). */
static const form_field NEW_PLACE_FIELDS[] = {
    {.name = "name", .required = true, .max_chars = 200},
    {.name = "address", .required = true, .max_chars = 200},
    {.name = "postal_code", .required = true, .max_chars = 200, .rule = validate_postal_code},
    {.name = "commune", .required = true, .max_chars = 200},
};
enum { N_NAME, N_ADDRESS, N_POSTAL_CODE, N_COMMUNE, N_COUNT };
_Static_assert(ARRAY_LEN(NEW_PLACE_FIELDS) == N_COUNT, "one index per field");

/* `values`: what was typed (NULL: an empty form); takes `errors` (400). */
static int new_place_form(req *r, const char *const *values, json_t *errors)
{
    json_t *m = session_page_model(r, _("Ajouter un lieu"));
    const char *none[N_COUNT] = {0};
    json_t *typed = form_values_model(NEW_PLACE_FIELDS, N_COUNT, values ? values : none);
    json_object_update(m, typed);
    json_decref(typed);
    if (errors) {
        json_object_set_new(m, "errors", errors);
        r->status = 400;
    }
    return reply_page(r, "admin_new_place", m);
}

int page_admin_new_place(req *r)
{
    return new_place_form(r, NULL, NULL);
}

int page_admin_new_place_post(req *r)
{
    const char *v[N_COUNT];
    json_t *errors = json_object();
    if (!form_read(r, NEW_PLACE_FIELDS, N_COUNT, v, errors)) return new_place_form(r, v, errors);
    json_decref(errors);
    unsigned char rnd[8];
    char hex[17];
    randombytes_buf(rnd, sizeof rnd);
    sodium_bin2hex(hex, sizeof hex, rnd, sizeof rnd);
    /* place_store derives the rest (search keys, time zone, commune link)
     * and puts the place at its commune's centre. */
    json_t *values = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "source", "Repère",
                               "source_id", arena_printf(r->arena, "repere-%s", hex), "pivot",
                               "00000000000000", "name", v[N_NAME], "address", v[N_ADDRESS],
                               "postal_code", v[N_POSTAL_CODE], "commune", v[N_COMMUNE]);
    place_write pw = {.values = values,
                      .account = r->user->account_id,
                      .source = "editor",
                      .position_from_commune = true};
    new_place a = {r, &pw, v[N_NAME]};
    int rc = db_transaction(r->app->db, new_place_tx, &a);
    json_decref(values);
    if (rc == NEW_PLACE_OUTSIDE) {
        json_t *e =
            json_pack("{s:s}", "commune", _("Cette commune n'est pas dans votre territoire."));
        return new_place_form(r, v, e);
    }
    if (rc < 0) return -1;
    return reply_redirect(r, 303,
                          arena_printf(r->arena, "/admin/lieux/%lld?ok=1", (long long)pw.id));
}

/* ---- administrators ---- */

/* Used by: page_admin_users. */
static const char Q_USERS[] =
    "SELECT a.id, a.email, a.name, a.last_login_at, a.password_hash IS NOT NULL FROM account a"
    " ORDER BY a.email LIMIT 1000";
static const char Q_USER_ROLES[] =
    "SELECT r.id, r.kind, r.place_id, r.departement, r.epci, p.name FROM account_role r"
    " LEFT JOIN place p ON p.id = r.place_id WHERE r.account_id = :id ORDER BY r.kind, r.id";

int page_admin_users(req *r)
{
    db_conn *c = db_reader(r->app->db);
    json_t *m = session_page_model(r, _("Comptes"));
    json_t *users = json_array();
    sqlite3_stmt *s = db_stmt(c, Q_USERS);
    while (sqlite3_step(s) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(s, 0);
        json_t *o = json_pack("{s:I, s:s, s:b}", "id", (json_int_t)id, "email", db_col_text(s, 1),
                              "active", sqlite3_column_int(s, 4));
        if (db_col_text(s, 2)) json_object_set_new(o, "name", json_string(db_col_text(s, 2)));
        json_object_set_new(o, "last_login",
                            db_col_text(s, 3) ? date_fr(db_col_text(s, 3))
                                              : json_string(_("jamais")));
        json_array_append_new(users, o);
    }
    sqlite3_reset(s);
    size_t i;
    json_t *u;
    json_array_foreach(users, i, u)
    {
        json_t *roles = json_array();
        s = db_stmt(c, Q_USER_ROLES);
        db_bind_int(s, ":id", json_integer_value(json_object_get(u, "id")));
        while (sqlite3_step(s) == SQLITE_ROW) {
            role_spec rs = {0};
            const char *kind = db_col_text(s, 1);
            rs.kind = strcmp(kind, "admin") == 0     ? ROLE_ADMIN
                      : strcmp(kind, "manager") == 0 ? ROLE_MANAGER
                                                     : ROLE_COORDINATOR;
            rs.place_id = sqlite3_column_int64(s, 2);
            snprintf(rs.departement, sizeof rs.departement, "%s",
                     db_col_text(s, 3) ? db_col_text(s, 3) : "");
            snprintf(rs.epci, sizeof rs.epci, "%s", db_col_text(s, 4) ? db_col_text(s, 4) : "");
            char text[160];
            auth_role_describe(&rs, text, sizeof text);
            json_t *o =
                json_pack("{s:I, s:s}", "id", (json_int_t)sqlite3_column_int64(s, 0), "text", text);
            if (db_col_text(s, 5))
                json_object_set_new(o, "place_name", json_string(db_col_text(s, 5)));
            json_array_append_new(roles, o);
        }
        sqlite3_reset(s);
        json_object_set_new(u, "roles", roles);
    }
    json_object_set_new(m, "users", users);
    return reply_page(r, "admin_users", m);
}

/* Used by: page_admin_revoke. */
static const char Q_ROLE_BY_ID[] =
    "SELECT account_id, kind, place_id, departement, epci FROM account_role WHERE id = :id";
static const char Q_ROLE_DELETE[] = "DELETE FROM account_role WHERE id = :id";

enum { NO_SUCH_ROLE = -3 };

static int revoke_tx(db_conn *w, void *ctx)
{
    const id_args *a = ctx;
    req *r = a->r;
    sqlite3_stmt *s = db_stmt(w, Q_ROLE_BY_ID);
    db_bind_int(s, ":id", a->id);
    if (sqlite3_step(s) != SQLITE_ROW) {
        sqlite3_reset(s);
        return NO_SUCH_ROLE;
    }
    int64_t account = sqlite3_column_int64(s, 0);
    char *detail = arena_printf(
        r->arena, "%s %lld %s %s", db_col_text(s, 1), (long long)sqlite3_column_int64(s, 2),
        db_col_text(s, 3) ? db_col_text(s, 3) : "", db_col_text(s, 4) ? db_col_text(s, 4) : "");
    sqlite3_reset(s);
    s = db_stmt(w, Q_ROLE_DELETE);
    db_bind_int(s, ":id", a->id);
    db_exec_stmt(s);
    auth_audit(w, "role_revoked", r->user->account_id,
               arena_printf(r->arena, "account:%lld", (long long)account), req_client_ip(r),
               detail);
    return 0;
}

int page_admin_revoke(req *r)
{
    id_args a = {r, id_param(r, 0)};
    int rc = db_transaction(r->app->db, revoke_tx, &a);
    if (rc == NO_SUCH_ROLE) return reply_error(r, 404, "Ce rôle n'existe pas.");
    if (rc < 0) return -1;
    return reply_redirect(r, 303, "/admin/utilisateurs");
}

/* Used by: page_admin_log. */
static const char Q_LOG[] =
    "SELECT l.at, l.event, coalesce(a.email, iif(l.actor_id IS NULL, '', '#' || l.actor_id)), "
    "l.subject, l.ip, l.detail"
    " FROM audit_log l LEFT JOIN account a ON a.id = l.actor_id ORDER BY l.id DESC LIMIT 300";

int page_admin_log(req *r)
{
    json_t *m = session_page_model(r, _("Journal"));
    json_t *rows = json_array();
    sqlite3_stmt *s = db_stmt(db_reader(r->app->db), Q_LOG);
    while (sqlite3_step(s) == SQLITE_ROW) {
        json_t *o =
            json_pack("{s:o, s:s}", "at", date_fr(db_col_text(s, 0)), "event", db_col_text(s, 1));
        const char *cols[] = {NULL, NULL, "actor", "subject", "ip", "detail"};
        for (int k = 2; k < 6; k++)
            if (db_col_text(s, k)) json_object_set_new(o, cols[k], json_string(db_col_text(s, k)));
        json_array_append_new(rows, o);
    }
    sqlite3_reset(s);
    json_object_set_new(m, "rows", rows);
    return reply_page(r, "admin_log", m);
}

int page_admin_outbox(req *r)
{
    json_t *m = session_page_model(r, _("Courriels en attente"));
    const char *dir = mail_outbox(&r->app->cfg);
    if (dir) json_object_set_new(m, "outbox", json_string(dir));
    json_object_set_new(m, "messages", mail_outbox_list(&r->app->cfg));
    return reply_page(r, "admin_outbox", m);
}

int page_admin_outbox_message(req *r)
{
    char *msg = mail_outbox_read(&r->app->cfg, r->params[0]);
    if (!msg) return reply_error(r, 404, "Ce message n'existe pas.");
    json_t *m = session_page_model(r, _("Courriel"));
    json_object_set_new(m, "message", json_string(msg));
    json_object_set_new(m, "file", json_string(r->params[0]));
    free(msg);
    return reply_page(r, "admin_outbox", m);
}
