-- 0014 — who set each field of a place or a workshop, and what a source
-- proposes when a person of the place changed that field since.
--
-- The rule (src/places/provenance.h): a field edited in the admin area
-- keeps its value when the source re-imports the value it sent before the
-- edit ("conservé (modifié par le lieu)"); a different value from the source
-- becomes a pending proposal that the place's manager or coordinator accepts
-- or refuses. Fields without a row were set by the source when the record
-- was created (place.source, place.created_at).

-- The last writer of one field. Written by place_store (places) and the
-- workshops importer and editor (workshops) when the field's value changes.
-- Serves: the import's decision per field, the provenance of a place's fields.
CREATE TABLE field_origin (
    entity           TEXT NOT NULL CHECK (entity IN ('place', 'workshop')),
    entity_id        INTEGER NOT NULL,   -- place.id or workshop.id
    field            TEXT NOT NULL,      -- column name
    by_person        INTEGER NOT NULL,   -- 1: edited in the admin area; 0: from the source
    source           TEXT,               -- the producer (place.source / workshop.source)
    account_id       INTEGER REFERENCES account(id) ON DELETE SET NULL,
    set_at           TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    has_source_value INTEGER NOT NULL DEFAULT 0,
    source_value     TEXT,               -- the last value the source sent (when has_source_value)
    PRIMARY KEY (entity, entity_id, field)
) WITHOUT ROWID;

-- A value a source sent for a field a person had changed.
-- Serves: the queue of proposals (/admin/propositions), a place's proposals.
CREATE TABLE field_proposal (
    id           INTEGER PRIMARY KEY,
    entity       TEXT NOT NULL CHECK (entity IN ('place', 'workshop')),
    entity_id    INTEGER NOT NULL,
    place_id     INTEGER NOT NULL REFERENCES place(id) ON DELETE CASCADE, -- the place (a workshop's)
    field        TEXT NOT NULL,
    value        TEXT,                   -- as it would be stored; NULL empties the field
    source       TEXT NOT NULL,
    proposed_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    status       TEXT NOT NULL DEFAULT 'pending'
                 CHECK (status IN ('pending', 'accepted', 'refused', 'superseded')),
    decided_by   INTEGER REFERENCES account(id) ON DELETE SET NULL,
    decided_at   TEXT
);
-- Serves: one pending proposal per field (a newer one supersedes it).
CREATE UNIQUE INDEX field_proposal_pending ON field_proposal(entity, entity_id, field)
    WHERE status = 'pending';
-- Serves: the pending proposals of a place and of a territory.
CREATE INDEX field_proposal_by_place ON field_proposal(place_id) WHERE status = 'pending';

CREATE TRIGGER field_origin_place_gone AFTER DELETE ON place BEGIN
    DELETE FROM field_origin WHERE entity = 'place' AND entity_id = old.id;
END;
CREATE TRIGGER field_origin_workshop_gone AFTER DELETE ON workshop BEGIN
    DELETE FROM field_origin WHERE entity = 'workshop' AND entity_id = old.id;
    DELETE FROM field_proposal WHERE entity = 'workshop' AND entity_id = old.id;
END;
-- A workshop moved to another place takes its proposals along.
CREATE TRIGGER field_proposal_workshop_moved AFTER UPDATE OF place_id ON workshop
WHEN old.place_id IS NOT new.place_id BEGIN
    UPDATE field_proposal SET place_id = new.place_id
    WHERE entity = 'workshop' AND entity_id = new.id;
END;
