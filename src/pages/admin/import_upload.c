/*
 * import_upload.c — uploading an import file in the admin area, with a
 * preview before anything is saved (administrators and coordinators).
 *
 *   GET  /admin/import             the upload form
 *   POST /admin/import             multipart/form-data (8 MiB at most): the file
 *                                  is kept server-side under a random token and
 *                                  imported as a dry run; the page shows the report
 *                                  and a "Confirmer l'import" form carrying the token
 *   POST /admin/import/confirmer   imports exactly the bytes previewed (single use)
 *
 * Places (schema v1.0.2 CSV or JSON, v0.1 JSON) go through importer_run,
 * workshops files through workshop_import_run — the same code as
 * `repere import` (src/cmd_import.c), dry run first. The kept bytes live in
 * `import_upload` (migration 0011): the token's hash only, the account that
 * uploaded, an expiry; a confirmation from another account or after the
 * expiry finds nothing.
 */
#include "accounts/access.h"
#include "accounts/auth.h"
#include "places/importer.h"
#include "pages/pages.h"
#include "http/session.h"
#include "workshops/workshop_import.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    IMPORT_UPLOAD_TTL = 30 * 60, /* seconds between the preview and the confirmation */
    IMPORT_UPLOADS_KEPT = 3,     /* pending uploads per account; older ones are dropped */
    IMPORT_ENTRIES_SHOWN = 300,  /* report lines per level on the page */
    IMPORT_SOURCE_MAX = 100,     /* characters */
};

/* Used by: an upload (expired ones and an account's older ones are dropped). */
static const char Q_PURGE[] =
    "DELETE FROM import_upload WHERE expires_at <= :now OR id IN (SELECT id FROM import_upload"
    " WHERE account_id = :account ORDER BY created_at DESC, id DESC LIMIT -1 OFFSET :keep)";
/* Used by: an upload (kept for the confirmation). */
static const char Q_KEEP[] = "INSERT INTO import_upload (token_hash, account_id, file_name, "
                             "source, data, created_at, expires_at)"
                             " VALUES (:hash, :account, :name, :source, :data, :now, :expires)";
/* Used by: the confirmation (this account's, not expired). */
static const char Q_FIND[] =
    "SELECT id, file_name, source, data FROM import_upload WHERE token_hash = :hash"
    " AND account_id = :account AND expires_at > :now";
/* Used by: the confirmation (single use: claimed before the import runs). */
static const char Q_CLAIM[] = "DELETE FROM import_upload WHERE id = :id";

