-- 0022 — when the derived facts of every place were last checked at start-up
-- (place_store_derive_all: time zones, commune links), so that a start-up
-- checks them again only when the rules changed (a new version of Repère:
-- PLACE_STORE_DERIVE_RULES) or the catalogue changed since (catalogue_version:
-- written by another version, say). At 300 000 places the check read the
-- whole catalogue at every start.
CREATE TABLE derive_state (
    id                INTEGER PRIMARY KEY CHECK (id = 1),
    rules             INTEGER NOT NULL,  -- PLACE_STORE_DERIVE_RULES when checked
    catalogue_version INTEGER NOT NULL   -- catalogue_version.version after the check
);
INSERT INTO derive_state (id, rules, catalogue_version) VALUES (1, 0, -1);
