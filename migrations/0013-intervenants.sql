-- 0013 — intervenants: the people and organisations a place can call on to
-- run a workshop or a talk (issue 17). Listing is by consent: an entry is
-- created by an invitation or an application, confirmed by an e-mail link,
-- and public only once a coordinator of its territory has validated it.
-- The e-mail address is private: never shown, only used by the contact relay.

-- One intervenant. status: 'pending' (link not yet followed), 'confirmed'
-- (waiting for a coordinator), 'public'.
-- Serves: /intervenants, /intervenants/{id}-{slug}, the API, the sitemap,
-- the coordinators' queue, the owner's editing (account_id).
CREATE TABLE intervenant (
    id            INTEGER PRIMARY KEY,
    status        TEXT NOT NULL DEFAULT 'pending'
                  CHECK (status IN ('pending', 'confirmed', 'public')),
    account_id    INTEGER REFERENCES account(id) ON DELETE SET NULL,
    email         TEXT NOT NULL COLLATE NOCASE,  -- private: the relay's recipient
    name          TEXT NOT NULL,
    kind          TEXT NOT NULL,                 -- people_kinds code
    presentation  TEXT NOT NULL DEFAULT '',      -- Markdown, rendered safe
    domains       TEXT NOT NULL DEFAULT '',      -- '|'-separated people_domains codes
    formats       TEXT NOT NULL DEFAULT '',      -- '|'-separated people_formats codes
    fees          TEXT NOT NULL DEFAULT 'benevole',
    commune_insee TEXT REFERENCES commune(insee), -- home commune: territory, radius centre
    radius_km     INTEGER NOT NULL DEFAULT 0,    -- area served around it (0: the commune)
    remote        INTEGER NOT NULL DEFAULT 0,    -- also « à distance »
    confirm_hash  TEXT UNIQUE,                   -- hash of the e-mail link's token
    invited_by    INTEGER REFERENCES account(id) ON DELETE SET NULL,
    created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    updated_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX intervenant_by_status ON intervenant(status);
CREATE INDEX intervenant_by_account ON intervenant(account_id) WHERE account_id IS NOT NULL;

-- The places an intervenant works with.
-- Serves: the place page's section, the intervenant's page.
CREATE TABLE intervenant_place (
    intervenant_id INTEGER NOT NULL REFERENCES intervenant(id) ON DELETE CASCADE,
    place_id       INTEGER NOT NULL REFERENCES place(id) ON DELETE CASCADE,
    PRIMARY KEY (intervenant_id, place_id)
) WITHOUT ROWID;
CREATE INDEX intervenant_place_by_place ON intervenant_place(place_id);

-- The relay's rate limit: when a client (keyed hash of its address) wrote
-- to whom. The message itself is never stored.
CREATE TABLE intervenant_contact (
    id             INTEGER PRIMARY KEY,
    client_key     TEXT NOT NULL,
    intervenant_id INTEGER,                      -- no foreign key: outlives deletion
    sent_at        INTEGER NOT NULL
);
CREATE INDEX intervenant_contact_by_client ON intervenant_contact(client_key, sent_at);

-- The history of an entry, like place_history: who changed what, when.
-- Deleted with the entry (personal data); the audit log keeps an anonymous line.
CREATE TABLE intervenant_history (
    id             INTEGER PRIMARY KEY,
    intervenant_id INTEGER NOT NULL REFERENCES intervenant(id) ON DELETE CASCADE,
    account_id     INTEGER REFERENCES account(id) ON DELETE SET NULL,
    at             TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    event          TEXT NOT NULL,                -- 'created', 'confirmed', 'edited', 'validated'
    detail         TEXT
);
CREATE INDEX intervenant_history_by_entry ON intervenant_history(intervenant_id, at);

-- The workshops of the agenda an intervenant runs.
-- Serves: the workshop page's « Animé par », the intervenant's upcoming workshops.
CREATE TABLE intervenant_workshop (
    intervenant_id INTEGER NOT NULL REFERENCES intervenant(id) ON DELETE CASCADE,
    workshop_id    INTEGER NOT NULL REFERENCES workshop(id) ON DELETE CASCADE,
    PRIMARY KEY (intervenant_id, workshop_id)
) WITHOUT ROWID;
CREATE INDEX intervenant_workshop_by_workshop ON intervenant_workshop(workshop_id);
