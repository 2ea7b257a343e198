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
/* Used by: catalogue_link_doubt (one place, linked or not). */
static const char Q_PLACE_ONE[] =
    "SELECT id, postal_code, commune, insee_code, latitude, longitude FROM place WHERE id = :id";
/* Used by: link_selected (is the published code_insee a known commune?). */
static const char Q_COMMUNE[] = "SELECT departement FROM commune WHERE insee = :insee";
/* Used by: link_selected (communes of a postal code, with their keys). */
static const char Q_BY_POSTAL[] =
    "SELECT c.insee, c.departement, c.latitude, c.longitude,"
    " EXISTS (SELECT 1 FROM commune_key k WHERE k.insee = c.insee AND k.key = :key),"
    " c.name_key, c.name, c.coord_source IN ('G', 'H')"
    " FROM commune_postal_code pc JOIN commune c ON c.insee = pc.insee"
    " WHERE pc.postal_code = :postal ORDER BY c.insee";
/* Used by: link_selected (by name within the département of the postal code). */
static const char Q_BY_NAME[] =
    "SELECT c.insee, c.departement FROM commune_key k JOIN commune c ON c.insee = k.insee"
    " WHERE k.key = :key AND c.departement = :dep AND c.parent IS NULL";
/* Used by: link_selected (record the link). */
static const char Q_SET[] =
    "UPDATE place SET commune_insee = :insee, departement = :dep WHERE id = :id";

/* Beyond this distance between a record's position and the centre of the
 * commune its name and postal code give, the two disagree: the link stands
 * (by name) and the import report says so. Communes are rarely wider. */
#define DOUBT_KM 20.0

typedef struct unlinked {
    int64_t id;
    char *postal, *commune, *insee;
    double lat, lon;
    bool has_pos;
} unlinked;

/* The commune key of a record's commune without "Cedex" and its number
 * ("Annecy Cedex 03" → "annecy"). Malloc'd. */
static char *commune_key(const char *commune)
{
    char *key = geo_name_key(commune);
    char *cedex = strstr(key, "cedex");
    while (cedex && !((cedex == key || cedex[-1] == ' ') && (cedex[5] == ' ' || !cedex[5])))
        cedex = strstr(cedex + 1, "cedex");
    if (cedex) {
        char *end = cedex + 5;
        while (*end == ' ' || (*end >= '0' && *end <= '9'))
            end++;
        memmove(cedex, end, strlen(end) + 1);
        size_t n = strlen(key);
        while (n && key[n - 1] == ' ')
            key[--n] = '\0';
    }
    return key;
}

/* Are two keys forms of one name: one is the other without its leading
 * article, or the other's first words ("ardes sur couze" / "ardes",
 * "livron" / "livron sur drome")? */
static bool same_name_form(const char *a, const char *b)
{
    if (!*a || !*b) return false;
    for (int swap = 0; swap < 2; swap++) {
        const char *x = swap ? b : a, *y = swap ? a : b;
        char *bare = geo_key_without_article(x);
        bool same = bare && strcmp(bare, y) == 0;
        free(bare);
        size_t n = strlen(y);
        if (same || (strncmp(x, y, n) == 0 && x[n] == ' ')) return true;
    }
    return false;
}

/*
 * The commune of one record, and what a person should check when the
 * record's commune name, postal code and position do not agree (doubt, in
 * French; "" when they agree). In order: the published code_insee (today's
 * commune for an old code); the commune of the postal code with that name;
 * a former commune of that name (merged since: Cran-Gevrier → Annecy); the
 * name within the postal code's département (Cedex codes); a close
 * spelling among the postal code's communes ("Les Molettes" → Les
 * Mollettes); the postal code's only commune; the one nearest the record's
 * position. All but the first three are reported as doubts: never a silent
 * guess. Returns 0, or -1 on a database error.
 */
