/*
 * place_store.c — the one write path of a place; see place_store.h.
 */
#include "places/place_store.h"
#include "core/markdown.h"
#include "core/util.h"
#include "places/catalogue.h"
#include "places/history.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Used by: place_store_insert (every column a writer may give, then the derived ones). */
#define AS_COLUMN(col, fallback) #col ", "
#define AS_VALUE(col, fallback) "coalesce(:" #col ", " fallback "), "
// clang-format off
static const char Q_INSERT[] =
    "INSERT INTO place (source, source_id, " PLACE_STORE_COLUMNS(AS_COLUMN)
    "slug, name_key, commune_key, timezone, description_html, verified_at,"
    " commune_insee, departement)"
    " VALUES (:source, :source_id, " PLACE_STORE_COLUMNS(AS_VALUE)
    ":slug, :name_key, :commune_key, :timezone, :description_html,"
    " iif(:verified, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), NULL),"
    " :link_insee, :link_dep)";
// clang-format on
#undef AS_COLUMN
#undef AS_VALUE

/* Used by: place_store_insert and place_store_update (position_from_commune). */
static const char Q_POSITION_FROM_COMMUNE[] =
    "UPDATE place"
    " SET latitude = (SELECT c.latitude FROM commune c WHERE c.insee = place.commune_insee),"
    " longitude = (SELECT c.longitude FROM commune c WHERE c.insee = place.commune_insee)"
    " WHERE id = :id AND latitude IS NULL AND commune_insee IS NOT NULL";

#define AS_NAME(col, fallback) #col,
static const char *const COLUMNS[] = {PLACE_STORE_COLUMNS(AS_NAME)};
#undef AS_NAME

/* The index of `key` in COLUMNS, -1 when it is not one. Writers give the
 * columns mostly in COLUMNS' order, so the search starts after `hint` (the
 * previous key's index). */
static int column_index(const char *key, int hint)
{
    int n = (int)ARRAY_LEN(COLUMNS);
    for (int k = 1; k <= n; k++) {
        int i = (hint + k) % n;
        if (strcmp(COLUMNS[i], key) == 0) return i;
    }
    return -1;
}

const char *place_store_timezone(const char *postal_code)
{
    static const struct {
        const char *prefix, *zone;
    } zones[] = {
        {"971", "America/Guadeloupe"}, {"972", "America/Martinique"}, {"973", "America/Cayenne"},
        {"974", "Indian/Reunion"},     {"975", "America/Miquelon"},   {"976", "Indian/Mayotte"},
        {"986", "Pacific/Wallis"},     {"987", "Pacific/Tahiti"},     {"988", "Pacific/Noumea"},
    };
    for (size_t i = 0; postal_code && i < ARRAY_LEN(zones); i++)
        if (str_starts_with(postal_code, zones[i].prefix)) return zones[i].zone;
    return "Europe/Paris";
}

