/*
 * intervenants.c — the directory of intervenants (issue 17): the search
 * /intervenants, one entry's page, the public application and the
 * invitation, the confirmation link, the owner's editing and deletion, the
 * coordinators' queue, the contact relay and the JSON API.
 *
 * Privacy: the e-mail address never reaches a view model; the relay mails
 * the message and keeps only a keyed hash of the sender's address and the
 * time (its rate limit).
 */
#include "accounts/access.h"
#include "accounts/auth.h"
#include "core/mail.h"
#include "core/validate.h"
#include "http/session.h"
#include "pages/api_request.h"
#include "pages/form.h"
#include "pages/pages.h"
#include "people/intervenant.h"
#include "search/where.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    PRESENTATION_MAX = 3000, /* characters */
    CONTACT_MESSAGE_MAX = 3000,
    CONTACTS_PER_CLIENT_HOUR = 5,
    RADIUS_MAX_KM = 300,
    APPROVALS_OTHER_MAX = 200,  /* characters of the free-text approvals */
    INTERVENANTS_PER_PAGE = 20, /* results per page of /intervenants */
};

/* ---- the entry's form: application, invitation and editing ---- */

static bool rule_kind(const char *v, const char **why)
{
    *why = N_("choisissez dans la liste.");
    return people_label(PEOPLE_KINDS, v) != NULL;
}

static bool rule_fees(const char *v, const char **why)
{
    *why = N_("choisissez dans la liste.");
    return people_label(PEOPLE_FEES, v) != NULL;
}

static bool rule_radius(const char *v, const char **why)
{
    char *end;
    long n = strtol(v, &end, 10);
    *why = N_("un nombre de kilomètres entre 0 et 300.");
    return !*end && n >= 0 && n <= RADIUS_MAX_KM;
}

/* No line break in a one-line field (names go into mail headers' neighbourhood). */
static bool rule_one_line(const char *v, const char **why)
{
    *why = N_("une seule ligne.");
    return !strpbrk(v, "\r\n");
}

/* A short public text: one line, and no e-mail address or telephone number
 * (nine digits or more, whatever separates them): contact goes through the
 * relay, never through a public field. */
static bool rule_no_contact(const char *v, const char **why)
{
    if (!rule_one_line(v, why)) return false;
    *why = N_("pas d'adresse électronique ni de numéro de téléphone ici : on vous écrit par le"
              " formulaire de contact de votre fiche.");
    if (strchr(v, '@')) return false;
    int digits = 0;
    for (const char *p = v; *p; p++) {
        if (*p >= '0' && *p <= '9')
            digits++;
        else if (!strchr(" .-/()+", *p))
            digits = 0;
        if (digits >= 9) return false;
    }
    return true;
}

static const form_field ENTRY_FIELDS[] = {
    {.name = "name",
     .label = N_("Nom affiché"),
     .required = true,
     .max_chars = 120,
     .rule = rule_one_line},
    {.name = "email",
     .label = N_("Adresse électronique"),
     .required = true,
     .max_chars = 254,
     .rule = validate_email},
    {.name = "kind", .label = N_("Vous êtes"), .required = true, .rule = rule_kind},
    {.name = "presentation", .label = N_("Présentation"), .max_chars = PRESENTATION_MAX},
    {.name = "fees", .label = N_("Tarif"), .rule = rule_fees},
    {.name = "commune", .label = N_("Commune"), .max_chars = WHERE_MAX_TEXT},
    {.name = "radius_km", .label = N_("Rayon"), .rule = rule_radius},
    {.name = "approvals_other",
     .label = N_("Autres agréments"),
     .max_chars = APPROVALS_OTHER_MAX,
     .rule = rule_no_contact},
};
enum { E_NAME, E_EMAIL, E_KIND, E_PRES, E_FEES, E_COMMUNE, E_RADIUS, E_APPROVALS, E_COUNT };
_Static_assert(ARRAY_LEN(ENTRY_FIELDS) == E_COUNT, "one index per field");

/* The checked codes of a checkbox group, '|'-separated, in list order (r->arena-free: malloc'd). */
static char *checked_codes(req *r, const char *field, const people_term *list)
{
    buf b = {0};
    for (const people_term *t = list; t->code; t++)
        for (size_t k = 0; k < r->nform; k++)
            if (strcmp(r->form[k].key, field) == 0 && strcmp(r->form[k].value, t->code) == 0) {
                if (b.len) buf_putc(&b, '|');
                buf_puts(&b, t->code);
                break;
            }
    return b.data ? b.data : xstrdup("");
}

static json_t *options_model(const people_term *list, const char *chosen, bool multi)
{
    json_t *out = json_array();
    for (const people_term *t = list; t->code; t++) {
        bool on = multi ? people_has_code(chosen, t->code) : chosen && strcmp(chosen, t->code) == 0;
        json_array_append_new(out, json_pack("{s:s, s:s, s:b}", "code", t->code, "label",
                                             gettext(t->label), "checked", on));
    }
    return out;
}

typedef enum form_mode { MODE_APPLY, MODE_INVITE, MODE_EDIT, MODE_COORDINATE } form_mode;

