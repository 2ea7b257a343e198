-- 0023 — the former communes (migration 0017) are part of what public pages
-- show (« Cran-Gevrier fait partie aujourd'hui d'Annecy »): their changes
-- bump the catalogue's version like the rest of the gazetteer (0020).
CREATE TRIGGER catalogue_commune_former_ai AFTER INSERT ON commune_former BEGIN UPDATE catalogue_version SET version = version + 1; END;
CREATE TRIGGER catalogue_commune_former_au AFTER UPDATE ON commune_former BEGIN UPDATE catalogue_version SET version = version + 1; END;
CREATE TRIGGER catalogue_commune_former_ad AFTER DELETE ON commune_former BEGIN UPDATE catalogue_version SET version = version + 1; END;
CREATE TRIGGER catalogue_commune_former_key_ai AFTER INSERT ON commune_former_key BEGIN UPDATE catalogue_version SET version = version + 1; END;
CREATE TRIGGER catalogue_commune_former_key_au AFTER UPDATE ON commune_former_key BEGIN UPDATE catalogue_version SET version = version + 1; END;
CREATE TRIGGER catalogue_commune_former_key_ad AFTER DELETE ON commune_former_key BEGIN UPDATE catalogue_version SET version = version + 1; END;
