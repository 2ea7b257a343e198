/*
 * history.c — who changed what on a place; see history.h.
 */
#include "places/history.h"
#include "core/fr.h"
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

static const struct {
    const char *field, *label;
} LABELS[] = {
    {"name", "Nom"},
    {"typologies", "Type de lieu"},
    {"phone", "Téléphone"},
    {"emails", "Courriel"},
    {"website", "Site web"},
    {"booking_url", "Prise de rendez-vous en ligne"},
    {"address", "Adresse"},
    {"address_extra", "Complément d'adresse"},
    {"postal_code", "Code postal"},
    {"commune", "Commune"},
    {"latitude", "Latitude"},
    {"longitude", "Longitude"},
    {"hours", "Horaires"},
    {"summary", "Résumé"},
    {"description_md", "Présentation"},
    {"services", "Services"},
    {"publics", "Publics"},
    {"support", "Accueil adapté"},
    {"fees", "Tarifs"},
    {"fees_note", "Précision sur les tarifs"},
    {"programmes", "Programmes nationaux"},
    {"labels", "Labels"},
    {"other_labels", "Autres labels"},
    {"access_modes", "Comment y aller"},
    {"support_modes", "Accompagnement"},
    {"accessibility_url", "Fiche acceslibre"},
    {"accessibility_notes", "Accessibilité"},
    {"pass_numerique_accepted", "Pass numérique accepté"},
    {"pass_numerique_distributed", "Pass numérique distribué"},
    {"does_procedures_for_you", "Démarches à la place de la personne"},
    {"languages", "Langues parlées"},
    {"equipment", "Matériel"},
    {"wheelchair_accessible", "Accès en fauteuil"},
    {"closed_at", "Fermeture définitive"},
};

const char *history_field_label(const char *field)
{
    for (size_t i = 0; i < ARRAY_LEN(LABELS); i++)
        if (strcmp(LABELS[i].field, field) == 0) return LABELS[i].label;
    return NULL;
}

/* Used by: history_for_place (the history page). */
static const char Q_HISTORY[] =
    "SELECT h.id, h.at, coalesce(a.name, a.email), h.source, h.field, h.old_value, h.new_value"
    " FROM place_history h LEFT JOIN account a ON a.id = h.account_id"
    " WHERE h.place_id = :id ORDER BY h.id DESC LIMIT :limit";

static const char *source_fr(const char *s)
{
    if (strcmp(s, "editor") == 0) return "éditeur";
    if (strcmp(s, "restore") == 0) return "restauration";
    if (strcmp(s, "import") == 0) return "import";
    if (strcmp(s, "api") == 0) return "API";
    if (strcmp(s, "duplicate") == 0) return "fusion de doublons";
    if (strcmp(s, PROVENANCE_PROPOSED) == 0)
        return "proposé par l'import, valeur du lieu conservée";
    if (strcmp(s, PROVENANCE_ACCEPTED) == 0) return "proposition de l'import acceptée";
    if (strcmp(s, PROVENANCE_REFUSED) == 0) return "proposition de l'import refusée";
    return s;
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
        bool restorable = label && strcmp(field, "closed_at") != 0 &&
                          strcmp(source, PROVENANCE_PROPOSED) != 0 &&
                          strcmp(source, PROVENANCE_REFUSED) != 0;
        char *workshop_label = NULL;
        long long workshop;
        int name_at = 0;
        if (!label && sscanf(field, "workshop:%lld:%n", &workshop, &name_at) == 1 && name_at)
            label = workshop_label = xasprintf("Atelier n° %lld : %s", workshop,
                                               provenance_label("workshop", field + name_at));
        const char *at = db_col_text(s, 1);
        buf date = {0};
        fr_date(&date, at);
        json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s}", "id",
                              (json_int_t)sqlite3_column_int64(s, 0), "at", at, "date",
                              date.data ? date.data : at, "source", source_fr(source), "field",
                              field, "label", label ? label : field);
        buf_free(&date);
        json_object_set_new(o, "time", json_stringn(at + (strlen(at) > 11 ? 11 : 0), 5));
        if (db_col_text(s, 2)) json_object_set_new(o, "who", json_string(db_col_text(s, 2)));
        if (db_col_text(s, 5)) json_object_set_new(o, "old", json_string(db_col_text(s, 5)));
        if (db_col_text(s, 6)) json_object_set_new(o, "new", json_string(db_col_text(s, 6)));
        json_object_set_new(o, "restorable", json_boolean(restorable));
        free(workshop_label);
        json_array_append_new(list, o);
    }
    sqlite3_reset(s);
    return list;
}