static int decide(db_conn *w, const unlinked *t, char insee[8], char dep[4], char *doubt,
                  size_t size)
{
    insee[0] = dep[0] = doubt[0] = '\0';
    sqlite3_stmt *s;
    if (t->insee) {
        s = db_stmt(w, Q_COMMUNE);
        db_bind_text(s, ":insee", t->insee);
        if (sqlite3_step(s) == SQLITE_ROW) {
            snprintf(insee, 8, "%s", t->insee);
            snprintf(dep, 4, "%s", db_col_text(s, 0));
        }
        sqlite3_reset(s);
        if (insee[0]) return 0;
        geo_former f;
        int rc = geo_former_by_code(w, t->insee, &f);
        if (rc < 0) return -1;
        if (rc == 1) {
            snprintf(insee, 8, "%s", f.current.insee);
            snprintf(dep, 4, "%s", f.current.departement);
            return 0;
        }
    }
    char *key = commune_key(t->commune);
    typedef struct {
        char insee[8], dep[4], name[128];
        double lat, lon;
        bool named;
        bool located; /* its position is a real one (GeoNames), not an estimate */
        bool form;    /* a shorter or longer form of the name ("Ardes sur Couze") */
        int spelling; /* edit distance of the names */
    } cand;
    cand list[64];
    int n = 0, named = -1;
    s = db_stmt(w, Q_BY_POSTAL);
    db_bind_text(s, ":key", key);
    db_bind_text(s, ":postal", t->postal);
    while (sqlite3_step(s) == SQLITE_ROW && n < 64) {
        cand *c = &list[n];
        snprintf(c->insee, sizeof c->insee, "%s", db_col_text(s, 0));
        snprintf(c->dep, sizeof c->dep, "%s", db_col_text(s, 1));
        c->lat = sqlite3_column_double(s, 2);
        c->lon = sqlite3_column_double(s, 3);
        c->named = sqlite3_column_int(s, 4) != 0;
        c->spelling = geo_edit_distance(key, db_col_text(s, 5) ? db_col_text(s, 5) : "", 2);
        snprintf(c->name, sizeof c->name, "%s", db_col_text(s, 6) ? db_col_text(s, 6) : "");
        c->located = sqlite3_column_int(s, 7) != 0;
        c->form = same_name_form(key, db_col_text(s, 5) ? db_col_text(s, 5) : "");
        if (c->named && named < 0) named = n;
        n++;
    }
    sqlite3_reset(s);
    const cand *pick = named >= 0 ? &list[named] : NULL;
    if (pick && t->has_pos && pick->located) {
        double km = geo_distance_km(t->lat, t->lon, pick->lat, pick->lon);
        if (km > DOUBT_KM)
            snprintf(
                doubt, size,
                "la position du lieu est à %.0f km de %s, sa commune d’après le nom et le code "
                "postal : vérifiez l’adresse ou la position",
                km, pick->name);
    }
    char pdep[4] = "";
    if (strlen(t->postal) == 5) geo_departement_of_postal(t->postal, pdep);
    if (!pick && *key) {
        /* A former commune, merged since into one of the postal code's
         * communes or of its département. */
        geo_former *former = NULL;
        int nf = geo_former_find(w, key, 8, &former);
        if (nf < 0) {
            free(key);
            return -1;
        }
        for (int i = 0; i < nf && !insee[0]; i++) {
            bool ok = !pdep[0] || strcmp(former[i].current.departement, pdep) == 0;
            for (int k = 0; k < n && !ok; k++)
                ok = strcmp(list[k].insee, former[i].current.insee) == 0;
            if (ok) {
                snprintf(insee, 8, "%s", former[i].current.insee);
                snprintf(dep, 4, "%s", former[i].current.departement);
            }
        }
        free(former);
        if (!insee[0] && pdep[0]) {
            s = db_stmt(w, Q_BY_NAME);
            db_bind_text(s, ":key", key);
            db_bind_text(s, ":dep", pdep);
            if (sqlite3_step(s) == SQLITE_ROW) {
                snprintf(insee, 8, "%s", db_col_text(s, 0));
                snprintf(dep, 4, "%s", db_col_text(s, 1));
                /* A Cedex code is no commune's: only a code that is one
                 * (of other communes) disagrees with the name. */
                if (n > 0)
                    snprintf(doubt, size,
                             "le code postal %s n’est pas celui de la commune « %s » : rattaché "
                             "à la commune de ce nom dans le département ; vérifiez le code postal",
                             t->postal, t->commune);
            }
            sqlite3_reset(s);
        }
        if (insee[0]) {
            free(key);
            return 0;
        }
        /* A shorter or longer form of the name, else a close spelling,
         * among the postal code's communes. */
        int forms = 0;
        for (int i = 0; i < n; i++)
            if (list[i].form) {
                forms++;
                if (!pick) pick = &list[i];
            }
        if (forms != 1) pick = NULL;
        int close = -1, closes = 0;
        for (int i = 0; i < n; i++) {
            if (list[i].spelling > 2) continue;
            if (close < 0 || list[i].spelling < list[close].spelling) {
                close = i;
                closes = 1;
            } else if (list[i].spelling == list[close].spelling) {
                closes++;
            }
        }
        if (pick) {
            snprintf(doubt, size,
                     "commune « %s » lue comme %s (même code postal, nom officiel) : vérifiez le "
                     "nom de la commune",
                     t->commune, pick->name);
        } else if (close >= 0 && closes == 1) {
            pick = &list[close];
            snprintf(doubt, size,
                     "commune « %s » lue comme %s (même code postal, orthographe proche) : "
                     "vérifiez le nom de la commune",
                     t->commune, pick->name);
        } else if (n == 1) {
            pick = &list[0];
            snprintf(doubt, size,
                     "aucune commune nommée « %s » n’a le code postal %s : rattaché à %s, sa seule "
                     "commune ; vérifiez la commune et le code postal",
                     t->commune, t->postal, pick->name);
        } else if (n > 1 && t->has_pos) {
            double best = INFINITY;
            for (int i = 0; i < n; i++) {
                double km = geo_distance_km(t->lat, t->lon, list[i].lat, list[i].lon);
                if (km < best) {
                    best = km;
                    pick = &list[i];
                }
            }
            snprintf(doubt, size,
                     "aucune commune nommée « %s » n’a le code postal %s : rattaché à %s, la plus "
                     "proche de la position du lieu ; vérifiez la commune",
                     t->commune, t->postal, pick->name);
        } else if (n > 1) {
            snprintf(doubt, size,
                     "aucune commune nommée « %s » n’a le code postal %s, et le lieu n’a pas de "
                     "position : commune non rattachée, à préciser",
                     t->commune, t->postal);
        }
    }
    free(key);
    if (pick) {
        snprintf(insee, 8, "%s", pick->insee);
        snprintf(dep, 4, "%s", pick->dep);
    }
    return 0;
}