/* Render the entry form with `v` (a JSON object of the values). Takes v, errors. */
static int entry_form(req *r, form_mode mode, json_t *v, json_t *errors, const char *notice)
{
    static const char *const TITLES[] = {
        N_("Proposer vos interventions"), N_("Inviter un intervenant"),
        N_("Modifier ma fiche d'intervenant"), N_("Modifier une fiche d'intervenant")};
    json_t *m = session_page_model(r, gettext(TITLES[mode]));
    const char *action =
        mode == MODE_APPLY    ? "/intervenants/candidater"
        : mode == MODE_INVITE ? "/admin/intervenants/inviter"
        : mode == MODE_EDIT
            ? "/intervenants/moi"
            : arena_printf(r->arena, "/admin/intervenants/%s/modifier", r->params[0]);
    json_object_set_new(m, "action", json_string(action));
    json_object_set_new(m, "apply", json_boolean(mode == MODE_APPLY));
    json_object_set_new(m, "invite", json_boolean(mode == MODE_INVITE));
    json_object_set_new(m, "edit", json_boolean(mode == MODE_EDIT));
    json_object_set_new(m, "coordinate", json_boolean(mode == MODE_COORDINATE));
    json_object_set_new(m, "ask_email", json_boolean(mode == MODE_APPLY || mode == MODE_INVITE));
    const char *kind = json_string_value(json_object_get(v, "kind"));
    const char *fees = json_string_value(json_object_get(v, "fees"));
    json_object_set_new(m, "kinds", options_model(PEOPLE_KINDS, kind, false));
    json_object_set_new(m, "fees_options",
                        options_model(PEOPLE_FEES, fees ? fees : "benevole", false));
    json_object_set_new(
        m, "domain_options",
        options_model(PEOPLE_DOMAINS, json_string_value(json_object_get(v, "domains")), true));
    json_object_set_new(
        m, "format_options",
        options_model(PEOPLE_FORMATS, json_string_value(json_object_get(v, "formats")), true));
    json_object_set_new(
        m, "public_options",
        options_model(PEOPLE_PUBLICS, json_string_value(json_object_get(v, "publics")), true));
    json_object_set_new(
        m, "language_options",
        options_model(PEOPLE_LANGUAGES, json_string_value(json_object_get(v, "languages")), true));
    json_object_set_new(
        m, "approval_options",
        options_model(PEOPLE_APPROVALS, json_string_value(json_object_get(v, "approvals")), true));
    json_object_set_new(m, "v", v);
    if (errors && json_object_size(errors)) {
        json_object_set_new(m, "errors", errors);
        if (!r->status) r->status = 400;
    } else {
        json_decref(errors);
    }
    if (notice) json_object_set_new(m, "notice", json_string(notice));
    return reply_page(r, "intervenant_form", m);
}

/* Read and check the form; resolve the commune. On success fills *f (strings
 * in r->arena or `owned`) and returns true. `values` receives the model to
 * show again. */
typedef struct entry_input {
    const char *v[E_COUNT];
    char *domains, *formats, *publics, *languages, *approvals;
    char insee[8];
    intervenant_fields f;
} entry_input;

static bool entry_read(req *r, bool need_email, entry_input *in, json_t **values, json_t *errors)
{
    form_read(r, ENTRY_FIELDS, E_COUNT, in->v, errors);
    if (!need_email) json_object_del(errors, "email");
    in->domains = checked_codes(r, "domains", PEOPLE_DOMAINS);
    in->formats = checked_codes(r, "formats", PEOPLE_FORMATS);
    in->publics = checked_codes(r, "publics", PEOPLE_PUBLICS);
    in->languages = checked_codes(r, "languages", PEOPLE_LANGUAGES);
    in->approvals = checked_codes(r, "approvals", PEOPLE_APPROVALS);
    bool remote = req_form(r, "remote") != NULL;
    in->insee[0] = 0;
    if (!*in->domains)
        json_object_set_new(errors, "domains",
                            json_string(_("« Domaines » : cochez au moins un domaine.")));
    if (*in->v[E_COMMUNE]) {
        where_result w;
        where_input wi = {.text = in->v[E_COMMUNE]};
        if (where_resolve(r->app->db, &wi, &w) == 0 && w.kind == WHERE_COMMUNE)
            snprintf(in->insee, sizeof in->insee, "%s", w.insee);
        else
            json_object_set_new(errors, "commune",
                                json_string(_("« Commune » : nous ne trouvons pas cette commune ;"
                                              " écrivez son nom suivi du département, par exemple"
                                              " « Aurillac (15) », ou son code INSEE.")));
        where_result_free(&w);
    } else if (!remote) {
        json_object_set_new(errors, "commune",
                            json_string(_("« Commune » : indiquez où vous intervenez, ou cochez"
                                          " « à distance ».")));
    }
    *values =
        json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:s, s:s, s:s, s:s}", "name",
                  in->v[E_NAME], "email", in->v[E_EMAIL], "kind", in->v[E_KIND], "presentation",
                  in->v[E_PRES], "fees", in->v[E_FEES], "commune", in->v[E_COMMUNE], "radius_km",
                  in->v[E_RADIUS], "domains", in->domains, "formats", in->formats, "remote", remote,
                  "publics", in->publics, "languages", in->languages, "approvals", in->approvals,
                  "approvals_other", in->v[E_APPROVALS]);
    in->f = (intervenant_fields){
        .name = in->v[E_NAME],
        .kind = in->v[E_KIND],
        .presentation = in->v[E_PRES],
        .domains = in->domains,
        .formats = in->formats,
        .fees = in->v[E_FEES],
        .publics = in->publics,
        .languages = in->languages,
        .approvals = in->approvals,
        .approvals_other = in->v[E_APPROVALS],
        .commune_insee = in->insee,
        .radius_km = *in->v[E_RADIUS] ? strtol(in->v[E_RADIUS], NULL, 10) : 0,
        .remote = remote,
    };
    return json_object_size(errors) == 0;
}

