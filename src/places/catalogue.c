/*
 * catalogue.c — see catalogue.h.
 */
#include "places/catalogue.h"
#include "geo/geo.h"
#include "core/util.h"
#include "places/vocab.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Used by: catalogue_link_communes (places still to link). */
static const char Q_UNLINKED[] =
    "SELECT id, postal_code, commune, insee_code, latitude, longitude FROM place"
    " WHERE commune_insee IS NULL";
/* Used by: catalogue_link_place (one place, when still to link). */
static const char Q_UNLINKED_ONE[] =
    "SELECT id, postal_code, commune, insee_code, latitude, longitude FROM place"
    " WHERE commune_insee IS NULL AND id = :id";
/* Used by: catalogue_link_communes (is the published code_insee a known commune?). */
static const char Q_COMMUNE[] = "SELECT departement FROM commune WHERE insee = :insee";
/* Used by: catalogue_link_communes (communes of a postal code, with their keys). */
static const char Q_BY_POSTAL[] =
    "SELECT c.insee, c.departement, c.latitude, c.longitude,"
    " EXISTS (SELECT 1 FROM commune_key k WHERE k.insee = c.insee AND k.key = :key)"
    " FROM commune_postal_code pc JOIN commune c ON c.insee = pc.insee"
    " WHERE pc.postal_code = :postal";
/* Used by: catalogue_link_communes (by name within the département of the postal code). */
static const char Q_BY_NAME[] =
    "SELECT c.insee, c.departement FROM commune_key k JOIN commune c ON c.insee = k.insee"
    " WHERE k.key = :key AND c.departement = :dep AND c.parent IS NULL";
/* Used by: catalogue_link_communes (record the link). */
static const char Q_SET[] =
    "UPDATE place SET commune_insee = :insee, departement = :dep WHERE id = :id";

/* Département code of a postal code (20xxx → 2A/2B, 97xxx → 3 digits). */
static void departement_of_postal(const char *postal, char out[4])
{
    if (strncmp(postal, "97", 2) == 0 || strncmp(postal, "98", 2) == 0) {
        memcpy(out, postal, 3);
        out[3] = '\0';
    } else if (strncmp(postal, "20", 2) == 0) {
        strcpy(out, postal[2] < '2' ? "2A" : "2B");
    } else {
        memcpy(out, postal, 2);
        out[2] = '\0';
    }
}

/* Link the places `s` (a Q_UNLINKED-shaped query, bound) selects. */
static int link_selected(db_conn *w, sqlite3_stmt *s)
{
    typedef struct {
        int64_t id;
        char *postal, *commune, *insee;
        double lat, lon;
        bool has_pos;
    } unlinked;
    unlinked *items = NULL;
    size_t n = 0, cap = 0;
    while (sqlite3_step(s) == SQLITE_ROW) {
        if (n == cap) items = xrealloc(items, (cap = cap ? cap * 2 : 64) * sizeof(unlinked));
        const char *insee = db_col_text(s, 3);
        items[n] = (unlinked){
            .id = sqlite3_column_int64(s, 0),
            .postal = xstrdup(db_col_text(s, 1) ? db_col_text(s, 1) : ""),
            .commune = xstrdup(db_col_text(s, 2) ? db_col_text(s, 2) : ""),
            .insee = insee ? xstrdup(insee) : NULL,
            .lat = sqlite3_column_double(s, 4),
            .lon = sqlite3_column_double(s, 5),
            .has_pos = sqlite3_column_type(s, 4) != SQLITE_NULL,
        };
        n++;
    }
    sqlite3_reset(s);

    int linked = 0;
    for (size_t i = 0; i < n; i++) {
        unlinked *t = &items[i];
        char insee[8] = "", dep[4] = "";
        if (t->insee) {
            s = db_stmt(w, Q_COMMUNE);
            db_bind_text(s, ":insee", t->insee);
            if (sqlite3_step(s) == SQLITE_ROW) {
                snprintf(insee, sizeof insee, "%s", t->insee);
                snprintf(dep, sizeof dep, "%s", db_col_text(s, 0));
            }
            sqlite3_reset(s);
        }
        char *key = geo_name_key(t->commune);
        if (!insee[0]) {
            /* Communes of the postal code: the one whose name matches, else the
             * only one, else the nearest to the place's position. */
            s = db_stmt(w, Q_BY_POSTAL);
            db_bind_text(s, ":key", key);
            db_bind_text(s, ":postal", t->postal);
            int candidates = 0;
            bool named = false;
            double best = INFINITY;
            while (sqlite3_step(s) == SQLITE_ROW) {
                candidates++;
                bool match = sqlite3_column_int(s, 4) != 0;
                double dist = t->has_pos
                                  ? geo_distance_km(t->lat, t->lon, sqlite3_column_double(s, 2),
                                                    sqlite3_column_double(s, 3))
                                  : 0;
                if ((match && !named) || (match == named && dist < best) || candidates == 1) {
                    named = match;
                    best = dist;
                    snprintf(insee, sizeof insee, "%s", db_col_text(s, 0));
                    snprintf(dep, sizeof dep, "%s", db_col_text(s, 1));
                }
            }
            sqlite3_reset(s);
        }
        if (!insee[0] && strlen(t->postal) == 5) {
            char pdep[4];
            departement_of_postal(t->postal, pdep);
            s = db_stmt(w, Q_BY_NAME);
            db_bind_text(s, ":key", key);
            db_bind_text(s, ":dep", pdep);
            if (sqlite3_step(s) == SQLITE_ROW) {
                snprintf(insee, sizeof insee, "%s", db_col_text(s, 0));
                snprintf(dep, sizeof dep, "%s", db_col_text(s, 1));
            }
            sqlite3_reset(s);
        }
        free(key);
        if (insee[0]) {
            s = db_stmt(w, Q_SET);
            db_bind_text(s, ":insee", insee);
            db_bind_text(s, ":dep", dep);
            db_bind_int(s, ":id", t->id);
            if (db_exec_stmt(s) != SQLITE_DONE)
                linked = -1;
            else if (linked >= 0)
                linked++;
        }
    }
    for (size_t i = 0; i < n; i++) {
        free(items[i].postal);
        free(items[i].commune);
        free(items[i].insee);
    }
    free(items);
    return linked;
}

