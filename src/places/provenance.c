/*
 * provenance.c — who set each field, and the proposals of sources; see provenance.h.
 */
#include "places/provenance.h"
#include "core/i18n.h"
#include "core/fr.h"
#include "core/util.h"
#include "places/history.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *provenance_json_text(const json_t *v)
{
    if (!v || json_is_null(v)) return NULL;
    if (json_is_boolean(v)) return xstrdup(json_is_true(v) ? "1" : "0");
    if (json_is_integer(v)) return xasprintf("%lld", (long long)json_integer_value(v));
    if (json_is_real(v)) return xasprintf("%.17g", json_real_value(v));
    const char *s = json_string_value(v);
    return s && *s ? xstrdup(s) : NULL;
}

char *provenance_col_text(sqlite3_stmt *s, int col)
{
    switch (sqlite3_column_type(s, col)) {
    case SQLITE_NULL:
        return NULL;
    case SQLITE_INTEGER:
        return xasprintf("%lld", (long long)sqlite3_column_int64(s, col));
    case SQLITE_FLOAT:
        return xasprintf("%.17g", sqlite3_column_double(s, col));
    default: {
        const char *t = db_col_text(s, col);
        return t && *t ? xstrdup(t) : NULL;
    }
    }
}

bool provenance_same(const char *a, const char *b)
{
    if (!a || !b) return !a && !b;
    return strcmp(a, b) == 0;
}

/* Used by: provenance_row (a place as stored, before and after a write). */
static const char Q_PLACE_ROW[] = "SELECT * FROM place WHERE id = :id";
/* Used by: provenance_row (a workshop as stored). */
static const char Q_WORKSHOP_ROW[] = "SELECT * FROM workshop WHERE id = :id";

json_t *provenance_row(db_conn *c, const char *entity, int64_t id)
{
    sqlite3_stmt *s = db_stmt(c, strcmp(entity, "place") == 0 ? Q_PLACE_ROW : Q_WORKSHOP_ROW);
    db_bind_int(s, ":id", id);
    json_t *row = NULL;
    if (sqlite3_step(s) == SQLITE_ROW) {
        row = json_object();
        for (int i = 0; i < sqlite3_column_count(s); i++) {
            char *t = provenance_col_text(s, i);
            json_object_set_new(row, sqlite3_column_name(s, i), t ? json_string(t) : json_null());
            free(t);
        }
    }
    sqlite3_reset(s);
    return row;
}

/* Used by: provenance_load (an import's decisions for one record). */
static const char Q_ORIGINS[] =
    "SELECT field, by_person, has_source_value, source_value FROM field_origin"
    " WHERE entity = :entity AND entity_id = :id";

json_t *provenance_load(db_conn *c, const char *entity, int64_t id)
{
    sqlite3_stmt *s = db_stmt(c, Q_ORIGINS);
    db_bind_text(s, ":entity", entity);
    db_bind_int(s, ":id", id);
    json_t *o = json_object();
    while (sqlite3_step(s) == SQLITE_ROW) {
        char *value = provenance_col_text(s, 3);
        json_object_set_new(o, db_col_text(s, 0),
                            json_pack("{s:b, s:b, s:o}", "by_person", sqlite3_column_int(s, 1),
                                      "has", sqlite3_column_int(s, 2), "value",
                                      value ? json_string(value) : json_null()));
        free(value);
    }
    sqlite3_reset(s);
    return o;
}

/* Used by: provenance_decide (the source now sends this value). */
static const char Q_SOURCE_VALUE[] =
    "UPDATE field_origin SET has_source_value = 1, source_value = :value"
    " WHERE entity = :entity AND entity_id = :id AND field = :field";
/* Used by: provenance_decide (a pending proposal of the same field). */
static const char Q_PENDING[] = "SELECT id, value FROM field_proposal WHERE entity = :entity"
                                " AND entity_id = :id AND field = :field AND status = 'pending'";
