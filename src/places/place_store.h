/*
 * place_store.h — the one write path of a place.
 *
 * Every writer of a `place` row — the editor's sections and « Rétablir »,
 * creation in the admin area, the importer, closing and reopening — gives
 * the columns it sets to place_store_insert() or place_store_update(), which
 * write them and derive, inside the caller's write transaction, everything
 * that follows from them:
 *
 *   name                        → slug, name_key (search keys)
 *   commune                     → commune_key (search key)
 *   postal_code                 → timezone (place_store_timezone)
 *   description_md              → description_html (md_render, safe)
 *   postal_code, commune, insee → commune_insee, departement (the trigger of
 *                                 migration 0010 unlinks, catalogue_link_place
 *                                 links again)
 *   any write                   → updated_at; the full-text index and the
 *                                 history (triggers of migrations 0003, 0005);
 *                                 db_version at commit (caches, search index)
 *   a changed published field   → its origin (provenance.h): who set it, when,
 *                                 from which source
 *
 * An import's update (no `source`) follows the rule of provenance.h: a
 * field a person edited keeps the person's value against an older source
 * value, and a new source value is proposed instead of written.
 *
 * No other file writes these derived columns.
 */
#ifndef REPERE_PLACE_STORE_H
#define REPERE_PLACE_STORE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/db.h"
#include "places/provenance.h"

/*
 * The columns a writer may give, with the SQL an insert (or an update given
 * JSON null) falls back to, for the columns that cannot be NULL.
 * Identity (source, source_id) is given on insert only; the derived columns
 * above are never given.
 */
#define PLACE_STORE_COLUMNS(X)                                                                     \
    X(structure_id, "NULL")                                                                        \
    X(pivot, "NULL")                                                                               \
    X(name, "NULL")                                                                                \
    X(commune, "NULL")                                                                             \
    X(postal_code, "NULL")                                                                         \
    X(insee_code, "NULL")                                                                          \
    X(address, "NULL")                                                                             \
    X(address_extra, "NULL")                                                                       \
    X(ban_key, "NULL")                                                                             \
    X(latitude, "NULL")                                                                            \
    X(longitude, "NULL")                                                                           \
    X(typologies, "NULL")                                                                          \
    X(phone, "NULL")                                                                               \
    X(emails, "NULL")                                                                              \
    X(website, "NULL")                                                                             \
    X(hours, "NULL")                                                                               \
    X(summary, "NULL")                                                                             \
    X(description_md, "NULL")                                                                      \
    X(itinerance, "NULL")                                                                          \
    X(parent_structure, "NULL")                                                                    \
    X(services, "NULL")                                                                            \
    X(services_original, "NULL")                                                                   \
    X(publics, "NULL")                                                                             \
    X(support, "NULL")                                                                             \
    X(fees, "NULL")                                                                                \
    X(fees_note, "NULL")                                                                           \
    X(programmes, "NULL")                                                                          \
    X(labels, "NULL")                                                                              \
    X(other_labels, "NULL")                                                                        \
    X(access_modes, "NULL")                                                                        \
    X(support_modes, "NULL")                                                                       \
    X(accessibility_url, "NULL")                                                                   \
    X(booking_url, "NULL")                                                                         \
    X(accessibility_notes, "NULL")                                                                 \
    X(pass_numerique_accepted, "0")                                                                \
    X(pass_numerique_distributed, "0")                                                             \
    X(does_procedures_for_you, "0")                                                                \
    X(languages, "NULL")                                                                           \
    X(equipment, "NULL")                                                                           \
    X(wheelchair_accessible, "NULL")                                                               \
    X(date_maj, "strftime('%Y-%m-%d', 'now')")                                                     \
    X(closed_at, "NULL")

/* Pieces of PLACE_STORE_UPDATE (not for direct use). A column changes only
 * when its :s_ flag is bound to 1; the derived columns follow their source. */
// clang-format off
#define PLACE_STORE_SET_(col, fallback) \
    #col " = iif(:s_" #col ", coalesce(:" #col ", " fallback "), " #col "), "
#define PLACE_STORE_DIFF_(col, fallback) \
    " OR (:s_" #col " AND " #col " IS NOT coalesce(:" #col ", " fallback "))"
#define PLACE_STORE_DERIVED_SET_ \
    "slug = iif(:s_name, :slug, slug), name_key = iif(:s_name, :name_key, name_key)," \
    " commune_key = iif(:s_commune, :commune_key, commune_key)," \
    " timezone = iif(:s_postal_code, :timezone, timezone)," \
    " description_html = iif(:s_description_md, :description_html, description_html)," \
    " verified_at = iif(:verified, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), verified_at)," \
    " updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"
