-- 0017 — former communes: the communes déléguées and associées, and the
-- other old INSEE codes of today's communes, so that "Cran-Gevrier" (merged
-- into Annecy) still resolves, in "Où ?" and when importing a record.
--
-- Reference data like 0002's: geo_gazetteer_load() (src/geo/geo.c) fills
-- these tables from data/gazetteer/former.tsv (docs/gazetteer.md).

-- A former commune and the current commune it is part of today.
-- Serves: the explanation shown with a former name ("Cran-Gevrier fait
-- partie d'Annecy"); an old INSEE code in an imported record.
CREATE TABLE commune_former (
    code        TEXT NOT NULL,                 -- its own (old) INSEE code: '74093'
    name        TEXT NOT NULL,                 -- 'Cran-Gevrier'; '' when the source has no name
    insee       TEXT NOT NULL REFERENCES commune(insee), -- today's commune: '74010'
    kind        TEXT NOT NULL CHECK (kind IN ('D', 'A', 'C')),
                -- D commune déléguée, A commune associée, C old code only
    PRIMARY KEY (code, insee)
) WITHOUT ROWID;
-- Serves: the foreign-key check when communes are replaced.
CREATE INDEX commune_former_by_insee ON commune_former(insee);

-- The search keys of a former name (geo_name_key() of it, and without its
-- leading article), as commune_key holds those of current names.
-- Serves (primary key): geo_former_find(), lookup by folded name.
CREATE TABLE commune_former_key (
    key         TEXT NOT NULL,
    code        TEXT NOT NULL,
    insee       TEXT NOT NULL,
    PRIMARY KEY (key, code, insee)
) WITHOUT ROWID;

-- The commune links of existing places were made by the former rule (the
-- nearest commune of the postal code when the name matched none, which sent
-- typos and former communes to a neighbour): unlink them all, so that the
-- start-up re-derivation (place_store_derive_all → catalogue_link_communes)
-- links them again by the new one, former communes and Cedex forms included.
UPDATE place SET commune_insee = NULL, departement = NULL WHERE commune_insee IS NOT NULL;