/* Used by: provenance_decide (a newer value replaces the pending proposal). */
static const char Q_SUPERSEDE[] =
    "UPDATE field_proposal SET status = 'superseded' WHERE id = :id AND status = 'pending'";
/* Used by: provenance_decide. */
static const char Q_PROPOSE[] =
    "INSERT INTO field_proposal (entity, entity_id, place_id, field, value, source)"
    " VALUES (:entity, :id, :place_id, :field, :value, :source)";

int64_t provenance_pending(db_conn *c, const char *entity, int64_t id, const char *field,
                           char **value)
{
    sqlite3_stmt *s = db_stmt(c, Q_PENDING);
    db_bind_text(s, ":entity", entity);
    db_bind_int(s, ":id", id);
    db_bind_text(s, ":field", field);
    int64_t pending = 0;
    *value = NULL;
    if (sqlite3_step(s) == SQLITE_ROW) {
        pending = sqlite3_column_int64(s, 0);
        *value = provenance_col_text(s, 1);
    }
    sqlite3_reset(s);
    return pending;
}

/* :value as given: "" stays "" (db_bind_text binds it as NULL, and an
 * emptied field must not read as "no value"), NULL is NULL. */
static void bind_value(sqlite3_stmt *s, const char *value)
{
    if (value)
        sqlite3_bind_text(s, sqlite3_bind_parameter_index(s, ":value"), value, -1,
                          SQLITE_TRANSIENT);
    else
        db_bind_null(s, ":value");
}

static int set_source_value(db_conn *w, const char *entity, int64_t id, const char *field,
                            const char *value)
{
    sqlite3_stmt *s = db_stmt(w, Q_SOURCE_VALUE);
    db_bind_text(s, ":entity", entity);
    db_bind_int(s, ":id", id);
    db_bind_text(s, ":field", field);
    bind_value(s, value);
    return db_exec_stmt(s) == SQLITE_DONE ? 0 : -1;
}

int provenance_decide(db_conn *w, json_t *origins, const char *entity, int64_t id, int64_t place_id,
                      const char *field, const char *source, const char *current,
                      const char *incoming)
{
    json_t *o = json_object_get(origins, field);
    if (!o || !json_is_true(json_object_get(o, "by_person"))) return PROVENANCE_WRITE;
    const char *sent = json_string_value(json_object_get(o, "value"));
    bool known = json_is_true(json_object_get(o, "has")) && provenance_same(incoming, sent);
    if (provenance_same(incoming, current)) {
        /* The source now says what the person said: nothing to decide. */
        if (known) return PROVENANCE_WRITE;
        return set_source_value(w, entity, id, field, incoming) == 0 ? PROVENANCE_WRITE : -1;
    }
    if (known) return PROVENANCE_KEEP;
    /* A new value from the source: proposed, superseding an older proposal. */
    char *pending_value = NULL;
    int64_t pending = provenance_pending(w, entity, id, field, &pending_value);
    bool same = pending && provenance_same(pending_value, incoming);
    free(pending_value);
    sqlite3_stmt *s;
    if (same) return set_source_value(w, entity, id, field, incoming) == 0 ? PROVENANCE_KEEP : -1;
    if (pending) {
        s = db_stmt(w, Q_SUPERSEDE);
        db_bind_int(s, ":id", pending);
        if (db_exec_stmt(s) != SQLITE_DONE) return -1;
    }
    s = db_stmt(w, Q_PROPOSE);
    db_bind_text(s, ":entity", entity);
    db_bind_int(s, ":id", id);
    db_bind_int(s, ":place_id", place_id);
    db_bind_text(s, ":field", field);
    bind_value(s, incoming);
    db_bind_text(s, ":source", source && *source ? source : "import");
    if (db_exec_stmt(s) != SQLITE_DONE) return -1;
    if (set_source_value(w, entity, id, field, incoming) != 0) return -1;
    if (provenance_note(w, place_id, 0, PROVENANCE_PROPOSED, entity, id, field, current,
                        incoming) != 0)
        return -1;
    return PROVENANCE_PROPOSE;
}

