-- 0021 — the full-text index can be brought up to date once per import
-- instead of once per record.
--
-- FTS5 writes its pending terms to disk at every statement savepoint, and
-- each INSERT or UPDATE of a place opens one: an import of 30 000 places
-- wrote 30 000 tiny index segments (and merged them), about a third of the
-- import's time. While fts_control.deferred is 1 — set by the importer
-- inside its own transaction, so no other connection ever sees it — the
-- triggers only note which places changed (fts_pending); the importer then
-- re-indexes them in one statement before it commits
-- (catalogue_fts_defer / catalogue_fts_flush in src/places/catalogue.c).
-- Every other writer is unchanged: deferred is 0 outside an import.
CREATE TABLE fts_control (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    deferred INTEGER NOT NULL DEFAULT 0
);
INSERT INTO fts_control (id, deferred) VALUES (1, 0);

CREATE TABLE fts_pending (
    id INTEGER PRIMARY KEY  -- place.id to re-index
);

DROP TRIGGER place_fts_insert;
DROP TRIGGER place_fts_update;

CREATE TRIGGER place_fts_insert AFTER INSERT ON place
WHEN (SELECT deferred FROM fts_control WHERE id = 1) = 0 BEGIN
    INSERT INTO place_fts (rowid, name, services, place_type, commune, labels, presentation)
    SELECT id, name, services, place_type, commune, labels, presentation
    FROM place_fts_source WHERE id = new.id;
END;

CREATE TRIGGER place_fts_update AFTER UPDATE OF name, services, services_original, typologies,
    commune, postal_code, programmes, labels, other_labels, structure_id, summary,
    description_md ON place
WHEN (SELECT deferred FROM fts_control WHERE id = 1) = 0 BEGIN
    DELETE FROM place_fts WHERE rowid = old.id;
    INSERT INTO place_fts (rowid, name, services, place_type, commune, labels, presentation)
    SELECT id, name, services, place_type, commune, labels, presentation
    FROM place_fts_source WHERE id = new.id;
END;

CREATE TRIGGER place_fts_insert_deferred AFTER INSERT ON place
WHEN (SELECT deferred FROM fts_control WHERE id = 1) = 1 BEGIN
    INSERT OR IGNORE INTO fts_pending (id) VALUES (new.id);
END;

CREATE TRIGGER place_fts_update_deferred AFTER UPDATE OF name, services, services_original,
    typologies, commune, postal_code, programmes, labels, other_labels, structure_id, summary,
    description_md ON place
WHEN (SELECT deferred FROM fts_control WHERE id = 1) = 1 BEGIN
    INSERT OR IGNORE INTO fts_pending (id) VALUES (new.id);
END;