static void entry_input_free(entry_input *in)
{
    free(in->domains);
    free(in->formats);
    free(in->publics);
    free(in->languages);
    free(in->approvals);
}

/* ---- application and invitation: a pending entry and its confirmation mail ---- */

typedef struct create_args {
    const intervenant_fields *f;
    const char *email, *hash;
    int64_t place, by;
    int64_t id;
} create_args;

static int create_tx(db_conn *w, void *ctx)
{
    create_args *a = ctx;
    a->id = intervenant_create(w, a->f, a->email, a->hash, a->place, a->by);
    return a->id ? 0 : -1;
}

static int mail_confirmation(req *r, const char *email, const char *name, const char *token,
                             bool invited)
{
    char *base = auth_base_url(r->app);
    /* In the language of the page the person used; the link too. */
    char *body = xasprintf(
        _("Bonjour,\n\n%s"
          "Pour confirmer que vous acceptez de figurer dans l'annuaire des intervenants de Repère,"
          " ouvrez ce lien :\n\n%s%s/intervenants/confirmer?t=%s\n\n"
          "Votre fiche (« %s ») ne sera publique qu'après validation par la coordination de votre"
          " territoire. Votre adresse électronique n'est jamais affichée : on vous écrit par un"
          " formulaire de contact. Vous pourrez modifier ou supprimer votre fiche à tout "
          "moment.\n\n"
          "Si vous n'attendiez pas ce message, ignorez-le : rien ne sera publié sans vous.\n\n"
          "— Repère\n"),
        invited ? _("On vous invite à présenter vos interventions sur Repère.\n\n") : "", base,
        i18n_prefix(i18n_current()), token, name);
    int rc = mail_send(&r->app->cfg, email, _("Confirmez votre fiche d'intervenant"), body);
    free(base);
    free(body);
    return rc;
}

static int create_entry(req *r, form_mode mode, int64_t place, int64_t by)
{
    json_t *errors = json_object();
    entry_input in;
    json_t *values;
    bool ok = entry_read(r, true, &in, &values, errors);
    if (mode == MODE_INVITE && by && place > 0 &&
        !admin_can_edit(db_reader(r->app->db), by, place)) {
        json_object_set_new(errors, "place",
                            json_string(_("« Lieu » : vous ne gérez pas ce lieu.")));
        ok = false;
    }
    if (!ok) {
        entry_input_free(&in);
        return entry_form(r, mode, values, errors, NULL);
    }
    char token[AUTH_TOKEN_CHARS + 1], hash[AUTH_HASH_HEX + 1];
    auth_new_token(token, hash);
    create_args a = {&in.f, in.v[E_EMAIL], hash, place, by, 0};
    int rc = db_transaction(r->app->db, create_tx, &a);
    if (rc == 0) mail_confirmation(r, in.v[E_EMAIL], in.v[E_NAME], token, mode == MODE_INVITE);
    entry_input_free(&in);
    json_decref(errors);
    if (rc != 0) {
        json_decref(values);
        return -1;
    }
    json_decref(values);
    const char *notice =
        mode == MODE_INVITE ? _("Invitation envoyée : la personne doit confirmer par le lien reçu.")
                            : _("Merci ! Ouvrez le lien que nous venons de vous envoyer par"
                                " courriel pour confirmer votre fiche.");
    return entry_form(r, mode, json_object(), json_object(), notice);
}

int page_intervenant_apply(req *r)
{
    return entry_form(r, MODE_APPLY, json_object(), NULL, NULL);
}

int page_intervenant_apply_post(req *r)
{
    const char *trap = req_form(r, "site");
    if (trap && *trap) return entry_form(r, MODE_APPLY, json_object(), NULL, "Merci !");
    return create_entry(r, MODE_APPLY, 0, 0);
}

int page_admin_intervenants(req *r)
{
    json_t *m = session_page_model(r, _("Intervenants"));
    json_object_set_new(m, "queue", intervenant_queue(db_reader(r->app->db), r->user->account_id));
    json_object_set_new(m, "requests", admin_intervenant_requests(r));
    json_object_set_new(m, "attached", admin_intervenant_attached(r));
    if (r->user->coordinator || r->user->admin)
        json_object_set_new(m, "territory", admin_intervenant_territory(r));
    json_object_set_new(m, "kinds", options_model(PEOPLE_KINDS, NULL, false));
    json_object_set_new(m, "domain_options", options_model(PEOPLE_DOMAINS, NULL, true));
    const char *done = req_query(r, "ok");
    if (done) json_object_set_new(m, "notice", json_string(_("C'est fait.")));
    return reply_page(r, "admin_intervenants", m);
}