/* Used by: provenance_set (the last writer of a field). A person's edit
 * keeps the value the source had sent (or, when none is known, the value
 * the edit replaced); the source's value is its own. */
static const char Q_SET[] =
    "INSERT INTO field_origin (entity, entity_id, field, by_person, source, account_id,"
    " has_source_value, source_value)"
    " VALUES (:entity, :id, :field, :by_person, :source, :account, 1, :value)"
    " ON CONFLICT (entity, entity_id, field) DO UPDATE SET by_person = excluded.by_person,"
    " source = excluded.source, account_id = excluded.account_id, set_at = excluded.set_at,"
    " source_value = iif(excluded.by_person AND has_source_value, source_value,"
    " excluded.source_value), has_source_value = 1";

int provenance_set(db_conn *w, const char *entity, int64_t id, const char *field, bool by_person,
                   int64_t account, const char *source, const char *before, const char *after)
{
    sqlite3_stmt *s = db_stmt(w, Q_SET);
    db_bind_text(s, ":entity", entity);
    db_bind_int(s, ":id", id);
    db_bind_text(s, ":field", field);
    db_bind_int(s, ":by_person", by_person);
    db_bind_text(s, ":source", source);
    if (account)
        db_bind_int(s, ":account", account);
    else
        db_bind_null(s, ":account");
    const char *value = by_person ? before : after;
    bind_value(s, value);
    return db_exec_stmt(s) == SQLITE_DONE ? 0 : -1;
}

bool provenance_place_field(const char *field)
{
    return history_field_label(field) && strcmp(field, "closed_at") != 0;
}

static const struct {
    const char *field, *label;
} WORKSHOP_LABELS[] = {
    {"title", N_("Titre")},
    {"summary", N_("Résumé")},
    {"description_md", N_("Description")},
    {"themes", N_("Thèmes")},
    {"keywords", N_("Mots-clés")},
    {"level", N_("Niveau")},
    {"audiences", N_("Publics")},
    {"what_to_bring", N_("À apporter")},
    {"price_kind", N_("Tarif")},
    {"price_cents", N_("Montant (centimes)")},
    {"pass_numerique", N_("Pass numérique")},
    {"registration", N_("Inscription")},
    {"registration_contact", N_("Contact pour s'inscrire")},
    {"capacity", N_("Capacité")},
    {"seats_left", N_("Places restantes")},
    {"is_full", N_("Complet")},
    {"facilitator", N_("Animateur ou animatrice")},
    {"partner", N_("Partenaire")},
    {"accessibility_notes", N_("Accessibilité")},
    {"venue_name", N_("Lieu hors les murs")},
    {"venue_address", N_("Adresse hors les murs")},
    {"venue_postal_code", N_("Code postal hors les murs")},
    {"venue_commune", N_("Commune hors les murs")},
    {"schedule", N_("Dates et récurrence")},
};

const char *provenance_label(const char *entity, const char *field)
{
    if (strcmp(entity, "place") == 0) {
        const char *label = history_field_label(field);
        return label ? label : field;
    }
    for (size_t i = 0; i < ARRAY_LEN(WORKSHOP_LABELS); i++)
        if (strcmp(WORKSHOP_LABELS[i].field, field) == 0) return gettext(WORKSHOP_LABELS[i].label);
    return field;
}

/* Used by: provenance_note (a proposal step in the place's history). */
static const char Q_NOTE[] =
    "INSERT INTO place_history (place_id, account_id, source, field, old_value, new_value)"
    " VALUES (:place_id, :account, :source, :field, :old, :new)";

