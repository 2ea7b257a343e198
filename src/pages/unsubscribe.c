/*
 * unsubscribe.c — /rappels/desabonner: the unsubscribe link of the
 * reminders `repere remind` mails to the public address of a place without
 * a manager. No account: the link is signed for that place and address
 * (accounts/access.c). GET shows a one-button page; the POST records the
 * choice, which `repere remind` honours.
 */
#include "accounts/access.h"
#include "http/session.h"
#include "pages/pages.h"
#include "places/place_view.h"

#include <stdlib.h>

/* Used by: the unsubscribe page (the place and the address it publishes now). */
static const char Q_PLACE_EMAIL[] =
    "SELECT p.name, " ADMIN_PLACE_PUBLIC_EMAIL("p") " FROM place p WHERE p.id = :id";

static int unsubscribe(req *r, const char *lieu, const char *sig, bool post)
{
    r->log_without_query = true;
    int64_t id = lieu ? place_parse_segment(lieu, NULL) : 0;
    char *name = NULL, *email = NULL;
    if (id) {
        sqlite3_stmt *s = db_stmt(db_reader(r->app->db), Q_PLACE_EMAIL);
        db_bind_int(s, ":id", id);
        if (sqlite3_step(s) == SQLITE_ROW) {
            name = arena_strdup(r->arena, db_col_text(s, 0));
            if (db_col_text(s, 1)) email = arena_strdup(r->arena, db_col_text(s, 1));
        }
        sqlite3_reset(s);
    }
    if (!name || !admin_unsubscribe_link_ok(r->app, id, email, sig))
        return reply_error(r, 410,
                           "Ce lien de désabonnement n'est plus valable (l'adresse de la fiche a "
                           "peut-être changé). Écrivez-nous si vous recevez encore des rappels.");
    if (post && admin_reminder_optout(r->app, id, email, req_client_ip(r)) < 0) return -1;
    json_t *m = session_page_model(r, _("Ne plus recevoir de rappels"));
    json_object_set_new(m, "place_name", json_string(name));
    json_object_set_new(m, "email", json_string(email));
    json_object_set_new(m, "lieu", json_integer(id));
    json_object_set_new(m, "sig", json_string(sig));
    if (post) json_object_set_new(m, "done", json_true());
    return reply_page(r, "reminder_unsubscribe", m);
}

int page_reminder_unsubscribe(req *r)
{
    return unsubscribe(r, req_query(r, "lieu"), req_query(r, "sig"), false);
}

int page_reminder_unsubscribe_post(req *r)
{
    return unsubscribe(r, req_form(r, "lieu"), req_form(r, "sig"), true);
}
