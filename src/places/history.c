/*
 * history.c — who changed what on a place; see history.h.
 */
#include "places/history.h"
#include "core/fr.h"
#include "core/i18n.h"
#include "core/util.h"
#include "places/provenance.h"

#include <stdlib.h>

#include <string.h>

/* Used by: history_set_actor / history_clear_actor (editor transactions). */
static const char Q_ACTOR_CLEAR[] = "DELETE FROM history_actor";
static const char Q_ACTOR_SET[] =
    "INSERT INTO history_actor (account_id, source) VALUES (:account, :source)";

void history_set_actor(db_conn *w, int64_t account, const char *source)
{
    db_exec_stmt(db_stmt(w, Q_ACTOR_CLEAR));
    sqlite3_stmt *s = db_stmt(w, Q_ACTOR_SET);
    if (account) db_bind_int(s, ":account", account);
    db_bind_text(s, ":source", source);
    db_exec_stmt(s);
}

void history_clear_actor(db_conn *w)
{
    db_exec_stmt(db_stmt(w, Q_ACTOR_CLEAR));
}

/* Used by: history_add_event (confirmations). */
static const char Q_EVENT[] =
    "INSERT INTO place_history (place_id, account_id, source, field, old_value, new_value)"
    " VALUES (:id, :account, :source, :field, :old, :new)";

void history_add_event(db_conn *w, int64_t place_id, int64_t account, const char *source,
                       const char *field, const char *old_value, const char *new_value)
{
    sqlite3_stmt *s = db_stmt(w, Q_EVENT);
    db_bind_int(s, ":id", place_id);
    if (account) db_bind_int(s, ":account", account);
    db_bind_text(s, ":source", source);
    db_bind_text(s, ":field", field);
    if (old_value) db_bind_text(s, ":old", old_value);
    if (new_value) db_bind_text(s, ":new", new_value);
    db_exec_stmt(s);
}

static const struct {
    const char *field, *label;
} LABELS[] = {
    {"name", NC_("nom d'un lieu", "Nom")},
    {"typologies", N_("Type de lieu")},
    {"phone", N_("Téléphone")},
    {"emails", N_("Courriel")},
    {"website", N_("Site web")},
    {"booking_url", N_("Prise de rendez-vous en ligne")},
    {"address", N_("Adresse")},
    {"address_extra", N_("Complément d'adresse")},
    {"postal_code", N_("Code postal")},
    {"commune", N_("Commune")},
    {"latitude", N_("Latitude")},
    {"longitude", N_("Longitude")},
    {"hours", N_("Horaires")},
    {"summary", N_("Résumé")},
    {"description_md", N_("Présentation")},
    {"services", N_("Services")},
    {"publics", N_("Publics")},
    {"support", N_("Accueil adapté")},
    {"fees", N_("Tarifs")},
    {"fees_note", N_("Précision sur les tarifs")},
    {"programmes", N_("Programmes nationaux")},
    {"labels", N_("Labels")},
    {"other_labels", N_("Autres labels")},
    {"access_modes", N_("Comment y aller")},
    {"support_modes", N_("Accompagnement")},
    {"accessibility_url", N_("Fiche acceslibre")},
    {"accessibility_notes", N_("Accessibilité")},
    {"pass_numerique_accepted", N_("Pass numérique accepté")},
    {"pass_numerique_distributed", N_("Pass numérique distribué")},
    {"does_procedures_for_you", N_("Démarches à la place de la personne")},
    {"languages", N_("Langues parlées")},
    {"equipment", N_("Matériel")},
    {"wheelchair_accessible", N_("Accès en fauteuil")},
    {"closed_at", N_("Fermeture définitive")},
    /* Events rather than fields (migration 0033): shown, never restored. */
    {"verified_at", N_("Vérification « Rien n'a changé »")},
    {"closure", N_("Fermeture temporaire")},
    {"claim", N_("Demande de gestion du lieu")},
};

/* A history row that records an event, not a value one could restore. */
static bool history_is_event(const char *field)
{
    return strcmp(field, "closed_at") == 0 || strcmp(field, "verified_at") == 0 ||
           strcmp(field, "closure") == 0 || strcmp(field, "claim") == 0;
}

const char *history_field_label(const char *field)
{
    for (size_t i = 0; i < ARRAY_LEN(LABELS); i++)
        if (strcmp(LABELS[i].field, field) == 0) return i18n_label(LABELS[i].label);
    return NULL;
}

/* Used by: history_for_place (the history page). */
static const char Q_HISTORY[] =
    "SELECT h.id, h.at, coalesce(a.name, a.email), h.source, h.field, h.old_value, h.new_value"
    " FROM place_history h LEFT JOIN account a ON a.id = h.account_id"
    " WHERE h.place_id = :id ORDER BY h.id DESC LIMIT :limit";

static const char *source_fr(const char *s)
{
    if (strcmp(s, "editor") == 0) return _("éditeur");
    if (strcmp(s, "restore") == 0) return _("restauration");
    if (strcmp(s, "import") == 0) return _("import");
    if (strcmp(s, "api") == 0) return "API";
    if (strcmp(s, "link") == 0) return _("lien du courriel de rappel");
    if (strcmp(s, "claim") == 0) return _("formulaire « Vous gérez ce lieu ? »");
    if (strcmp(s, "duplicate") == 0) return _("fusion de doublons");
    if (strcmp(s, PROVENANCE_PROPOSED) == 0)
        return _("proposé par l'import, valeur du lieu conservée");
    if (strcmp(s, PROVENANCE_ACCEPTED) == 0) return _("proposition de l'import acceptée");
    if (strcmp(s, PROVENANCE_REFUSED) == 0) return _("proposition de l'import refusée");
    return s;
}