static json_t *report_model(req *r, const importer_report *rep, const char *file_name,
                            const char *format)
{
    json_t *m = json_object();
    json_object_set_new(m, "format", json_string(format ? format : ""));
    json_object_set_new(m, "file_name", json_string(file_name ? file_name : ""));
    json_object_set_new(m, "records", json_integer((json_int_t)rep->records));
    json_object_set_new(m, "imported", json_integer((json_int_t)rep->imported));
    json_object_set_new(m, "updated", json_integer((json_int_t)rep->updated));
    json_object_set_new(m, "unchanged", json_integer((json_int_t)rep->unchanged));
    json_object_set_new(m, "rejected", json_integer((json_int_t)rep->rejected));
    json_object_set_new(m, "warnings", json_integer((json_int_t)rep->warnings));
    json_object_set_new(m, "duplicates", json_integer((json_int_t)rep->duplicates));
    json_object_set_new(m, "kept_by_place", json_integer((json_int_t)rep->kept_by_place));
    json_object_set_new(m, "proposed", json_integer((json_int_t)rep->proposed));
    json_object_set_new(m, "unreadable_hours", json_integer((json_int_t)rep->unreadable_hours));
    if (rep->error) json_object_set_new(m, "error", json_string(rep->error));
    /* What the import leaves as it was: said before anyone confirms. */
    char *kept = importer_untouched_names(rep->untouched_by_format, true);
    if (kept) json_object_set_new(m, "untouched_by_format", json_string(kept));
    free(kept);
    kept = importer_untouched_names(rep->untouched_by_file, true);
    if (kept) json_object_set_new(m, "untouched_by_file", json_string(kept));
    free(kept);
    static const struct {
        importer_level level;
        const char *key;
    } LEVELS[] = {{IMPORTER_REJECTED, "rejected_entries"},
                  {IMPORTER_WARNING, "warning_entries"},
                  {IMPORTER_DUPLICATE, "duplicate_entries"}};
    for (size_t k = 0; k < ARRAY_LEN(LEVELS); k++) {
        json_t *a = json_array();
        size_t more = 0;
        for (size_t i = 0; i < rep->entry_count; i++) {
            const importer_entry *e = &rep->entries[i];
            if (e->level != LEVELS[k].level) continue;
            if (json_array_size(a) == IMPORT_ENTRIES_SHOWN) {
                more++;
                continue;
            }
            json_t *o = json_pack("{s:I, s:s}", "record", (json_int_t)e->record, "message",
                                  e->message ? e->message : "");
            if (e->source_id) json_object_set_new(o, "id", json_string(e->source_id));
            if (e->name) json_object_set_new(o, "name", json_string(e->name));
            if (e->field) json_object_set_new(o, "field", json_string(e->field));
            if (e->value) json_object_set_new(o, "value", json_string(e->value));
            json_array_append_new(a, o);
        }
        json_object_set_new(m, arena_printf(r->arena, "has_%s", LEVELS[k].key),
                            json_boolean(json_array_size(a) > 0));
        json_object_set_new(m, LEVELS[k].key, a);
        if (more)
            json_object_set_new(m, arena_printf(r->arena, "%s_more", LEVELS[k].key),
                                json_integer((json_int_t)more));
    }
    return m;
}

/* Run the right importer on the bytes; returns the format's name for people. */
/* Used by: may_write (the importer asks before and after each write). */
static const char Q_MAY_EDIT[] =
    "SELECT 1 FROM place WHERE id = :id AND " ADMIN_CAN_EDIT("place", ":account");

/* The one territory rule of the editor's routes, for every record of an
 * upload: a coordinator writes the places of their territory only. */
static bool may_write(void *ctx, db_conn *c, int64_t place_id, bool before, const char **why)
{
    const req *r = ctx;
    sqlite3_stmt *s = db_stmt(c, Q_MAY_EDIT);
    db_bind_int(s, ":id", place_id);
    db_bind_int(s, ":account", r->user->account_id);
    bool ok = sqlite3_step(s) == SQLITE_ROW;
    sqlite3_reset(s);
    if (!ok)
        *why = before
                   ? _("ce lieu n'est pas dans votre territoire : vous ne pouvez pas le modifier")
                   : _("ce lieu serait hors de votre territoire : il n'est pas enregistré");
    return ok;
}

static const char *run(req *r, const char *data, size_t len, const char *source, bool dry_run,
                       importer_report *rep)
{
    const char *format;
    if (workshop_import_detect(data, len)) { /* {"ateliers": […]}: docs/workshops-format.md */
        workshop_import_run_as(r->app->db, data, len, source, dry_run, now_utc(), may_write, r,
                               rep);
        format = _("ateliers (repere-ateliers/1)");
    } else {
        importer_run_as(r->app->db, data, len, source, dry_run, may_write, r, rep);
        format = importer_format_name(rep->format);
    }
    /* A file of thousands of places filled the writer's cache (sized for
     * imports): not kept resident until the next one. */
    db_writer_release_memory(r->app->db);
    return format;
}

static int form_page(req *r, const char *error, const char *source)
{
    json_t *m = session_page_model(r, _("Importer un fichier"));
    if (error) {
        json_object_set_new(m, "error", json_string(error));
        r->status = 400;
    }
    json_object_set_new(m, "source", json_string(source ? source : ""));
    json_object_set_new(m, "max_mib", json_integer(ADMIN_IMPORT_MAX_BODY / (1024 * 1024)));
    return reply_page(r, "admin_import", m);
}