/* Bind a JSON value to parameter `i` (0, absent from the statement: ignored). */
static void bind_json(sqlite3_stmt *s, int i, const json_t *v)
{
    if (!i) return;
    if (!v || json_is_null(v))
        sqlite3_bind_null(s, i);
    else if (json_is_boolean(v))
        sqlite3_bind_int(s, i, json_is_true(v));
    else if (json_is_integer(v))
        sqlite3_bind_int64(s, i, json_integer_value(v));
    else if (json_is_real(v))
        sqlite3_bind_double(s, i, json_real_value(v));
    else if (json_is_string(v) && *json_string_value(v))
        sqlite3_bind_text(s, i, json_string_value(v), -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(s, i);
}

/*
 * The index of parameter `prefix` `column` in `s`, 0 when it has none.
 * SQLite numbers parameters in the order they first appear, so in Q_INSERT
 * and PLACE_STORE_UPDATE a column's parameters sit where PLACE_STORE_COLUMNS
 * puts them: `guess` is checked by name first, and only a statement built
 * otherwise pays the lookup by name (a scan of all ~50 parameters, twice per
 * column: a tenth of an import's time).
 */
static int column_param(sqlite3_stmt *s, int guess, const char *prefix, const char *column)
{
    size_t n = strlen(prefix);
    const char *at = guess > 0 && guess <= sqlite3_bind_parameter_count(s)
                         ? sqlite3_bind_parameter_name(s, guess)
                         : NULL;
    if (at && strncmp(at, prefix, n) == 0 && strcmp(at + n, column) == 0) return guess;
    char param[64];
    snprintf(param, sizeof param, "%s%s", prefix, column);
    return sqlite3_bind_parameter_index(s, param);
}

static void bind_int_if(sqlite3_stmt *s, const char *param, int64_t value)
{
    int i = sqlite3_bind_parameter_index(s, param);
    if (i) sqlite3_bind_int64(s, i, value);
}

static const char *string_of(const json_t *values, const char *key)
{
    return json_string_value(json_object_get(values, key));
}

/*
 * Bind the given values, their :s_ flags (the UPDATE's "this column
 * changes"), what is derived from them and the write's parameters. Returns false on an unknown
 * column (a programming error, told on stderr).
 */
static bool bind_write(sqlite3_stmt *s, const place_write *pw, bool inserting)
{
    const char *key;
    json_t *v;
    int c = -1;
    json_object_foreach(pw->values, key, v)
    {
        c = column_index(key, c);
        if (c < 0 && inserting && (strcmp(key, "source") == 0 || strcmp(key, "source_id") == 0)) {
            bind_json(s, column_param(s, strcmp(key, "source") == 0 ? 1 : 2, ":", key), v);
            continue;
        }
        if (c < 0) {
            fprintf(stderr, "repere: place_store: not a column a writer may give: %s\n", key);
            return false;
        }
        /* Q_INSERT: :source, :source_id, then one parameter per column; it
         * has no :s_ flags. PLACE_STORE_UPDATE: :s_col then :col, per column. */
        if (!inserting) {
            int flag = column_param(s, 1 + 2 * c, ":s_", key);
            if (flag) sqlite3_bind_int64(s, flag, 1);
        }
        bind_json(s, column_param(s, inserting ? 3 + c : 2 + 2 * c, ":", key), v);
    }
    const json_t *values = pw->values;
    if (json_object_get(values, "name")) {
        const char *name = string_of(values, "name");
        char *slug = text_slug(name ? name : ""), *fold = text_fold(name ? name : "");
        /* A name of signs only ("★ ★ ★") has no slug and an empty key. */
        db_bind_text(s, ":slug", *slug ? slug : "lieu");
        db_bind_text_exact(s, ":name_key", fold);
        free(slug);
        free(fold);
    }
    if (json_object_get(values, "commune")) {
        const char *commune = string_of(values, "commune");
        char *fold = text_fold(commune ? commune : "");
        db_bind_text_exact(s, ":commune_key", fold);
        free(fold);
    }
    if (json_object_get(values, "postal_code"))
        db_bind_text(s, ":timezone", place_store_timezone(string_of(values, "postal_code")));
    if (json_object_get(values, "description_md")) {
        /* Callers validate first (md_render's limits); an old value that
         * no longer renders (a restore) keeps its Markdown without HTML. */
        const char *md = string_of(values, "description_md");
        char *error = NULL;
        char *html = md && *md ? md_render(md, strlen(md), &error) : NULL;
        db_bind_text(s, ":description_html", html);
        free(html);
        free(error);
    }
    db_bind_int(s, ":verified", pw->verified);
    bind_int_if(s, ":if_changed", pw->if_changed);
    bind_int_if(s, ":id", pw->id);
    if (pw->account) bind_int_if(s, ":account", pw->account);
    return true;
}

static bool touches_address(const json_t *values)
{
    return json_object_get(values, "postal_code") || json_object_get(values, "commune") ||
           json_object_get(values, "insee_code") || json_object_get(values, "latitude");
}

/* What follows a written row: its commune link, then its default position. */
static int derive_after(db_conn *w, const place_write *pw, int64_t id, bool inserting)
{
    /* A new place was linked by its INSERT (link_before_insert). */
    if (!(inserting && pw->link_decided) && catalogue_link_place(w, id) < 0) return -1;
    if (pw->position_from_commune && (inserting || touches_address(pw->values))) {
        sqlite3_stmt *s = db_stmt(w, Q_POSITION_FROM_COMMUNE);
        db_bind_int(s, ":id", id);
        if (db_exec_stmt(s) != SQLITE_DONE) return -1;
    }
    return 0;
}

/* A number a column of REAL affinity would store as one (bind_json). */
static bool number_of(const json_t *v, double *out)
{
    if (json_is_number(v)) {
        *out = json_number_value(v);
        return true;
    }
    const char *text = json_string_value(v);
    char *end;
    if (!text || !*text) return false;
    *out = strtod(text, &end);
    return *end == '\0';
}

/* Link the new place to its commune before it is written (the INSERT sets
 * commune_insee and departement): an import used to write each row, read
 * it back and update it, a tenth of its time. Same decision, same data as
 * catalogue_link_place would read from the row. */
static int link_before_insert(db_conn *w, sqlite3_stmt *s, place_write *pw)
{
    const json_t *values = pw->values;
    const char *postal = string_of(values, "postal_code"), *commune = string_of(values, "commune");
    const char *insee_code = string_of(values, "insee_code");
    double lat = 0, lon = 0;
    bool has_pos = number_of(json_object_get(values, "latitude"), &lat) &&
                   number_of(json_object_get(values, "longitude"), &lon);
    char insee[8], dep[4];
    if (catalogue_link_decide(w, postal, commune, insee_code && *insee_code ? insee_code : NULL,
                              has_pos, lat, lon, insee, dep, pw->link_doubt,
                              sizeof pw->link_doubt) < 0)
        return -1;
    pw->link_decided = true;
    if (insee[0]) {
        db_bind_text(s, ":link_insee", insee);
        db_bind_text(s, ":link_dep", dep);
    }
    return 0;
}

int64_t place_store_insert(db_conn *w, place_write *pw)
{
    if (pw->source) history_set_actor(w, pw->account, pw->source);
    sqlite3_stmt *s = db_stmt(w, Q_INSERT);
    int64_t id = -1;
    if (link_before_insert(w, s, pw) == 0 && bind_write(s, pw, true) &&
        db_exec_stmt(s) == SQLITE_DONE) {
        id = sqlite3_last_insert_rowid(db_handle(w));
        if (derive_after(w, pw, id, true) < 0) id = -1;
    }
    if (pw->source) history_clear_actor(w);
    if (id > 0) pw->id = id;
    return id;
}

/*
 * An import's update of place `pw->id` as it is stored (`before`): the
 * values to write, without the fields the rule of provenance.h keeps as a
 * person edited them (counted in pw->counts). New reference, or NULL on a
 * database error.
 */
static json_t *import_values(db_conn *w, const place_write *pw, json_t *before)
{
    json_t *origins = provenance_load(w, "place", pw->id);
    json_t *values = json_object();
    const char *source = json_string_value(json_object_get(before, "source"));
    const char *key;
    json_t *v;
    bool failed = false;
    json_object_foreach(pw->values, key, v)
    {
        int decision = PROVENANCE_WRITE;
        if (json_object_size(origins) && provenance_place_field(key)) {
            char *incoming = provenance_json_text(v);
            decision = provenance_decide(w, origins, "place", pw->id, pw->id, key, source,
                                         json_string_value(json_object_get(before, key)), incoming);
            free(incoming);
        }
        if (decision < 0) failed = true;
        if (decision == PROVENANCE_WRITE) json_object_set(values, key, v);
        if (pw->counts && decision == PROVENANCE_KEEP) pw->counts->kept++;
        if (pw->counts && decision == PROVENANCE_PROPOSE) pw->counts->proposed++;
    }
    /* A position is one fact: half of it is never taken from the source. */
    if (!json_object_get(values, "latitude") != !json_object_get(values, "longitude")) {
        json_object_del(values, "latitude");
        json_object_del(values, "longitude");
    }
    json_decref(origins);
    if (failed) {
        json_decref(values);
        return NULL;
    }
    return values;
}

/* After a write: the origin of each published field it changed. */
static int record_origins(db_conn *w, const place_write *pw, json_t *before, json_t *after)
{
    bool by_person = pw->source && strcmp(pw->source, PROVENANCE_ACCEPTED) != 0;
    const char *source = json_string_value(json_object_get(before, "source"));
    const char *key;
    json_t *v;
    json_object_foreach(pw->values, key, v)
    {
        if (!provenance_place_field(key)) continue;
        const char *old = json_string_value(json_object_get(before, key));
        const char *now = json_string_value(json_object_get(after, key));
        if (provenance_same(old, now)) continue;
        if (provenance_set(w, "place", pw->id, key, by_person, pw->account, source, old, now) != 0)
            return -1;
    }
    return 0;
}

int place_store_update(db_conn *w, const char *update_sql, const place_write *pw)
{
    json_t *before = provenance_row(w, "place", pw->id);
    place_write own = *pw;
    if (!pw->source && before && !(own.values = import_values(w, pw, before))) {
        json_decref(before);
        return -1;
    }
    if (pw->source) history_set_actor(w, pw->account, pw->source);
    sqlite3_stmt *s = db_stmt(w, update_sql);
    int rc = -1;
    if (bind_write(s, &own, false) && db_exec_stmt(s) == SQLITE_DONE) {
        rc = sqlite3_changes(db_handle(w)) == 1;
        if (rc == 1 && derive_after(w, &own, own.id, false) < 0) rc = -1;
    }
    if (pw->source) history_clear_actor(w);
    if (rc == 1 && before) {
        json_t *after = provenance_row(w, "place", own.id);
        if (record_origins(w, &own, before, after) != 0) rc = -1;
        json_decref(after);
    }
    if (own.values != pw->values) json_decref(own.values);
    json_decref(before);
    return rc;
}

/* Used by: place_store_derive_all (every place's postal code and time zone). */
static const char Q_ZONES[] = "SELECT id, postal_code, timezone FROM place";
/* Used by: place_store_derive_all (a time zone that disagrees with the rule). */
static const char Q_SET_ZONE[] = "UPDATE place SET timezone = :timezone WHERE id = :id";

int place_store_derive_all(db_conn *w)
{
    typedef struct {
        int64_t id;
        const char *zone;
    } fix;
    fix *fixes = NULL;
    size_t n = 0, cap = 0;
    sqlite3_stmt *s = db_stmt(w, Q_ZONES);
    while (sqlite3_step(s) == SQLITE_ROW) {
        const char *zone = place_store_timezone(db_col_text(s, 1));
        const char *stored = db_col_text(s, 2);
        if (stored && strcmp(stored, zone) == 0) continue;
        if (n == cap) fixes = xrealloc(fixes, (cap = cap ? cap * 2 : 16) * sizeof *fixes);
        fixes[n++] = (fix){sqlite3_column_int64(s, 0), zone};
    }
    sqlite3_reset(s);
    int changed = 0;
    for (size_t i = 0; i < n && changed >= 0; i++) {
        s = db_stmt(w, Q_SET_ZONE);
        db_bind_text(s, ":timezone", fixes[i].zone);
        db_bind_int(s, ":id", fixes[i].id);
        if (db_exec_stmt(s) != SQLITE_DONE)
            changed = -1;
        else
            changed++;
    }
    free(fixes);
    if (changed < 0) return -1;
    int linked = catalogue_link_communes(w);
    return linked < 0 ? -1 : changed + linked;
}

/* Used by: place_store_derive_if_needed. */
static const char Q_DERIVE_STATE[] =
    "SELECT d.rules, d.catalogue_version, v.version FROM derive_state d, catalogue_version v"
    " WHERE d.id = 1 AND v.id = 1";
static const char Q_DERIVE_DONE[] =
    "UPDATE derive_state SET rules = :rules,"
    " catalogue_version = (SELECT version FROM catalogue_version WHERE id = 1) WHERE id = 1";

int place_store_derive_if_needed(db_conn *w)
{
    sqlite3_stmt *s = db_stmt(w, Q_DERIVE_STATE);
    bool current = false;
    if (sqlite3_step(s) == SQLITE_ROW)
        current = sqlite3_column_int64(s, 0) == PLACE_STORE_DERIVE_RULES &&
                  sqlite3_column_int64(s, 1) == sqlite3_column_int64(s, 2);
    sqlite3_reset(s);
    if (current) return 0;
    int changed = place_store_derive_all(w);
    if (changed < 0) return -1;
    s = db_stmt(w, Q_DERIVE_DONE);
    db_bind_int(s, ":rules", PLACE_STORE_DERIVE_RULES);
    return db_exec_stmt(s) == SQLITE_DONE ? changed : -1;
}