int page_admin_intervenant_invite_form(req *r)
{
    return entry_form(r, MODE_INVITE, json_object(), NULL, NULL);
}

int page_admin_intervenant_invite(req *r)
{
    const char *place = req_form(r, "place");
    int64_t place_id = place && *place ? strtoll(place, NULL, 10) : 0;
    /* A coordinator may invite anyone; a manager, for a place they manage. */
    if (!r->user->coordinator && !r->user->admin && place_id <= 0)
        return reply_error(r, 403, "Indiquez le lieu que vous gérez.");
    return create_entry(r, MODE_INVITE, place_id, r->user->account_id);
}

int page_admin_intervenant_decide(req *r)
{
    int64_t id = strtoll(r->params[0], NULL, 10);
    const char *what = r->params[1];
    int64_t account = r->user->account_id;
    db_conn *w = db_begin(r->app->db);
    if (!w) return -1;
    int rc;
    if (strcmp(what, "valider") == 0) {
        rc = intervenant_validate(w, id, account);
        if (rc == 1) auth_audit(w, "intervenant_validated", account, NULL, NULL, NULL);
    } else if (strcmp(what, "supprimer") == 0) {
        rc = intervenant_delete(w, id, account);
        if (rc == 1) auth_audit(w, "intervenant_deleted", account, NULL, NULL, NULL);
    } else {
        db_rollback(w);
        return reply_error(r, 404, "Cette action n'existe pas.");
    }
    if (rc != 1) {
        db_rollback(w);
        return rc < 0 ? -1
                      : reply_error(r, 403,
                                    "Vous ne coordonnez pas le territoire de cet intervenant.");
    }
    if (db_commit(w) != 0) return -1;
    return reply_redirect(r, 303, "/admin/intervenants?ok=1");
}

/* ---- the confirmation link ---- */

int page_intervenant_confirm(req *r)
{
    const char *t = req_query(r, "t");
    char hash[AUTH_HASH_HEX + 1];
    char *name = NULL;
    int64_t id = 0;
    if (t && strlen(t) == AUTH_TOKEN_CHARS) {
        auth_token_hash(t, hash);
        id = intervenant_by_token(db_reader(r->app->db), hash, &name, NULL);
    }
    if (!id) return reply_error(r, 404, "Ce lien n'est pas valable ou a déjà servi.");
    json_t *m = session_page_model(r, _("Confirmer votre fiche d'intervenant"));
    json_object_set_new(m, "name", json_string(name));
    json_object_set_new(m, "t", json_string(t));
    free(name);
    return reply_page(r, "intervenant_confirm", m);
}

typedef struct confirm_args {
    const app *app;
    int64_t id;
    const char *email, *name;
    char *link;
} confirm_args;

static int confirm_tx(db_conn *w, void *ctx)
{
    confirm_args *a = ctx;
    /* An account without roles: its only right is its own entry. */
    a->link = admin_invite(a->app, w, a->email, a->name, NULL, 0, 0);
    if (!a->link) return -1;
    int64_t account = auth_account_find(w, a->email);
    return intervenant_confirm(w, a->id, account) == 1 ? 0 : -2;
}

int page_intervenant_confirm_post(req *r)
{
    const char *t = req_form(r, "t");
    char hash[AUTH_HASH_HEX + 1];
    char *name = NULL, *email = NULL;
    int64_t id = 0;
    if (t && strlen(t) == AUTH_TOKEN_CHARS) {
        auth_token_hash(t, hash);
        id = intervenant_by_token(db_reader(r->app->db), hash, &name, &email);
    }
    if (!id) return reply_error(r, 404, "Ce lien n'est pas valable ou a déjà servi.");
    confirm_args a = {r->app, id, email, name, NULL};
    int rc = db_transaction(r->app->db, confirm_tx, &a);
    free(name);
    free(email);
    if (rc != 0) {
        free(a.link);
        return rc == -2 ? reply_error(r, 404, "Ce lien n'est pas valable ou a déjà servi.") : -1;
    }
    /* Straight on to choosing a password (the invitation link, same origin). */
    const char *path = strstr(a.link, "/compte/activer");
    int out = reply_redirect(r, 303, path ? path : "/connexion");
    free(a.link);
    return out;
}

/* ---- the owner's editing and deletion ---- */

/* The form of entry `id` with its stored values, its places and history;
 * `errors` (taken, may be NULL) for the place request typed as `place_typed`. */
static int edit_form(req *r, form_mode mode, int64_t id, const char *notice, json_t *errors,
                     const char *place_typed)
{
    db_conn *c = db_reader(r->app->db);
    json_t *v = intervenant_form_values(c, id);
    if (!v) return reply_error(r, 404, "Cette fiche d'intervenant n'existe pas.");
    json_object_set_new(v, "id", json_integer(id));
    json_t *view = intervenant_view(c, id, true);
    if (view) {
        json_object_set_new(v, "status", json_incref(json_object_get(view, "status")));
        json_object_set_new(v, "path", json_incref(json_object_get(view, "path")));
        json_object_set_new(v, "places", json_incref(json_object_get(view, "places")));
        json_decref(view);
    }
    json_object_set_new(v, "requests", intervenant_place_requests(c, id));
    json_object_set_new(v, "history", intervenant_history(c, id));
    if (place_typed) json_object_set_new(v, "place_request", json_string(place_typed));
    /* The form shows the commune's INSEE code as typed the first time. */
    return entry_form(r, mode, v, errors, notice);
}