/* Read the places `s` (a Q_UNLINKED-shaped query, bound) selects. */
static unlinked *read_places(sqlite3_stmt *s, size_t *count)
{
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
    *count = n;
    return items;
}

static void free_places(unlinked *items, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(items[i].postal);
        free(items[i].commune);
        free(items[i].insee);
    }
    free(items);
}

/* Link the places `s` (a Q_UNLINKED-shaped query, bound) selects. */
static int link_selected(db_conn *w, sqlite3_stmt *s)
{
    size_t n;
    unlinked *items = read_places(s, &n);
    int linked = 0;
    for (size_t i = 0; i < n && linked >= 0; i++) {
        char insee[8], dep[4], doubt[512];
        if (decide(w, &items[i], insee, dep, doubt, sizeof doubt) < 0) {
            linked = -1;
            break;
        }
        if (!insee[0]) continue;
        s = db_stmt(w, Q_SET);
        db_bind_text(s, ":insee", insee);
        db_bind_text(s, ":dep", dep);
        db_bind_int(s, ":id", items[i].id);
        if (db_exec_stmt(s) != SQLITE_DONE)
            linked = -1;
        else
            linked++;
    }
    free_places(items, n);
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

int catalogue_link_doubt(db_conn *w, int64_t id, char *doubt, size_t size)
{
    sqlite3_stmt *s = db_stmt(w, Q_PLACE_ONE);
    db_bind_int(s, ":id", id);
    size_t n;
    unlinked *items = read_places(s, &n);
    int rc = 0;
    doubt[0] = '\0';
    if (n == 1) {
        char insee[8], dep[4];
        rc = decide(w, &items[0], insee, dep, doubt, size);
    }
    free_places(items, n);
    return rc < 0 ? -1 : doubt[0] != '\0';
}

int catalogue_link_decide(db_conn *w, const char *postal, const char *commune,
                          const char *insee_code, bool has_pos, double lat, double lon,
                          char insee[8], char dep[4], char *doubt, size_t size)
{
    unlinked t = {.postal = (char *)(postal ? postal : ""),
                  .commune = (char *)(commune ? commune : ""),
                  .insee = (char *)insee_code,
                  .lat = lat,
                  .lon = lon,
                  .has_pos = has_pos};
    return decide(w, &t, insee, dep, doubt, size);
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
