-- 0002 — the gazetteer: régions, départements, EPCI, communes and their
-- postal codes, used to turn what people type in "Où ?" into a position.
--
-- Reference data, not edited by hand: geo_gazetteer_load() (src/geo.c)
-- replaces every row from data/gazetteer/*.tsv when those files change
-- (their checksum is kept in gazetteer_meta). Format and provenance:
-- docs/gazetteer.md. Search keys are computed by geo_name_key(): folded
-- (lowercase, no diacritics, one space between words), "st"/"ste" expanded
-- to "saint"/"sainte", ordinals reduced to their number ("3e" → "3").

-- A région (INSEE code '84', '01' for Guadeloupe…).
-- Serves: the région name shown with a département.
CREATE TABLE region (
    code        TEXT PRIMARY KEY,
    name        TEXT NOT NULL
) WITHOUT ROWID;

-- A département: metropolitan ('01'…'95', '2A', '2B') or overseas ('971'…'976').
-- Serves: "Où ?" = a département code or name; the département shown with a
-- commune; browsing by département.
CREATE TABLE departement (
    code        TEXT PRIMARY KEY,
    name        TEXT NOT NULL,                 -- 'Savoie', 'La Réunion'
    name_key    TEXT NOT NULL,                 -- search key without leading article: 'reunion'
    region      TEXT NOT NULL REFERENCES region(code),
    latitude    REAL,                          -- population-weighted centroid of its communes,
    longitude   REAL                           -- computed by the loader
) WITHOUT ROWID;
-- Serves: geo_departement_find() by name ("Savoie", "haute savoie", "Réunion").
CREATE INDEX departement_by_name_key ON departement(name_key);

-- An EPCI à fiscalité propre (communauté de communes, d'agglomération,
-- urbaine, métropole), identified by its SIREN.
-- Serves: the EPCI name shown with a commune; filtering by EPCI.
CREATE TABLE epci (
    siren       TEXT PRIMARY KEY,              -- 9 digits
    name        TEXT NOT NULL
) WITHOUT ROWID;

-- A current commune (INSEE "commune actuelle") or one of the 45
-- arrondissements municipaux of Paris, Lyon and Marseille (parent set), so
-- that "Lyon 3e" or 69003 resolves to that part of the city.
-- Serves: every resolution of "Où ?" to a position; the commune of a place.
CREATE TABLE commune (
    insee        TEXT PRIMARY KEY,             -- '73011', '2A004', '97411', '69383'
    name         TEXT NOT NULL,                -- official name: 'Saint-Étienne'
    name_key     TEXT NOT NULL,                -- geo_name_key(name): 'saint etienne'
    departement  TEXT NOT NULL REFERENCES departement(code),
    region       TEXT NOT NULL REFERENCES region(code),
    epci         TEXT REFERENCES epci(siren),  -- NULL: in no EPCI (a few islands)
    parent       TEXT REFERENCES commune(insee) DEFERRABLE INITIALLY DEFERRED,
                                               -- arrondissements: the city's commune
    population   INTEGER NOT NULL,             -- INSEE municipal population
    latitude     REAL NOT NULL,                -- WGS 84 degrees
    longitude    REAL NOT NULL,
    coord_source TEXT NOT NULL                 -- where latitude/longitude come from:
                 CHECK (coord_source IN ('G', 'H', 'P', 'E', 'D'))
                 -- G GeoNames match on the name, H GeoNames match on the old name
                 -- of its chef-lieu commune déléguée; estimated as the mean of
                 -- matched communes sharing a postal code (P), the EPCI (E) or
                 -- the département (D)
) WITHOUT ROWID;
-- Serves: the foreign-key check of commune.parent when communes are replaced
-- (without it, reloading the gazetteer scans the table once per row).
CREATE INDEX commune_by_parent ON commune(parent) WHERE parent IS NOT NULL;
-- Serves: communes of a département (browsing, département centroid).
CREATE INDEX commune_by_departement ON commune(departement, population);
-- Serves: communes of an EPCI.
CREATE INDEX commune_by_epci ON commune(epci) WHERE epci IS NOT NULL;
-- Serves: communes within a bounding box (nearest commune to a position).
CREATE INDEX commune_by_position ON commune(latitude, longitude);

-- Every search key of a commune: geo_name_key() of its name, the same key
-- without a leading article ("puy en velay" for Le Puy-en-Velay) and, for
-- arrondissements, the key without "arrondissement" ("lyon 3").
-- Serves (primary key): geo_communes_find(), lookup by folded name, exact
-- (key = ?) then prefix (key >= ? AND key < ?).
CREATE TABLE commune_key (
    key         TEXT NOT NULL,
    insee       TEXT NOT NULL REFERENCES commune(insee),
    PRIMARY KEY (key, insee)
) WITHOUT ROWID;
-- Serves: the foreign-key check when communes are replaced, and the keys of a commune.
CREATE INDEX commune_key_by_insee ON commune_key(insee);

-- Postal codes and communes are many-to-many (73200 covers several
-- communes; Lyon has 69001…69009).
-- Serves (primary key): geo_communes_by_postal_code(), lookup by postal code.
CREATE TABLE commune_postal_code (
    postal_code TEXT NOT NULL,                 -- 5 digits
    insee       TEXT NOT NULL REFERENCES commune(insee),
    PRIMARY KEY (postal_code, insee)
) WITHOUT ROWID;
-- Serves: the postal codes listed with a commune.
CREATE INDEX commune_postal_code_by_insee ON commune_postal_code(insee, postal_code);

-- Bookkeeping of the loader: 'checksum' of the data files last loaded,
-- 'loaded_at'. Serves: geo_gazetteer_load() skipping unchanged data.
CREATE TABLE gazetteer_meta (
    key         TEXT PRIMARY KEY,
    value       TEXT NOT NULL
) WITHOUT ROWID;
