-- 0003 — full-text search over places.
--
-- place_fts is a regular FTS5 table (it keeps its own copy of the indexed
-- text) maintained by triggers on place, so every writer — importer, editor,
-- API — keeps it in sync without thinking about it. Columns are weighted by
-- bm25() in src/search.c: name, then services, then the rest.
-- Tokenizer: accents and case folded (remove_diacritics 2), prefixes of 2
-- and 3 characters indexed for "what you type is a prefix" matching.

-- Labels for people of the national vocabularies, mirrored from src/vocab.c
-- at start-up (vocab_sync_labels) so triggers can index type words
-- ("Médiathèque" for BIB) and service labels.
-- Serves: the place_fts triggers.
CREATE TABLE vocab_label (
    kind   TEXT NOT NULL,   -- 'typologie', 'services', …
    value  TEXT NOT NULL,   -- exact schema string or code
    label  TEXT NOT NULL,   -- words for people
    PRIMARY KEY (kind, value)
) WITHOUT ROWID;

CREATE VIRTUAL TABLE place_fts USING fts5(
    name,          -- nom
    services,      -- national services, their labels, the original v0.1 wording
    place_type,    -- typologie in words
    commune,       -- commune and postal code
    labels,        -- programmes, labels, other labels, structure name
    presentation,  -- presentation_resume + presentation_detail
    tokenize = "unicode61 remove_diacritics 2",
    prefix = '2 3'
);

-- The text indexed for one place (used by the three triggers below).
CREATE VIEW place_fts_source AS
SELECT p.id AS id,
       p.name AS name,
       trim(replace(coalesce(p.services, ''), '|', ' ') || ' ' ||
            replace(coalesce(p.services_original, ''), '|', ' ') || ' ' ||
            coalesce((SELECT group_concat(v.label, ' ') FROM vocab_label v
                      WHERE v.kind = 'services'
                        AND instr('|' || p.services || '|', '|' || v.value || '|') > 0), ''))
           AS services,
       coalesce((SELECT group_concat(v.label, ' ') FROM vocab_label v
                 WHERE v.kind = 'typologie'
                   AND instr('|' || p.typologies || '|', '|' || v.value || '|') > 0), '')
           AS place_type,
       p.commune || ' ' || p.postal_code AS commune,
       trim(replace(coalesce(p.programmes, ''), '|', ' ') || ' ' ||
            replace(coalesce(p.labels, ''), '|', ' ') || ' ' ||
            replace(coalesce(p.other_labels, ''), '|', ' ') || ' ' ||
            coalesce((SELECT s.name FROM structure s WHERE s.id = p.structure_id), ''))
           AS labels,
       trim(coalesce(p.summary, '') || ' ' || coalesce(p.description_md, '')) AS presentation
FROM place p;

CREATE TRIGGER place_fts_insert AFTER INSERT ON place BEGIN
    INSERT INTO place_fts (rowid, name, services, place_type, commune, labels, presentation)
    SELECT id, name, services, place_type, commune, labels, presentation
    FROM place_fts_source WHERE id = new.id;
END;

CREATE TRIGGER place_fts_update AFTER UPDATE OF name, services, services_original, typologies,
    commune, postal_code, programmes, labels, other_labels, structure_id, summary,
    description_md ON place BEGIN
    DELETE FROM place_fts WHERE rowid = old.id;
    INSERT INTO place_fts (rowid, name, services, place_type, commune, labels, presentation)
    SELECT id, name, services, place_type, commune, labels, presentation
    FROM place_fts_source WHERE id = new.id;
END;

CREATE TRIGGER place_fts_delete AFTER DELETE ON place BEGIN
    DELETE FROM place_fts WHERE rowid = old.id;
END;

-- Places already there when this migration runs.
INSERT INTO place_fts (rowid, name, services, place_type, commune, labels, presentation)
SELECT id, name, services, place_type, commune, labels, presentation FROM place_fts_source;
