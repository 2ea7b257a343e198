/*
 * report.c — "Signaler une erreur" on a place page: no account, a few
 * checkboxes and a message. Protected by a hidden honeypot field, a rate
 * limit per client (keyed hash of its address) and per place, and size
 * limits. Lands in the inboxes of the place's managers and coordinators
 * (dashboard, editor) and is mailed to them.
 */
#include "accounts/access.h"
#include "accounts/auth.h"
#include "core/validate.h"
#include "pages/form.h"
#include "pages/pages.h"
#include "places/place_view.h"
#include "http/session.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    REPORT_MESSAGE_MAX = 2000, /* characters */
    REPORTS_PER_CLIENT_HOUR = 5,
    REPORTS_PER_PLACE_DAY = 30,
};

/* Labels marked for translation, shown translated; the value stays French
 * (the e-mail to the place's managers lists the values). */
static const char *const KINDS[][2] = {
    {"adresse", N_("L'adresse")},      {"horaires", N_("Les horaires")},
    {"telephone", N_("Le téléphone")}, {"ferme", N_("Le lieu a fermé")},
    {"services", N_("Les services")},  {"autre", N_("Autre chose")},
};

/* The text fields, declared once (form.h); the checkboxes are read below. */
static const form_field REPORT_FIELDS[] = {
    {.name = "message", .label = N_("Votre message"), .max_chars = REPORT_MESSAGE_MAX},
    {.name = "contact", .label = N_("Votre adresse électronique"), .rule = validate_email},
};
enum { F_MESSAGE, F_CONTACT, F_COUNT };
_Static_assert(ARRAY_LEN(REPORT_FIELDS) == F_COUNT, "one index per field");

/* `values`: what was typed (NULL: an empty form). Takes `p`, `errors`. */
static int report_form(req *r, json_t *p, const char *const *values, json_t *errors, bool sent)
{
    json_t *m = session_page_model(r, _("Signaler une erreur"));
    json_object_set_new(m, "place", p);
    json_t *kinds = json_array();
    for (size_t i = 0; i < ARRAY_LEN(KINDS); i++) {
        bool on = false;
        for (size_t k = 0; k < r->nform; k++)
            on |=
                strcmp(r->form[k].key, "kinds") == 0 && strcmp(r->form[k].value, KINDS[i][0]) == 0;
        json_array_append_new(kinds, json_pack("{s:s, s:s, s:b}", "value", KINDS[i][0], "label",
                                               gettext(KINDS[i][1]), "checked", on));
    }
    json_object_set_new(m, "kinds", kinds);
    const char *none[F_COUNT] = {0};
    json_t *typed = form_values_model(REPORT_FIELDS, F_COUNT, values && !sent ? values : none);
    json_object_update(m, typed);
    json_decref(typed);
    if (errors) {
        json_object_set_new(m, "errors", errors);
        if (!r->status) r->status = 400;
    }
    if (sent) json_object_set_new(m, "sent", json_true());
    return reply_page(r, "report", m);
}

static json_t *load_place(req *r, int64_t *id)
{
    *id = place_parse_segment(r->params[0], NULL);
    int64_t updated;
    return *id ? place_view(db_reader(r->app->db), *id, &updated) : NULL;
}

int page_report(req *r)
{
    int64_t id;
    json_t *p = load_place(r, &id);
    if (!p) return reply_error(r, 404, "Ce lieu n'existe pas ou n'existe plus.");
    return report_form(r, p, NULL, NULL, false);
}

/* Used by: page_report_post (rate limits). */
static const char Q_CLIENT_COUNT[] =
    "SELECT count(*) FROM place_report WHERE client_key = :key"
    " AND created_at > strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-1 hour')";
static const char Q_PLACE_COUNT[] =
    "SELECT count(*) FROM place_report WHERE place_id = :id"
    " AND created_at > strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-1 day')";
static const char Q_INSERT[] =
    "INSERT INTO place_report (place_id, kinds, message, contact, client_key)"
    " VALUES (:id, :kinds, :message, :contact, :key)";

static int count_of(db_conn *c, const char *sql, const char *key, int64_t id)
{
    sqlite3_stmt *s = db_stmt(c, sql);
    if (key) db_bind_text(s, ":key", key);
    if (id) db_bind_int(s, ":id", id);
    int n = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int(s, 0) : 0;
    sqlite3_reset(s);
    return n;
}