/* Check the form and write entry `id` as `account` (owner or coordinator). */
static int edit_post(req *r, form_mode mode, int64_t id, const char *done)
{
    json_t *errors = json_object();
    entry_input in;
    json_t *values;
    if (!entry_read(r, false, &in, &values, errors)) {
        entry_input_free(&in);
        json_object_set_new(values, "id", json_integer(id));
        return entry_form(r, mode, values, errors, NULL);
    }
    json_decref(values);
    json_decref(errors);
    db_conn *w = db_begin(r->app->db);
    if (!w) {
        entry_input_free(&in);
        return -1;
    }
    int rc = intervenant_update(w, id, r->user->account_id, &in.f);
    entry_input_free(&in);
    if (rc != 1) {
        db_rollback(w);
        return rc < 0 ? -1 : reply_error(r, 403, "Vous ne pouvez pas modifier cette fiche.");
    }
    if (db_commit(w) != 0) return -1;
    return reply_redirect(r, 303, done);
}

int page_intervenant_me(req *r)
{
    int64_t id = intervenant_of_account(db_reader(r->app->db), r->user->account_id);
    if (!id) return reply_error(r, 404, "Votre compte n'a pas de fiche d'intervenant.");
    const char *ok = req_query(r, "ok");
    return edit_form(r, MODE_EDIT, id,
                     !ok                          ? NULL
                     : strcmp(ok, "demande") == 0 ? _("Demande envoyée : un responsable du lieu"
                                                      " doit la confirmer.")
                                                  : _("Vos changements sont enregistrés."),
                     NULL, NULL);
}

int page_intervenant_me_post(req *r)
{
    int64_t id = intervenant_of_account(db_reader(r->app->db), r->user->account_id);
    if (!id) return reply_error(r, 404, "Votre compte n'a pas de fiche d'intervenant.");
    return edit_post(r, MODE_EDIT, id, "/intervenants/moi?ok=1");
}

/* POST /intervenants/moi/lieux: the owner asks to be attached to a place
 * (a manager or coordinator of it confirms) or detaches from one at once. */
int page_intervenant_me_places(req *r)
{
    int64_t account = r->user->account_id;
    int64_t id = intervenant_of_account(db_reader(r->app->db), account);
    if (!id) return reply_error(r, 404, "Votre compte n'a pas de fiche d'intervenant.");
    const char *place = req_form(r, "place"), *action = req_form(r, "action");
    char *end = NULL;
    int64_t place_id = place ? strtoll(place, &end, 10) : 0;
    bool ask = action && strcmp(action, "demander") == 0;
    if (place_id <= 0 || *end) {
        json_t *errors = json_pack("{s:s}", "place_request",
                                   _("« Numéro du lieu » : écrivez le nombre au début de l'adresse"
                                     " de sa page, par exemple 42 pour /lieux/42-…"));
        return edit_form(r, MODE_EDIT, id, NULL, errors, place ? place : "");
    }
    db_conn *w = db_begin(r->app->db);
    if (!w) return -1;
    int rc = ask ? intervenant_request_place(w, id, place_id, account)
                 : intervenant_detach_place(w, id, place_id, account);
    if (rc < 0) {
        db_rollback(w);
        return -1;
    }
    if (db_commit(w) != 0) return -1;
    if (ask && rc == 0)
        return edit_form(r, MODE_EDIT, id, NULL,
                         json_pack("{s:s}", "place_request",
                                   _("« Numéro du lieu » : aucun lieu ne porte ce numéro, ou votre"
                                     " fiche y est déjà rattachée ou en attente.")),
                         place);
    return reply_redirect(r, 303, ask ? "/intervenants/moi?ok=demande" : "/intervenants/moi?ok=1");
}

/* /admin/intervenants/{id}/modifier: a coordinator of the entry's territory. */
int page_admin_intervenant_edit(req *r)
{
    int64_t id = strtoll(r->params[0], NULL, 10);
    if (id <= 0 || !intervenant_coordinates(db_reader(r->app->db), id, r->user->account_id))
        return reply_error(r, 403, "Vous ne coordonnez pas le territoire de cet intervenant.");
    return edit_form(r, MODE_COORDINATE, id,
                     req_query(r, "ok") ? "Les changements sont enregistrés." : NULL, NULL, NULL);
}

int page_admin_intervenant_edit_post(req *r)
{
    int64_t id = strtoll(r->params[0], NULL, 10);
    if (id <= 0) return reply_error(r, 404, "Cette fiche d'intervenant n'existe pas.");
    return edit_post(
        r, MODE_COORDINATE, id,
        arena_printf(r->arena, "/admin/intervenants/%lld/modifier?ok=1", (long long)id));
}

