-- The catalogue's version: one number that changes whenever something the
-- public pages show changes, bumped by triggers on the catalogue's tables
-- only. The search index, the page cache and the home page's figures are
-- kept per version: an anonymous write (a password-reset request, a login,
-- a report, a claim) no longer throws them away, and an import by another
-- process is seen like an edit in the admin area. Tables that public pages
-- do not read (accounts, sessions, tokens, throttles, the audit log,
-- reports, claims, reminders, uploads, history) have no trigger:
-- tests/e2e/catalogue_version.test.js checks that every table is one or
-- the other.
CREATE TABLE catalogue_version (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL
);
INSERT INTO catalogue_version (id, version) VALUES (1, 0);

CREATE TRIGGER catalogue_structure_ai AFTER INSERT ON structure BEGIN UPDATE catalogue_version SET version = version + 1; END;
CREATE TRIGGER catalogue_structure_au AFTER UPDATE ON structure BEGIN UPDATE catalogue_version SET version = version + 1; END;
CREATE TRIGGER catalogue_structure_ad AFTER DELETE ON structure BEGIN UPDATE catalogue_version SET version = version + 1; END;
CREATE TRIGGER catalogue_place_ai AFTER INSERT ON place BEGIN UPDATE catalogue_version SET version = version + 1; END;
CREATE TRIGGER catalogue_place_au AFTER UPDATE ON place BEGIN UPDATE catalogue_version SET version = version + 1; END;
CREATE TRIGGER catalogue_place_ad AFTER DELETE ON place BEGIN UPDATE catalogue_version SET version = version + 1; END;
CREATE TRIGGER catalogue_workshop_ai AFTER INSERT ON workshop BEGIN UPDATE catalogue_version SET version = version + 1; END;
CREATE TRIGGER catalogue_workshop_au AFTER UPDATE ON workshop BEGIN UPDATE catalogue_version SET version = version + 1; END;
CREATE TRIGGER catalogue_workshop_ad AFTER DELETE ON workshop BEGIN UPDATE catalogue_version SET version = version + 1; END;
CREATE TRIGGER catalogue_workshop_session_ai AFTER INSERT ON workshop_session BEGIN UPDATE catalogue_version SET version = version + 1; END;
CREATE TRIGGER catalogue_workshop_session_au AFTER UPDATE ON workshop_session BEGIN UPDATE catalogue_version SET version = version + 1; END;
CREATE TRIGGER catalogue_workshop_session_ad AFTER DELETE ON workshop_session BEGIN UPDATE catalogue_version SET version = version + 1; END;
CREATE TRIGGER catalogue_region_ai AFTER INSERT ON region BEGIN UPDATE catalogue_version SET version = version + 1; END;
CREATE TRIGGER catalogue_region_au AFTER UPDATE ON region BEGIN UPDATE catalogue_version SET version = version + 1; END;
CREATE TRIGGER catalogue_region_ad AFTER DELETE ON region BEGIN UPDATE catalogue_version SET version = version + 1; END;
CREATE TRIGGER catalogue_departement_ai AFTER INSERT ON departement BEGIN UPDATE catalogue_version SET version = version + 1; END;
CREATE TRIGGER catalogue_departement_au AFTER UPDATE ON departement BEGIN UPDATE catalogue_version SET version = version + 1; END;
CREATE TRIGGER catalogue_departement_ad AFTER DELETE ON departement BEGIN UPDATE catalogue_version SET version = version + 1; END;
CREATE TRIGGER catalogue_epci_ai AFTER INSERT ON epci BEGIN UPDATE catalogue_version SET version = version + 1; END;
CREATE TRIGGER catalogue_epci_au AFTER UPDATE ON epci BEGIN UPDATE catalogue_version SET version = version + 1; END;
CREATE TRIGGER catalogue_epci_ad AFTER DELETE ON epci BEGIN UPDATE catalogue_version SET version = version + 1; END;
CREATE TRIGGER catalogue_commune_ai AFTER INSERT ON commune BEGIN UPDATE catalogue_version SET version = version + 1; END;
CREATE TRIGGER catalogue_commune_au AFTER UPDATE ON commune BEGIN UPDATE catalogue_version SET version = version + 1; END;
CREATE TRIGGER catalogue_commune_ad AFTER DELETE ON commune BEGIN UPDATE catalogue_version SET version = version + 1; END;
CREATE TRIGGER catalogue_commune_key_ai AFTER INSERT ON commune_key BEGIN UPDATE catalogue_version SET version = version + 1; END;
CREATE TRIGGER catalogue_commune_key_au AFTER UPDATE ON commune_key BEGIN UPDATE catalogue_version SET version = version + 1; END;
CREATE TRIGGER catalogue_commune_key_ad AFTER DELETE ON commune_key BEGIN UPDATE catalogue_version SET version = version + 1; END;
CREATE TRIGGER catalogue_commune_postal_code_ai AFTER INSERT ON commune_postal_code BEGIN UPDATE catalogue_version SET version = version + 1; END;
CREATE TRIGGER catalogue_commune_postal_code_au AFTER UPDATE ON commune_postal_code BEGIN UPDATE catalogue_version SET version = version + 1; END;
CREATE TRIGGER catalogue_commune_postal_code_ad AFTER DELETE ON commune_postal_code BEGIN UPDATE catalogue_version SET version = version + 1; END;
CREATE TRIGGER catalogue_gazetteer_meta_ai AFTER INSERT ON gazetteer_meta BEGIN UPDATE catalogue_version SET version = version + 1; END;
CREATE TRIGGER catalogue_gazetteer_meta_au AFTER UPDATE ON gazetteer_meta BEGIN UPDATE catalogue_version SET version = version + 1; END;
CREATE TRIGGER catalogue_gazetteer_meta_ad AFTER DELETE ON gazetteer_meta BEGIN UPDATE catalogue_version SET version = version + 1; END;
CREATE TRIGGER catalogue_vocab_label_ai AFTER INSERT ON vocab_label BEGIN UPDATE catalogue_version SET version = version + 1; END;
CREATE TRIGGER catalogue_vocab_label_au AFTER UPDATE ON vocab_label BEGIN UPDATE catalogue_version SET version = version + 1; END;
CREATE TRIGGER catalogue_vocab_label_ad AFTER DELETE ON vocab_label BEGIN UPDATE catalogue_version SET version = version + 1; END;
CREATE TRIGGER catalogue_place_closure_ai AFTER INSERT ON place_closure BEGIN UPDATE catalogue_version SET version = version + 1; END;
CREATE TRIGGER catalogue_place_closure_au AFTER UPDATE ON place_closure BEGIN UPDATE catalogue_version SET version = version + 1; END;
CREATE TRIGGER catalogue_place_closure_ad AFTER DELETE ON place_closure BEGIN UPDATE catalogue_version SET version = version + 1; END;
