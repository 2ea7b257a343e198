-- 0005 — the admin area: accounts and their roles, sessions, invitation and
-- reset links, login throttling, the audit log, the history of every change
-- of a place, error reports, claims and verification reminders.
-- Times stored as integers are UTC seconds since the epoch; texts are ISO 8601.
-- Security model: docs/security.md.

-- A person who can sign in. Created by an invitation (or `repere user add`):
-- password_hash stays NULL until the person chooses a password.
-- Serves: login by e-mail, the account page, `repere user list`.
CREATE TABLE account (
    id                  INTEGER PRIMARY KEY,
    email               TEXT NOT NULL UNIQUE COLLATE NOCASE,
    name                TEXT,
    password_hash       TEXT,              -- crypto_pwhash_str (Argon2id), never shown
    created_at          TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    password_changed_at TEXT,
    last_login_at       TEXT,
    disabled            INTEGER NOT NULL DEFAULT 0
);

-- What an account may do; a person may hold several rows.
--   admin:        everything;
--   coordinator:  the places of a département, of an EPCI, or one listed place
--                 (a regional hub gets one row per place);
--   manager:      one place.
-- Serves: every authorisation check (the CAN_EDIT condition of src/admin.h).
CREATE TABLE account_role (
    id          INTEGER PRIMARY KEY,
    account_id  INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,
    kind        TEXT NOT NULL CHECK (kind IN ('admin', 'coordinator', 'manager')),
    place_id    INTEGER REFERENCES place(id) ON DELETE CASCADE,
    departement TEXT,
    epci        TEXT,
    granted_by  INTEGER REFERENCES account(id) ON DELETE SET NULL,
    granted_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    CHECK ((kind = 'admin' AND place_id IS NULL AND departement IS NULL AND epci IS NULL)
        OR (kind = 'manager' AND place_id IS NOT NULL AND departement IS NULL AND epci IS NULL)
        OR (kind = 'coordinator'
            AND (place_id IS NOT NULL) + (departement IS NOT NULL) + (epci IS NOT NULL) = 1))
);
-- Serves: granting twice is a no-op; the roles of an account.
CREATE UNIQUE INDEX account_role_unique ON account_role(account_id, kind, coalesce(place_id, 0),
    coalesce(departement, ''), coalesce(epci, ''));
-- Serves: the managers and coordinators of a place (mails, claims, reports).
CREATE INDEX account_role_by_place ON account_role(place_id) WHERE place_id IS NOT NULL;
CREATE INDEX account_role_by_departement ON account_role(departement) WHERE departement IS NOT NULL;
CREATE INDEX account_role_by_epci ON account_role(epci) WHERE epci IS NOT NULL;

-- A signed-in browser. Only a hash of the cookie's token is stored.
-- Serves: the session lookup of every request (token_hash), logout everywhere.
CREATE TABLE session (
    id          INTEGER PRIMARY KEY,
    token_hash  TEXT NOT NULL UNIQUE,       -- hex BLAKE2b-256 of the cookie value
    account_id  INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,
    csrf        TEXT NOT NULL,              -- synchronizer token of this session's forms
    created_at  INTEGER NOT NULL,           -- absolute expiry counts from here
    seen_at     INTEGER NOT NULL            -- idle expiry counts from here
);
CREATE INDEX session_by_account ON session(account_id);

-- Single-use links sent by mail: invitations (7 days) and password resets (1 hour).
-- Serves: /compte/activer.
CREATE TABLE account_token (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('invite', 'reset')),
    token_hash  TEXT NOT NULL UNIQUE,
    account_id  INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,
    created_by  INTEGER REFERENCES account(id) ON DELETE SET NULL,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    used_at     INTEGER
);
CREATE INDEX account_token_by_account ON account_token(account_id);

-- Failed logins, per account ('account:EMAIL') and per client ('ip:ADDRESS').
-- Serves: the growing delays of /connexion.
CREATE TABLE login_throttle (
    key              TEXT PRIMARY KEY,
    failures         INTEGER NOT NULL,
    first_failure_at INTEGER NOT NULL,
    last_failure_at  INTEGER NOT NULL
) WITHOUT ROWID;

-- Authentication events and every action of an administrator or coordinator.
-- Never a password, a token or a hash. Serves: /admin/journal.
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    event       TEXT NOT NULL,     -- 'login', 'login_failed', 'role_granted', 'place_closed'…
    actor_id    INTEGER,           -- the account that acted (NULL: anonymous or command line)
    subject     TEXT,              -- what it is about: an e-mail, 'place:42', 'claim:3'
    ip          TEXT,
    detail      TEXT
);
CREATE INDEX audit_log_by_event ON audit_log(event, id);

-- Who is writing, set by the editor inside its write transaction and
-- emptied before commit (one writer at a time: no other transaction can see
-- it). Empty: the change comes from an import.
-- Serves: the place_history trigger.
CREATE TABLE history_actor (
    account_id  INTEGER,
    source      TEXT NOT NULL      -- 'editor', 'restore', 'api'
);

-- Every change of a place's published fields: who, when, what, old → new.
-- Written by the trigger below, whatever the writer.
-- Serves: the history page and restoring a previous value.
CREATE TABLE place_history (
    id          INTEGER PRIMARY KEY,
    place_id    INTEGER NOT NULL REFERENCES place(id) ON DELETE CASCADE,
    at          TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    account_id  INTEGER REFERENCES account(id) ON DELETE SET NULL,
    source      TEXT NOT NULL,     -- 'editor', 'restore', 'import', 'api'
    field       TEXT NOT NULL,     -- column name of place
    old_value   TEXT,
    new_value   TEXT
);
CREATE INDEX place_history_by_place ON place_history(place_id, id);