int page_intervenant_me_delete(req *r)
{
    int64_t account = r->user->account_id;
    int64_t id = intervenant_of_account(db_reader(r->app->db), account);
    if (!id) return reply_error(r, 404, "Votre compte n'a pas de fiche d'intervenant.");
    db_conn *w = db_begin(r->app->db);
    if (!w) return -1;
    if (intervenant_delete(w, id, account) != 1) {
        db_rollback(w);
        return -1;
    }
    /* The anonymous audit line: an event, no name, no address. */
    auth_audit(w, "intervenant_deleted", 0, NULL, NULL, "by its owner");
    if (db_commit(w) != 0) return -1;
    json_t *m = session_page_model(r, _("Fiche supprimée"));
    return reply_page(r, "intervenant_deleted", m);
}

/* ---- public pages ---- */

static json_t *load_public(req *r, int64_t *id)
{
    *id = strtoll(r->params[0], NULL, 10);
    return *id > 0 ? intervenant_view(db_reader(r->app->db), *id, false) : NULL;
}

int page_intervenant(req *r)
{
    int64_t id;
    json_t *v = load_public(r, &id);
    if (!v) return reply_error(r, 404, "Cet intervenant n'existe pas ou n'est plus listé.");
    const char *slug = strchr(r->params[0], '-');
    const char *canonical = json_string_value(json_object_get(v, "slug"));
    if (!slug || strcmp(slug + 1, canonical) != 0) {
        char *to = xstrdup(json_string_value(json_object_get(v, "path")));
        json_decref(v);
        int rc = reply_redirect(r, 301, to);
        free(to);
        return rc;
    }
    json_t *m = session_page_model(r, json_string_value(json_object_get(v, "name")));
    json_object_set_new(m, "i", v);
    return reply_page(r, "intervenant", m);
}

/* Counts of each code of `list` among the results, for the filters. */
static json_t *facet(json_t *results, const char *key, const people_term *list, const char *chosen)
{
    json_t *out = json_array();
    for (const people_term *t = list; t->code; t++) {
        size_t i, n = 0;
        json_t *x;
        json_array_foreach(results, i, x) n +=
            people_has_code(json_string_value(json_object_get(x, key)), t->code);
        json_array_append_new(out, json_pack("{s:s, s:s, s:I, s:b}", "code", t->code, "label",
                                             gettext(t->label), "count", (json_int_t)n, "selected",
                                             chosen && strcmp(chosen, t->code) == 0));
    }
    return out;
}

/* Run the search of the request's parameters: results, or NULL on a
 * database error. A commune gives a point; a département, its entries. */
static json_t *search_of_request(req *r, where_result *w, bool *has_where)
{
    where_input wi = {.text = req_query(r, "ou"), .commune = req_query(r, "commune")};
    if (where_resolve(r->app->db, &wi, w) != 0) return NULL;
    *has_where = w->kind != WHERE_EMPTY;
    intervenant_query q = {
        .domain = req_query(r, "domaine"),
        .format = req_query(r, "format"),
        .public_code = req_query(r, "public"),
        .language = req_query(r, "langue"),
        .has_point = w->kind == WHERE_COMMUNE,
        .lat = w->lat,
        .lon = w->lon,
        .insee = w->insee,
        .departement = w->kind == WHERE_DEPARTEMENT ? w->departement : NULL,
    };
    return intervenant_search(db_reader(r->app->db), &q);
}

long list_page_number(req *r)
{
    const char *p = req_query(r, "page");
    long n = p ? strtol(p, NULL, 10) : 1;
    return n < 1 ? 1 : n;
}

json_t *list_pagination(req *r, long page, long pages, const char *const *kept, size_t nkept)
{
    if (pages <= 1) return NULL;
    /* The path of this page with the kept parameters, then page=. */
    buf base = {0};
    buf_printf(&base, "%s?", r->path);
    for (size_t k = 0; k < nkept; k++) {
        const char *v = req_query(r, kept[k]);
        if (!v || !*v) continue;
        buf_printf(&base, "%s=", kept[k]);
        url_encode(&base, v);
        buf_putc(&base, '&');
    }
    json_t *nav = json_pack("{s:i, s:i}", "page", (int)page, "pages", (int)pages);
    if (page > 1) json_object_set_new(nav, "prev", json_sprintf("%spage=%ld", base.data, page - 1));
    if (page < pages)
        json_object_set_new(nav, "next", json_sprintf("%spage=%ld", base.data, page + 1));
    buf_free(&base);
    return nav;
}