int catalogue_link_communes(db_conn *w)
{
    return link_selected(w, db_stmt(w, Q_UNLINKED));
}

int catalogue_link_place(db_conn *w, int64_t id)
{
    sqlite3_stmt *s = db_stmt(w, Q_UNLINKED_ONE);
    db_bind_int(s, ":id", id);
    return link_selected(w, s);
}

/* Used by: catalogue_sync_vocab_labels (insert or refresh one label). */
static const char Q_LABEL[] =
    "INSERT INTO vocab_label (kind, value, label) VALUES (:kind, :value, :label)"
    " ON CONFLICT (kind, value) DO UPDATE SET label = excluded.label"
    " WHERE label <> excluded.label";
/* Used by: catalogue_sync_vocab_labels (re-index every place after a label change). */
static const char Q_FTS_CLEAR[] = "DELETE FROM place_fts";
static const char Q_FTS_FILL[] =
    "INSERT INTO place_fts (rowid, name, services, place_type, commune, labels, presentation)"
    " SELECT id, name, services, place_type, commune, labels, presentation FROM place_fts_source";

int catalogue_sync_vocab_labels(db_conn *w)
{
    static const vocab_kind kinds[] = {VOCAB_SERVICES, VOCAB_TYPOLOGIE};
    int changed = 0;
    for (size_t k = 0; k < ARRAY_LEN(kinds); k++) {
        size_t n;
        const vocab_entry *e = vocab_entries(kinds[k], &n);
        for (size_t i = 0; i < n; i++) {
            sqlite3_stmt *s = db_stmt(w, Q_LABEL);
            db_bind_text(s, ":kind", vocab_field(kinds[k]));
            db_bind_text(s, ":value", e[i].value);
            db_bind_text(s, ":label", e[i].label);
            if (db_exec_stmt(s) != SQLITE_DONE) return -1;
            changed += sqlite3_changes(db_handle(w));
        }
    }
    if (changed) {
        if (db_exec_stmt(db_stmt(w, Q_FTS_CLEAR)) != SQLITE_DONE) return -1;
        if (db_exec_stmt(db_stmt(w, Q_FTS_FILL)) != SQLITE_DONE) return -1;
    }
    return changed;
}

/* Used by: catalogue_fts_defer, catalogue_fts_flush. */
static const char Q_FTS_DEFER[] = "UPDATE fts_control SET deferred = :on WHERE id = 1";
static const char Q_FTS_PENDING_DROP[] =
    "DELETE FROM place_fts WHERE rowid IN (SELECT id FROM fts_pending)";
static const char Q_FTS_PENDING_FILL[] =
    "INSERT INTO place_fts (rowid, name, services, place_type, commune, labels, presentation)"
    " SELECT id, name, services, place_type, commune, labels, presentation FROM place_fts_source"
    " WHERE id IN (SELECT id FROM fts_pending)";
static const char Q_FTS_PENDING_CLEAR[] = "DELETE FROM fts_pending";

int catalogue_fts_defer(db_conn *w)
{
    sqlite3_stmt *s = db_stmt(w, Q_FTS_DEFER);
    db_bind_int(s, ":on", 1);
    return db_exec_stmt(s) == SQLITE_DONE ? 0 : -1;
}

int catalogue_fts_flush(db_conn *w)
{
    sqlite3_stmt *off = db_stmt(w, Q_FTS_DEFER);
    db_bind_int(off, ":on", 0);
    if (db_exec_stmt(off) != SQLITE_DONE) return -1;
    if (db_exec_stmt(db_stmt(w, Q_FTS_PENDING_DROP)) != SQLITE_DONE) return -1;
    if (db_exec_stmt(db_stmt(w, Q_FTS_PENDING_FILL)) != SQLITE_DONE) return -1;
    return db_exec_stmt(db_stmt(w, Q_FTS_PENDING_CLEAR)) == SQLITE_DONE ? 0 : -1;
}