CREATE TRIGGER place_history_update AFTER UPDATE ON place BEGIN
    INSERT INTO place_history (place_id, account_id, source, field, old_value, new_value)
    SELECT new.id, (SELECT account_id FROM history_actor LIMIT 1),
           coalesce((SELECT source FROM history_actor LIMIT 1), 'import'), f, o, n
    FROM (SELECT 'name' AS f, old.name AS o, new.name AS n
          UNION ALL SELECT 'typologies', old.typologies, new.typologies
          UNION ALL SELECT 'phone', old.phone, new.phone
          UNION ALL SELECT 'emails', old.emails, new.emails
          UNION ALL SELECT 'website', old.website, new.website
          UNION ALL SELECT 'booking_url', old.booking_url, new.booking_url
          UNION ALL SELECT 'address', old.address, new.address
          UNION ALL SELECT 'address_extra', old.address_extra, new.address_extra
          UNION ALL SELECT 'postal_code', old.postal_code, new.postal_code
          UNION ALL SELECT 'commune', old.commune, new.commune
          UNION ALL SELECT 'latitude', old.latitude, new.latitude
          UNION ALL SELECT 'longitude', old.longitude, new.longitude
          UNION ALL SELECT 'hours', old.hours, new.hours
          UNION ALL SELECT 'summary', old.summary, new.summary
          UNION ALL SELECT 'description_md', old.description_md, new.description_md
          UNION ALL SELECT 'services', old.services, new.services
          UNION ALL SELECT 'publics', old.publics, new.publics
          UNION ALL SELECT 'support', old.support, new.support
          UNION ALL SELECT 'fees', old.fees, new.fees
          UNION ALL SELECT 'fees_note', old.fees_note, new.fees_note
          UNION ALL SELECT 'programmes', old.programmes, new.programmes
          UNION ALL SELECT 'labels', old.labels, new.labels
          UNION ALL SELECT 'other_labels', old.other_labels, new.other_labels
          UNION ALL SELECT 'access_modes', old.access_modes, new.access_modes
          UNION ALL SELECT 'support_modes', old.support_modes, new.support_modes
          UNION ALL SELECT 'accessibility_url', old.accessibility_url, new.accessibility_url
          UNION ALL SELECT 'accessibility_notes', old.accessibility_notes, new.accessibility_notes
          UNION ALL SELECT 'pass_numerique_accepted', old.pass_numerique_accepted, new.pass_numerique_accepted
          UNION ALL SELECT 'pass_numerique_distributed', old.pass_numerique_distributed, new.pass_numerique_distributed
          UNION ALL SELECT 'does_procedures_for_you', old.does_procedures_for_you, new.does_procedures_for_you
          UNION ALL SELECT 'languages', old.languages, new.languages
          UNION ALL SELECT 'equipment', old.equipment, new.equipment
          UNION ALL SELECT 'wheelchair_accessible', old.wheelchair_accessible, new.wheelchair_accessible
          UNION ALL SELECT 'closed_at', old.closed_at, new.closed_at)
    WHERE o IS NOT n;
END;

-- "Signaler une erreur": sent by anyone, read by the place's managers and
-- coordinators. client_key is a keyed hash of the sender's address (rate limit).
-- Serves: the dashboards' inboxes, the rate limit of /lieux/{id}/signaler.
CREATE TABLE place_report (
    id          INTEGER PRIMARY KEY,
    place_id    INTEGER NOT NULL REFERENCES place(id) ON DELETE CASCADE,
    created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    kinds       TEXT,              -- '|'-joined: adresse, horaires, telephone, ferme, autre
    message     TEXT NOT NULL,
    contact     TEXT,              -- optional e-mail of the sender
    client_key  TEXT NOT NULL,
    handled_at  TEXT,
    handled_by  INTEGER REFERENCES account(id) ON DELETE SET NULL
);
CREATE INDEX place_report_open ON place_report(place_id) WHERE handled_at IS NULL;
CREATE INDEX place_report_by_client ON place_report(client_key, created_at);

-- "Vous gérez ce lieu ?": a request to become a place's manager.
-- Serves: the coordinators' dashboard, accept (invitation) or refuse.
CREATE TABLE place_claim (
    id          INTEGER PRIMARY KEY,
    place_id    INTEGER NOT NULL REFERENCES place(id) ON DELETE CASCADE,
    created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    name        TEXT NOT NULL,
    role        TEXT,
    email       TEXT NOT NULL,
    message     TEXT,
    client_key  TEXT NOT NULL,
    status      TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'refused')),
    reason      TEXT,
    decided_by  INTEGER REFERENCES account(id) ON DELETE SET NULL,
    decided_at  TEXT
);
CREATE INDEX place_claim_pending ON place_claim(place_id) WHERE status = 'pending';
CREATE INDEX place_claim_by_client ON place_claim(client_key, created_at);

-- Reminders sent by `repere remind`: one per place, stage (6, 9, 12 months)
-- and the date the listing was last confirmed (a new confirmation starts over).
CREATE TABLE place_reminder (
    place_id    INTEGER NOT NULL REFERENCES place(id) ON DELETE CASCADE,
    stage       INTEGER NOT NULL,
    basis       TEXT NOT NULL,
    sent_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    PRIMARY KEY (place_id, stage, basis)
) WITHOUT ROWID;

-- Keys created on first use (src/auth.c): the signing key of one-click links
-- and anonymous form tokens. Never leaves the database.
CREATE TABLE app_secret (
    name        TEXT PRIMARY KEY,
    value       BLOB NOT NULL
) WITHOUT ROWID;