int page_intervenants(req *r)
{
    where_result w;
    bool has_where = false;
    json_t *all = search_of_request(r, &w, &has_where);
    if (!all) return -1;
    json_t *m = session_page_model(r, _("Intervenants"));
    const char *domain = req_query(r, "domaine"), *format = req_query(r, "format");
    json_object_set_new(m, "domains", facet(all, "_domains", PEOPLE_DOMAINS, domain));
    json_object_set_new(m, "formats", facet(all, "_formats", PEOPLE_FORMATS, format));
    json_object_set_new(m, "publics",
                        facet(all, "_publics", PEOPLE_PUBLICS, req_query(r, "public")));
    json_object_set_new(m, "languages",
                        facet(all, "_languages", PEOPLE_LANGUAGES, req_query(r, "langue")));
    size_t total = json_array_size(all);
    json_object_set_new(m, "count", json_integer((json_int_t)total));
    /* One page of results; the filters' counts are over all of them. */
    static const char *const KEPT[] = {"ou", "commune", "domaine", "format", "public", "langue"};
    long pages = total ? (long)((total + INTERVENANTS_PER_PAGE - 1) / INTERVENANTS_PER_PAGE) : 1;
    long page = list_page_number(r);
    if (page > pages) page = pages;
    json_t *shown = json_array();
    for (size_t i = (size_t)(page - 1) * INTERVENANTS_PER_PAGE;
         i < total && i < (size_t)page * INTERVENANTS_PER_PAGE; i++)
        json_array_append(shown, json_array_get(all, i));
    json_decref(all);
    json_object_set_new(m, "results", shown);
    json_object_set_new(m, "several", json_boolean(total > 1));
    json_t *nav = list_pagination(r, page, pages, KEPT, ARRAY_LEN(KEPT));
    if (nav) json_object_set_new(m, "pagination", nav);
    const char *ou = req_query(r, "ou");
    json_object_set_new(m, "ou", json_string(ou ? ou : ""));
    if (w.kind == WHERE_COMMUNE || w.kind == WHERE_DEPARTEMENT)
        json_object_set_new(m, "where", json_string(w.label));
    if (w.kind == WHERE_UNKNOWN || w.kind == WHERE_CHOICE)
        json_object_set_new(
            m, "where_message",
            json_string(w.kind == WHERE_UNKNOWN ? w.message : _("Précisez une commune.")));
    if (w.kind == WHERE_CHOICE) {
        json_t *choices = json_array();
        for (size_t i = 0; i < w.choice_count; i++)
            json_array_append_new(choices, json_pack("{s:s, s:s, s:s}", "insee", w.choices[i].insee,
                                                     "name", w.choices[i].name, "departement",
                                                     w.choices[i].departement));
        json_object_set_new(m, "choices", choices);
    }
    where_result_free(&w);
    return reply_page(r, "intervenants", m);
}

/* ---- the contact relay ---- */

static const form_field CONTACT_FIELDS[] = {
    {.name = "name",
     .label = N_("Votre nom"),
     .required = true,
     .max_chars = 120,
     .rule = rule_one_line},
    {.name = "email",
     .label = N_("Votre adresse électronique"),
     .required = true,
     .max_chars = 254,
     .rule = validate_email},
    {.name = "subject",
     .label = N_("Objet"),
     .required = true,
     .max_chars = 150,
     .rule = rule_one_line},
    {.name = "message",
     .label = N_("Votre message"),
     .required = true,
     .max_chars = CONTACT_MESSAGE_MAX},
};
enum { K_NAME, K_EMAIL, K_SUBJECT, K_MESSAGE, K_COUNT };
_Static_assert(ARRAY_LEN(CONTACT_FIELDS) == K_COUNT, "one index per field");

static int contact_form(req *r, json_t *v, const char *const *values, json_t *errors, bool sent)
{
    json_t *m = session_page_model(r, _("Écrire à un intervenant"));
    json_object_set_new(m, "i", v);
    const char *none[K_COUNT] = {0};
    json_t *typed = form_values_model(CONTACT_FIELDS, K_COUNT, values && !sent ? values : none);
    json_object_update(m, typed);
    json_decref(typed);
    if (errors && json_object_size(errors)) {
        json_object_set_new(m, "errors", errors);
        if (!r->status) r->status = 400;
    } else {
        json_decref(errors);
    }
    if (sent) json_object_set_new(m, "sent", json_true());
    return reply_page(r, "intervenant_contact", m);
}

int page_intervenant_contact(req *r)
{
    int64_t id;
    json_t *v = load_public(r, &id);
    if (!v) return reply_error(r, 404, "Cet intervenant n'existe pas ou n'est plus listé.");
    return contact_form(r, v, NULL, NULL, false);
}

enum { CONTACT_TOO_MANY = -3 };

typedef struct contact_args {
    const char *key;
    int64_t id;
} contact_args;

/* The rate limit, and its only trace: who (keyed hash) and when. */
static int contact_tx(db_conn *w, void *ctx)
{
    static const char Q_COUNT[] = "SELECT count(*) FROM intervenant_contact WHERE client_key ="
                                  " :key AND sent_at > :since";
    static const char Q_ADD[] = "INSERT INTO intervenant_contact (client_key, intervenant_id,"
                                " sent_at) VALUES (:key, :id, :now)";
    static const char Q_FORGET[] = "DELETE FROM intervenant_contact WHERE sent_at < :since";
    const contact_args *a = ctx;
    int64_t now = now_utc();
    sqlite3_stmt *s = db_stmt(w, Q_FORGET);
    db_bind_int(s, ":since", now - 3600);
    db_exec_stmt(s);
    s = db_stmt(w, Q_COUNT);
    db_bind_text(s, ":key", a->key);
    db_bind_int(s, ":since", now - 3600);
    int n = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int(s, 0) : 0;
    sqlite3_reset(s);
    if (n >= CONTACTS_PER_CLIENT_HOUR) return CONTACT_TOO_MANY;
    s = db_stmt(w, Q_ADD);
    db_bind_text(s, ":key", a->key);
    db_bind_int(s, ":id", a->id);
    db_bind_int(s, ":now", now);
    return db_exec_stmt(s) == SQLITE_DONE ? 0 : -1;
}