typedef struct keep_args {
    req *r;
    const char *hash, *name, *source;
} keep_args;

/* Keep the previewed bytes under the token's hash (older uploads purged). */
static int keep_upload_tx(db_conn *w, void *ctx)
{
    keep_args *k = ctx;
    req *r = k->r;
    int64_t now = now_utc();
    sqlite3_stmt *s = db_stmt(w, Q_PURGE);
    db_bind_int(s, ":now", now);
    db_bind_int(s, ":account", r->user->account_id);
    db_bind_int(s, ":keep", IMPORT_UPLOADS_KEPT - 1);
    if (db_exec_stmt(s) != SQLITE_DONE) return -1;
    s = db_stmt(w, Q_KEEP);
    db_bind_text(s, ":hash", k->hash);
    db_bind_int(s, ":account", r->user->account_id);
    db_bind_text(s, ":name", k->name);
    db_bind_text(s, ":source", k->source);
    sqlite3_bind_blob(s, sqlite3_bind_parameter_index(s, ":data"), r->upload.data,
                      (int)r->upload.len, SQLITE_STATIC);
    db_bind_int(s, ":now", now);
    db_bind_int(s, ":expires", now + IMPORT_UPLOAD_TTL);
    if (db_exec_stmt(s) != SQLITE_DONE) return -1;
    auth_audit(w, "import_previewed", r->user->account_id, k->name ? k->name : "(sans nom)",
               req_client_ip(r),
               arena_printf(r->arena, "%zu octets, source %s", r->upload.len, k->source));
    return 0;
}

typedef struct claim_args {
    req *r;
    const char *hash;
    const char *name, *source; /* out, in r->arena */
    char *data;                /* out, malloc'd: the bytes previewed */
    size_t len;
} claim_args;

enum { CLAIM_NONE = -3 }; /* no such upload for this account, or expired */

/* Find the upload and claim it, single use: two clicks import once. */
static int claim_upload_tx(db_conn *w, void *ctx)
{
    claim_args *c = ctx;
    req *r = c->r;
    sqlite3_stmt *s = db_stmt(w, Q_FIND);
    db_bind_text(s, ":hash", c->hash);
    db_bind_int(s, ":account", r->user->account_id);
    db_bind_int(s, ":now", now_utc());
    if (sqlite3_step(s) != SQLITE_ROW) {
        sqlite3_reset(s);
        return CLAIM_NONE;
    }
    int64_t id = sqlite3_column_int64(s, 0);
    c->name = db_col_text(s, 1) ? arena_strdup(r->arena, db_col_text(s, 1)) : NULL;
    c->source = arena_strdup(r->arena, db_col_text(s, 2));
    c->len = (size_t)sqlite3_column_bytes(s, 3);
    c->data = xmalloc(c->len + 1);
    if (c->len) memcpy(c->data, sqlite3_column_blob(s, 3), c->len);
    c->data[c->len] = '\0';
    sqlite3_reset(s);
    s = db_stmt(w, Q_CLAIM);
    db_bind_int(s, ":id", id);
    return db_exec_stmt(s) == SQLITE_DONE ? 0 : -1;
}

typedef struct audit_args {
    req *r;
    const char *event, *subject, *detail;
} audit_args;

static int audit_tx(db_conn *w, void *ctx)
{
    audit_args *a = ctx;
    auth_audit(w, a->event, a->r->user->account_id, a->subject, req_client_ip(a->r), a->detail);
    return 0;
}

int page_admin_import(req *r)
{
    return form_page(r, NULL, NULL);
}

/* "lieux-aura-2022.csv" → "lieux-aura-2022" (what `repere import` does). */
static const char *default_source(req *r, const char *file_name)
{
    if (!file_name || !*file_name) return "import";
    const char *base = strrchr(file_name, '/');
    base = base ? base + 1 : file_name;
    const char *bs = strrchr(base, '\\');
    base = bs ? bs + 1 : base;
    const char *dot = strrchr(base, '.');
    size_t n = dot && dot != base ? (size_t)(dot - base) : strlen(base);
    return n ? arena_strndup(r->arena, base, n) : "import";
}