#define PLACE_STORE_DERIVED_DIFF_ \
    " OR (:s_name AND (slug IS NOT :slug OR name_key IS NOT :name_key))" \
    " OR (:s_commune AND commune_key IS NOT :commune_key)" \
    " OR (:s_postal_code AND timezone IS NOT :timezone)" \
    " OR (:s_description_md AND description_html IS NOT :description_html)"
// clang-format on

/*
 * The UPDATE run by place_store_update, with the caller's WHERE clause: the
 * place and the authorisation, e.g.
 *
 *   static const char Q_SAVE[] =
 *       PLACE_STORE_UPDATE("id = :id AND " ADMIN_CAN_EDIT("place", ":account"));
 *
 * The clause may use :id and :account (bound by place_store_update). With
 * `if_changed`, the row is written only when a given or derived value differs.
 */
// clang-format off
#define PLACE_STORE_UPDATE(where) \
    "UPDATE place SET " PLACE_STORE_COLUMNS(PLACE_STORE_SET_) PLACE_STORE_DERIVED_SET_ \
    " WHERE (" where ") AND (NOT :if_changed OR :verified" \
    PLACE_STORE_COLUMNS(PLACE_STORE_DIFF_) PLACE_STORE_DERIVED_DIFF_ ")"
// clang-format on

/* One write of a place. */
typedef struct place_write {
    int64_t id;         /* the place to update; set by place_store_insert */
    json_t *values;     /* column (PLACE_STORE_COLUMNS; on insert also source, source_id)
                         * → string, integer, real, true/false or null; "" is null */
    int64_t account;    /* who writes, bound to :account; 0 for an import */
    const char *source; /* history source ("editor", "restore"); NULL: an import */
    bool if_changed;    /* update only when something differs (imports) */
    bool verified;      /* a person confirmed the record: verified_at = now */
    /* When the write touches the address (postal code, commune or position)
     * and leaves the place without a position: its commune's centre. */
    bool position_from_commune;
    /* An import's update: the fields the rule of provenance.h kept as a
     * person edited them, or proposed, are counted here (may be NULL). */
    provenance_counts *counts;
    /* Set by place_store_insert, which links a new place to its commune in
     * the INSERT itself: what the import report should say about that link
     * (catalogue_link_decide's doubt; "" when name, postal code and
     * position agree), valid when link_decided. */
    bool link_decided;
    char link_doubt[512];
} place_write;

/*
 * Insert a new place (values must hold source, source_id, pivot, name,
 * commune, postal_code and address; date_maj defaults to today) and derive.
 * Inside the caller's write transaction. Returns the new id (also in
 * pw->id), or -1 on a database error or an unknown column.
 */
int64_t place_store_insert(db_conn *w, place_write *pw);

/*
 * Update place pw->id with `update_sql` (a static string built with
 * PLACE_STORE_UPDATE) and derive. Inside the caller's write transaction.
 * Returns 1 written, 0 nothing written (the WHERE clause refused: no such
 * place, not authorised, or nothing changed with if_changed), -1 on a
 * database error or an unknown column.
 */
int place_store_update(db_conn *w, const char *update_sql, const place_write *pw);

/* The time zone (IANA name) of a place from its postal code: overseas
 * départements and collectivités have their own, everything else is
 * Europe/Paris. Static storage. */
const char *place_store_timezone(const char *postal_code);

/*
 * Re-derive what a rule computes for every place whose stored value
 * disagrees (rows written before a rule changed, or by an older writer):
 * time zones, then commune links (catalogue_link_communes). Inside the
 * caller's write transaction; meant for start-up. Returns the number of
 * places changed, or -1 on a database error.
 */
int place_store_derive_all(db_conn *w);

/* The version of the derivation rules: raise it whenever a rule that
 * place_store_derive_all applies changes, so that the next start-up checks
 * every place again (otherwise it is skipped when nothing changed since the
 * last check: place_store_derive_if_needed). */
enum { PLACE_STORE_DERIVE_RULES = 1 };

/* place_store_derive_all, unless neither the rules nor the catalogue changed
 * since it last ran (migrations/0022-derive-state.sql). Returns the number of
 * places changed (0 when skipped), or -1. */
int place_store_derive_if_needed(db_conn *w);

#endif