int page_intervenant_contact_post(req *r)
{
    int64_t id;
    json_t *v = load_public(r, &id);
    if (!v) return reply_error(r, 404, "Cet intervenant n'existe pas ou n'est plus listé.");
    const char *trap = req_form(r, "site");
    if (trap && *trap) return contact_form(r, v, NULL, NULL, true);
    json_t *errors = json_object();
    const char *val[K_COUNT];
    if (!form_read(r, CONTACT_FIELDS, K_COUNT, val, errors))
        return contact_form(r, v, val, errors, false);
    char key[33];
    auth_client_key(r->app->auth, req_client_ip(r), key);
    contact_args a = {key, id};
    int rc = db_transaction(r->app->db, contact_tx, &a);
    if (rc == CONTACT_TOO_MANY) {
        r->status = 429;
        reply_header(r, "Retry-After", "3600");
        json_object_set_new(errors, "message",
                            json_string(_("Vous avez déjà envoyé plusieurs messages : réessayez"
                                          " dans une heure.")));
        return contact_form(r, v, val, errors, false);
    }
    if (rc != 0) {
        json_decref(v);
        json_decref(errors);
        return -1;
    }
    char *to = intervenant_email(db_reader(r->app->db), id);
    char *subject = xasprintf("Repère : %s", val[K_SUBJECT]);
    char *body = xasprintf("Bonjour,\n\n%s (%s) vous écrit par le formulaire de contact de votre"
                           " fiche d'intervenant sur Repère. Répondez-lui directement à cette"
                           " adresse si vous le souhaitez.\n\n-----\n%s\n-----\n\n"
                           "Repère ne garde pas ce message.\n\n— Repère\n",
                           val[K_NAME], val[K_EMAIL], val[K_MESSAGE]);
    int sent = to ? mail_send(&r->app->cfg, to, subject, body) : -1;
    free(to);
    free(subject);
    free(body);
    if (sent != 0) {
        json_decref(v);
        json_decref(errors);
        return reply_error(r, 503, "Le message n'a pas pu partir : réessayez plus tard.");
    }
    return contact_form(r, v, NULL, errors, true);
}

/* ---- the JSON API: public fields only ---- */

/* [{code, label}] or [{name, path}] as the API's French names. */
static json_t *api_list(req *r, json_t *items, const char *a, const char *fa, const char *b,
                        const char *fb)
{
    json_t *out = json_array();
    size_t i;
    json_t *x;
    json_array_foreach(items, i, x)
    {
        const char *vb = json_string_value(json_object_get(x, b));
        if (strcmp(fb, "url") == 0) vb = api_absolute_url(r, vb);
        json_array_append_new(
            out, json_pack("{s:s, s:s}", fa, json_string_value(json_object_get(x, a)), fb, vb));
    }
    return out;
}

/* The public fields, with the API's French names (docs/openapi.json, Intervenant). */
static json_t *api_model(req *r, json_t *v)
{
    json_t *places = json_object_get(v, "places"), *workshops = json_object_get(v, "workshops");
    json_t *empty = json_array();
    json_t *out = json_pack(
        "{s:O, s:O, s:O, s:O, s:O, s:O, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:O, s:s}",
        "identifiant", json_object_get(v, "id"), "nom", json_object_get(v, "name"), "nature",
        json_object_get(v, "kind"), "tarif", json_object_get(v, "fees"), "zone",
        json_object_get(v, "area"), "a_distance", json_object_get(v, "remote"), "domaines",
        api_list(r, json_object_get(v, "domains"), "code", "code", "label", "libelle"), "formats",
        api_list(r, json_object_get(v, "formats"), "code", "code", "label", "libelle"), "publics",
        api_list(r, json_object_get(v, "publics"), "code", "code", "label", "libelle"), "langues",
        api_list(r, json_object_get(v, "languages"), "code", "code", "label", "libelle"),
        "agrements",
        api_list(r, json_object_get(v, "approvals"), "code", "code", "label", "libelle"), "lieux",
        api_list(r, places ? places : empty, "name", "nom", "path", "url"), "ateliers",
        api_list(r, workshops ? workshops : empty, "name", "titre", "path", "url"),
        "autres_agrements", json_object_get(v, "approvals_other"), "url",
        api_absolute_url(r, json_string_value(json_object_get(v, "path"))));
    json_decref(empty);
    return out;
}

int page_api_intervenants(req *r)
{
    where_result w;
    bool has_where = false;
    json_t *all = search_of_request(r, &w, &has_where);
    where_result_free(&w);
    if (!all) return -1;
    json_t *list = json_array();
    size_t i;
    json_t *x;
    json_array_foreach(all, i, x) json_array_append_new(list, api_model(r, x));
    json_decref(all);
    return reply_json(
        r, 200,
        json_pack("{s:I, s:o}", "total", (json_int_t)json_array_size(list), "intervenants", list));
}

int page_api_intervenant(req *r)
{
    int64_t id;
    json_t *v = load_public(r, &id);
    if (!v)
        return api_error(r, 404, "Cet intervenant n'existe pas ou n'est plus listé.",
                         "identifiant");
    json_t *out = api_model(r, v);
    json_decref(v);
    return reply_json(r, 200, out);
}