int provenance_note(db_conn *w, int64_t place_id, int64_t account, const char *what,
                    const char *entity, int64_t id, const char *field, const char *before,
                    const char *after)
{
    sqlite3_stmt *s = db_stmt(w, Q_NOTE);
    db_bind_int(s, ":place_id", place_id);
    if (account)
        db_bind_int(s, ":account", account);
    else
        db_bind_null(s, ":account");
    db_bind_text(s, ":source", what);
    char *name = strcmp(entity, "place") == 0 ? xstrdup(field)
                                              : xasprintf("workshop:%lld:%s", (long long)id, field);
    db_bind_text(s, ":field", name);
    free(name);
    db_bind_text(s, ":old", before);
    db_bind_text(s, ":new", after);
    return db_exec_stmt(s) == SQLITE_DONE ? 0 : -1;
}

/* Used by: provenance_view (the origin of each field of a record). */
static const char Q_VIEW_ORIGINS[] =
    "SELECT o.field, o.by_person, coalesce(a.name, a.email), o.source, o.set_at"
    " FROM field_origin o LEFT JOIN account a ON a.id = o.account_id"
    " WHERE o.entity = :entity AND o.entity_id = :id ORDER BY o.set_at DESC, o.field";
/* Used by: provenance_view (the pending proposals of a record). */
static const char Q_VIEW_PROPOSALS[] =
    "SELECT id, field, value, source, proposed_at FROM field_proposal"
    " WHERE entity = :entity AND entity_id = :id AND status = 'pending' ORDER BY id";

static json_t *at_fr(const char *at)
{
    return fr_datetime_json(at);
}

json_t *provenance_view(db_conn *c, const char *entity, int64_t id)
{
    json_t *row = provenance_row(c, entity, id);
    json_t *origins = json_array(), *proposals = json_array();
    sqlite3_stmt *s = db_stmt(c, Q_VIEW_ORIGINS);
    db_bind_text(s, ":entity", entity);
    db_bind_int(s, ":id", id);
    while (sqlite3_step(s) == SQLITE_ROW) {
        const char *field = db_col_text(s, 0);
        json_t *o = json_pack(
            "{s:s, s:s, s:b, s:s, s:o}", "field", field, "label", provenance_label(entity, field),
            "by_person", sqlite3_column_int(s, 1), "source",
            db_col_text(s, 3) ? db_col_text(s, 3) : "", "at", at_fr(db_col_text(s, 4)));
        if (db_col_text(s, 2)) json_object_set_new(o, "who", json_string(db_col_text(s, 2)));
        json_array_append_new(origins, o);
    }
    sqlite3_reset(s);
    s = db_stmt(c, Q_VIEW_PROPOSALS);
    db_bind_text(s, ":entity", entity);
    db_bind_int(s, ":id", id);
    while (sqlite3_step(s) == SQLITE_ROW) {
        const char *field = db_col_text(s, 1);
        json_t *p =
            json_pack("{s:I, s:s, s:s, s:s, s:o}", "id", (json_int_t)sqlite3_column_int64(s, 0),
                      "field", field, "label", provenance_label(entity, field), "source",
                      db_col_text(s, 3), "at", at_fr(db_col_text(s, 4)));
        if (db_col_text(s, 2)) json_object_set_new(p, "value", json_string(db_col_text(s, 2)));
        json_t *cur = row ? json_object_get(row, field) : NULL;
        if (json_is_string(cur)) json_object_set(p, "current", cur);
        json_array_append_new(proposals, p);
    }
    sqlite3_reset(s);
    json_decref(row);
    return json_pack("{s:o, s:o}", "origins", origins, "proposals", proposals);
}

/* Used by: provenance_close (a decision). */
static const char Q_CLOSE[] =
    "UPDATE field_proposal SET status = :status, decided_by = :account,"
    " decided_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE id = :id AND status = 'pending'";

int provenance_close(db_conn *w, int64_t id, const char *status, int64_t account)
{
    sqlite3_stmt *s = db_stmt(w, Q_CLOSE);
    db_bind_text(s, ":status", status);
    db_bind_int(s, ":account", account);
    db_bind_int(s, ":id", id);
    if (db_exec_stmt(s) != SQLITE_DONE) return -1;
    return sqlite3_changes(db_handle(w)) == 1;
}
