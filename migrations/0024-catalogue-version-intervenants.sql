-- 0024 — the intervenants (0013) show on public pages (their directory, the
-- place and workshop pages, the API): their changes bump the catalogue's
-- version (0020), so the page cache and the other per-version caches follow
-- a validation or a deletion on the very next request. intervenant_contact
-- (the relay's rate limit) and intervenant_history are never shown publicly.
CREATE TRIGGER catalogue_intervenant_ai AFTER INSERT ON intervenant BEGIN UPDATE catalogue_version SET version = version + 1; END;
CREATE TRIGGER catalogue_intervenant_au AFTER UPDATE ON intervenant BEGIN UPDATE catalogue_version SET version = version + 1; END;
CREATE TRIGGER catalogue_intervenant_ad AFTER DELETE ON intervenant BEGIN UPDATE catalogue_version SET version = version + 1; END;
CREATE TRIGGER catalogue_intervenant_place_ai AFTER INSERT ON intervenant_place BEGIN UPDATE catalogue_version SET version = version + 1; END;
CREATE TRIGGER catalogue_intervenant_place_au AFTER UPDATE ON intervenant_place BEGIN UPDATE catalogue_version SET version = version + 1; END;
CREATE TRIGGER catalogue_intervenant_place_ad AFTER DELETE ON intervenant_place BEGIN UPDATE catalogue_version SET version = version + 1; END;
CREATE TRIGGER catalogue_intervenant_workshop_ai AFTER INSERT ON intervenant_workshop BEGIN UPDATE catalogue_version SET version = version + 1; END;
CREATE TRIGGER catalogue_intervenant_workshop_au AFTER UPDATE ON intervenant_workshop BEGIN UPDATE catalogue_version SET version = version + 1; END;
CREATE TRIGGER catalogue_intervenant_workshop_ad AFTER DELETE ON intervenant_workshop BEGIN UPDATE catalogue_version SET version = version + 1; END;