int page_admin_import_post(req *r)
{
    const char *typed = req_form(r, "source");
    char *source = str_trim(arena_strdup(r->arena, typed ? typed : ""));
    if (!r->upload.len)
        return form_page(
            r, _("Choisissez un fichier CSV ou JSON à importer (le fichier reçu est vide)."),
            source);
    if (utf8_length(source) > IMPORT_SOURCE_MAX || strpbrk(source, "\r\n\t"))
        return form_page(r, _("Le nom de la source tient sur une ligne de 100 caractères au plus."),
                         source);
    const char *name = r->upload_name;
    if (name && (!utf8_valid(name, strlen(name)) || strlen(name) > 255)) name = NULL;
    if (!*source) source = (char *)default_source(r, name);

    /* The dry run: everything read, validated, upserted, counted, rolled back. */
    importer_report rep;
    importer_report_init(&rep);
    const char *format = run(r, r->upload.data, r->upload.len, source, true, &rep);
    json_t *report = report_model(r, &rep, name, format);
    bool importable = !rep.error && rep.records > rep.rejected;
    importer_report_free(&rep);

    json_t *m = session_page_model(r, _("Aperçu de l'import"));
    json_object_set_new(m, "report", report);
    json_object_set_new(m, "source", json_string(source));
    json_object_set_new(m, "preview", json_true());
    if (importable) {
        /* Keep exactly these bytes for the confirmation, under a random token. */
        char token[AUTH_TOKEN_CHARS + 1], hash[AUTH_HASH_HEX + 1];
        auth_new_token(token, hash);
        keep_args k = {r, hash, name, source};
        if (db_transaction(r->app->db, keep_upload_tx, &k) != 0) {
            json_decref(m);
            return -1;
        }
        json_object_set_new(m, "token", json_string(token));
        json_object_set_new(m, "ttl_minutes", json_integer(IMPORT_UPLOAD_TTL / 60));
    }
    return reply_page(r, "admin_import_report", m);
}

int page_admin_import_confirm(req *r)
{
    const char *token = req_form(r, "jeton");
    if (!token || strlen(token) != AUTH_TOKEN_CHARS)
        return reply_error(
            r, 410, "Cet aperçu a expiré ou a déjà été importé : envoyez le fichier de nouveau.");
    char hash[AUTH_HASH_HEX + 1];
    auth_token_hash(token, hash);
    claim_args c = {r, hash, NULL, NULL, NULL, 0};
    int claimed = db_transaction(r->app->db, claim_upload_tx, &c);
    if (claimed == CLAIM_NONE)
        return reply_error(
            r, 410, "Cet aperçu a expiré ou a déjà été importé : envoyez le fichier de nouveau.");
    if (claimed != 0) {
        free(c.data);
        return -1;
    }
    const char *name = c.name, *source = c.source;
    char *data = c.data;
    size_t len = c.len;

    importer_report rep;
    importer_report_init(&rep);
    const char *format = run(r, data, len, source, false, &rep);
    free(data);
    json_t *report = report_model(r, &rep, name, format);
    audit_args au = {
        r, rep.error ? "import_failed" : "import_run", name ? name : "(sans nom)",
        arena_printf(r->arena,
                     "source %s : %zu créés, %zu mis à jour, %zu inchangés, %zu refusés, "
                     "%zu champs conservés (modifiés par le lieu), %zu proposés",
                     source, rep.imported, rep.updated, rep.unchanged, rep.rejected,
                     rep.kept_by_place, rep.proposed)};
    db_transaction(r->app->db, audit_tx,
                   &au); /* the import itself is done: a lost audit line is logged */
    importer_report_free(&rep);
    json_t *m = session_page_model(r, _("Import terminé"));
    json_object_set_new(m, "report", report);
    json_object_set_new(m, "source", json_string(source));
    json_object_set_new(m, "done", json_true());
    return reply_page(r, "admin_import_report", m);
}