enum { REPORT_TOO_MANY = -3 }; /* this client, or this place, had too many reports lately */

typedef struct report_args {
    int64_t place_id;
    const char *key; /* the client's keyed hash */
    const char *kinds;
    const char *const *v;
} report_args;

/* Inside the transaction: the rate limits, then the report. */
static int report_tx(db_conn *w, void *ctx)
{
    const report_args *a = ctx;
    if (count_of(w, Q_CLIENT_COUNT, a->key, 0) >= REPORTS_PER_CLIENT_HOUR ||
        count_of(w, Q_PLACE_COUNT, NULL, a->place_id) >= REPORTS_PER_PLACE_DAY)
        return REPORT_TOO_MANY;
    sqlite3_stmt *s = db_stmt(w, Q_INSERT);
    db_bind_int(s, ":id", a->place_id);
    db_bind_text(s, ":kinds", a->kinds);
    db_bind_text(s, ":message", a->v[F_MESSAGE]);
    db_bind_text(s, ":contact", a->v[F_CONTACT]);
    db_bind_text(s, ":key", a->key);
    return db_exec_stmt(s) == SQLITE_DONE ? 0 : -1;
}

int page_report_post(req *r)
{
    int64_t id;
    json_t *p = load_place(r, &id);
    if (!p) return reply_error(r, 404, "Ce lieu n'existe pas ou n'existe plus.");
    /* The honeypot: hidden from people, filled by robots. Pretend it worked. */
    const char *trap = req_form(r, "site");
    if (trap && *trap) return report_form(r, p, NULL, NULL, true);

    json_t *errors = json_object();
    buf kinds = {0};
    for (size_t k = 0; k < r->nform; k++) {
        if (strcmp(r->form[k].key, "kinds") != 0) continue;
        for (size_t i = 0; i < ARRAY_LEN(KINDS); i++)
            if (strcmp(r->form[k].value, KINDS[i][0]) == 0 &&
                !strstr(kinds.data ? kinds.data : "", KINDS[i][0])) {
                if (kinds.len) buf_putc(&kinds, '|');
                buf_puts(&kinds, KINDS[i][0]);
            }
    }
    const char *v[F_COUNT];
    form_read(r, REPORT_FIELDS, F_COUNT, v, errors);
    const char *message = v[F_MESSAGE], *contact = v[F_CONTACT];
    if (!*message && !kinds.len)
        json_object_set_new(
            errors, "message",
            json_string(_("Dites-nous ce qui ne va pas : cochez une case ou écrivez un message.")));
    if (json_object_size(errors)) {
        buf_free(&kinds);
        return report_form(r, p, v, errors, false);
    }
    char key[33];
    auth_client_key(r->app->auth, req_client_ip(r), key);
    report_args a = {id, key, kinds.data, v};
    int rc = db_transaction(r->app->db, report_tx, &a);
    if (rc == REPORT_TOO_MANY) {
        buf_free(&kinds);
        r->status = 429;
        reply_header(r, "Retry-After", "3600");
        json_object_set_new(
            errors, "message",
            json_string(
                _("Vous avez déjà envoyé plusieurs signalements : réessayez dans une heure.")));
        return report_form(r, p, v, errors, false);
    }
    json_decref(errors);
    if (rc < 0) {
        buf_free(&kinds);
        json_decref(p);
        return -1;
    }
    const char *name = json_string_value(json_object_get(p, "name"));
    char *base = auth_base_url(r->app);
    char *subject = xasprintf("Erreur signalée sur « %s »", name);
    char *body = xasprintf("Bonjour,\n\nQuelqu'un a signalé une erreur sur la fiche « %s ».\n\n"
                           "Ce qui ne va pas : %s\n\nMessage :\n%s\n\n%s%s%s"
                           "Voir et traiter le signalement : %s/admin/lieux/%lld\n\n— Repère\n",
                           name, kinds.len ? kinds.data : "(non précisé)",
                           *message ? message : "(aucun)", *contact ? "Contact laissé : " : "",
                           contact, *contact ? "\n\n" : "", base, (long long)id);
    admin_mail_place(r->app, db_reader(r->app->db), id, true, subject, body);
    free(base);
    free(subject);
    free(body);
    buf_free(&kinds);
    return report_form(r, p, NULL, NULL, true);
}
