-- 0026 — intervenants (0013), second part of issue 17: the publics they
-- work with, the languages they speak, their approvals; changes of attached
-- places proposed by the intervenant and confirmed by the place's people;
-- an anonymous line for each deleted entry. The two new tables are never
-- read by a public page: they do not bump the catalogue version (0024).

-- '|'-separated codes of people_publics, people_languages, people_approvals
-- (src/people/intervenant.c); approvals_other is free text (public).
-- Serves: the entry's page, the API, the filters of /intervenants.
ALTER TABLE intervenant ADD COLUMN publics TEXT NOT NULL DEFAULT '';
ALTER TABLE intervenant ADD COLUMN languages TEXT NOT NULL DEFAULT '';
ALTER TABLE intervenant ADD COLUMN approvals TEXT NOT NULL DEFAULT '';
ALTER TABLE intervenant ADD COLUMN approvals_other TEXT NOT NULL DEFAULT '';

-- A place an intervenant asks to be attached to, waiting for a manager or
-- coordinator of that place (docs/admin.md, « Intervenants »).
-- Serves: the owner's form (pending requests), /admin/intervenants (the
-- requests the account may confirm).
CREATE TABLE intervenant_place_request (
    intervenant_id INTEGER NOT NULL REFERENCES intervenant(id) ON DELETE CASCADE,
    place_id       INTEGER NOT NULL REFERENCES place(id) ON DELETE CASCADE,
    requested_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    PRIMARY KEY (intervenant_id, place_id)
) WITHOUT ROWID;
CREATE INDEX intervenant_place_request_by_place ON intervenant_place_request(place_id);

-- What remains of a deleted entry: its former id, its département (to know
-- which coordinators see the line), when, and by whom (owner or
-- coordination). No name, no address.
-- Serves: the coordinators' history view of an entry (/admin/intervenants/{id}/historique).
CREATE TABLE intervenant_deleted (
    id          INTEGER PRIMARY KEY,   -- the former intervenant.id
    departement TEXT,
    deleted_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    by_owner    INTEGER NOT NULL
);