/* 'starts|ends|hours|message' (migration 0033) → "du 1er décembre 2026 au
 * 15 décembre 2026, fermé — Fermeture estivale". */
static char *closure_words(const char *v)
{
    char starts[11] = "", ends[11] = "";
    const char *bar1 = strchr(v, '|'), *bar2 = bar1 ? strchr(bar1 + 1, '|') : NULL;
    const char *bar3 = bar2 ? strchr(bar2 + 1, '|') : NULL;
    if (!bar3 || bar1 - v != 10 || bar2 - bar1 != 11) return xstrdup(v);
    memcpy(starts, v, 10);
    memcpy(ends, bar1 + 1, 10);
    buf from = {0}, to = {0}, b = {0};
    if (!fr_date(&from, starts)) buf_puts(&from, starts);
    if (!fr_date(&to, ends)) buf_puts(&to, ends);
    if (bar3 > bar2 + 1) {
        char *hours = xstrndup(bar2 + 1, (size_t)(bar3 - bar2 - 1));
        buf_printf(&b, _("du %1$s au %2$s, ouvert %3$s"), from.data, to.data, hours);
        free(hours);
    } else {
        buf_printf(&b, _("du %1$s au %2$s, fermé"), from.data, to.data);
    }
    if (bar3[1]) buf_printf(&b, " — %s", bar3 + 1);
    buf_free(&from);
    buf_free(&to);
    return buf_steal(&b);
}

/* 'status|name[|reason]' (migration 0033) → "acceptée (Camille Point)". */
static char *claim_words(const char *v)
{
    const char *bar = strchr(v, '|');
    size_t n = bar ? (size_t)(bar - v) : strlen(v);
    const char *status = strncmp(v, "pending", n) == 0    ? _("reçue, en attente")
                         : strncmp(v, "accepted", n) == 0 ? _("acceptée")
                         : strncmp(v, "refused", n) == 0  ? _("refusée")
                                                          : NULL;
    if (!status || !bar) return xstrdup(v);
    const char *name = bar + 1, *reason = strchr(name, '|');
    if (reason) return xasprintf("%s (%.*s) : %s", status, (int)(reason - name), name, reason + 1);
    return xasprintf("%s (%s)", status, name);
}

/* An old or new value as a person reads it: dates and events in words. */
static char *value_words(const char *field, const char *v)
{
    if (strcmp(field, "closure") == 0) return closure_words(v);
    if (strcmp(field, "claim") == 0) return claim_words(v);
    if (strcmp(field, "verified_at") == 0 || strcmp(field, "closed_at") == 0) {
        buf b = {0};
        if (fr_datetime(&b, v)) return buf_steal(&b);
        buf_free(&b);
    }
    return xstrdup(v);
}

json_t *history_for_place(db_conn *c, int64_t place_id, int limit)
{
    sqlite3_stmt *s = db_stmt(c, Q_HISTORY);
    db_bind_int(s, ":id", place_id);
    db_bind_int(s, ":limit", limit);
    json_t *list = json_array();
    while (sqlite3_step(s) == SQLITE_ROW) {
        const char *field = db_col_text(s, 4), *source = db_col_text(s, 3);
        const char *label = history_field_label(field);
        /* A proposal step records a decision, not a change to undo. */
        bool restorable = label && !history_is_event(field) &&
                          strcmp(source, PROVENANCE_PROPOSED) != 0 &&
                          strcmp(source, PROVENANCE_REFUSED) != 0;
        char *workshop_label = NULL;
        long long workshop;
        int name_at = 0;
        if (!label && sscanf(field, "workshop:%lld:%n", &workshop, &name_at) == 1 && name_at)
            label = workshop_label = xasprintf(_("Atelier n° %lld : %s"), workshop,
                                               provenance_label("workshop", field + name_at));
        const char *at = db_col_text(s, 1);
        buf date = {0};
        fr_datetime(&date, at);
        json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s}", "id",
                              (json_int_t)sqlite3_column_int64(s, 0), "at", at, "date",
                              date.data ? date.data : at, "source", source_fr(source), "field",
                              field, "label", label ? label : field);
        buf_free(&date);
        if (db_col_text(s, 2)) json_object_set_new(o, "who", json_string(db_col_text(s, 2)));
        const char *before = db_col_text(s, 5), *after = db_col_text(s, 6);
        /* A claim received: who asked is the claimant, who has no account. */
        if (strcmp(field, "claim") == 0 && !before && after && strchr(after, '|'))
            json_object_set_new(o, "who", json_string(strchr(after, '|') + 1));
        const char *keys[2] = {"old", "new"}, *values[2] = {before, after};
        for (int k = 0; k < 2; k++) {
            if (!values[k]) continue;
            char *words = value_words(field, values[k]);
            json_object_set_new(o, keys[k], json_string(words));
            free(words);
        }
        json_object_set_new(o, "restorable", json_boolean(restorable));
        free(workshop_label);
        json_array_append_new(list, o);
    }
    sqlite3_reset(s);
    return list;
}
