-- 0011 — files uploaded at /admin/import, kept between the preview (dry run)
-- and "Confirmer l'import", so that the confirmation imports exactly the
-- bytes that were previewed (a re-upload is never trusted to be the same).
-- Rows are single-use, expire after IMPORT_UPLOAD_TTL (src/pages/admin_import.c)
-- and are purged at every upload. See docs/admin.md, docs/security.md.
CREATE TABLE import_upload (
    id          INTEGER PRIMARY KEY,
    token_hash  TEXT NOT NULL UNIQUE,  -- hex BLAKE2b-256 of the random token of the confirm form
    account_id  INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,
    file_name   TEXT,                  -- as the browser sent it, shown only
    source      TEXT NOT NULL,         -- producer name for records without one
    data        BLOB NOT NULL,
    created_at  INTEGER NOT NULL,      -- UTC seconds
    expires_at  INTEGER NOT NULL
);
-- Serves: the purge of expired uploads and the per-account cap.
CREATE INDEX import_upload_by_account ON import_upload(account_id, created_at);
