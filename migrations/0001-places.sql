-- 0001 — the catalogue: structures, places, workshops and their sessions.
--
-- Multi-valued fields of the national schema (services, publics, …) are kept
-- as '|'-joined strings of the exact national vocabulary, as in the schema's
-- CSV: they are read whole by the place page and the exporter, and filtered
-- in C over a candidate set by the search.
-- Dates are ISO 8601 text ('YYYY-MM-DD' or 'YYYY-MM-DDTHH:MM:SSZ' in UTC).

-- An organisation (association, commune, EPCI…) that runs one or more places.
-- Serves: the place page ("géré par"), the importer (matching by pivot).
CREATE TABLE structure (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    pivot       TEXT,               -- SIRET (14 digits) or RNA (W + 9), when known
    created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
-- Serves: importer lookup of a structure by its SIRET/RNA.
CREATE UNIQUE INDEX structure_by_pivot ON structure(pivot)
    WHERE pivot IS NOT NULL AND pivot <> '00000000000000';
-- Serves: importer lookup of a structure by name when it has no pivot.
CREATE INDEX structure_by_name ON structure(name);

-- A place where people get help: one row per listing.
CREATE TABLE place (
    id                        INTEGER PRIMARY KEY,
    source                    TEXT NOT NULL,      -- producer of the record ('Hinaura', 'Repère'…)
    source_id                 TEXT NOT NULL,      -- the producer's id (schema: id)
    structure_id              INTEGER REFERENCES structure(id) ON DELETE SET NULL,
    pivot                     TEXT NOT NULL,      -- SIRET / RNA of the place or its structure
    name                      TEXT NOT NULL,      -- nom
    slug                      TEXT NOT NULL,      -- URL slug of the name
    name_key                  TEXT NOT NULL,      -- folded name (text_fold) for matching
    commune                   TEXT NOT NULL,
    commune_key               TEXT NOT NULL,      -- folded commune name
    postal_code               TEXT NOT NULL,      -- code_postal
    insee_code                TEXT,               -- code_insee, as published
    commune_insee             TEXT,               -- the gazetteer commune it is in (derived:
                                                  -- code_insee, else postal code + name)
    departement               TEXT,               -- derived from commune_insee ('73', '2A', '974')
    address                   TEXT NOT NULL,      -- adresse
    address_extra             TEXT,               -- complement_adresse
    ban_key                   TEXT,               -- cle_ban (v0.1)
    latitude                  REAL,
    longitude                 REAL,
    timezone                  TEXT NOT NULL DEFAULT 'Europe/Paris',
    typologies                TEXT,               -- typologie codes, '|'
    phone                     TEXT,               -- E.164
    emails                    TEXT,               -- courriels, '|'
    website                   TEXT,               -- site_web ('|' when several)
    hours                     TEXT,               -- horaires, OSM opening_hours as published
    summary                   TEXT,               -- presentation_resume (≤ 280 characters)
    description_md            TEXT,               -- presentation_detail as published (Markdown)
    description_html          TEXT,               -- rendered once on save/import (cmark, safe)
    itinerance                TEXT,               -- 'Itinérant' | 'Fixe', '|'
    parent_structure          TEXT,               -- structure_parente as published
    services                  TEXT,               -- national vocabulary, '|'
    services_original         TEXT,               -- finer v0.1 wording, '|'
    publics                   TEXT,               -- publics_specifiquement_adresses, '|'
    support                   TEXT,               -- prise_en_charge_specifique, '|'
    fees                      TEXT,               -- frais_a_charge, '|'
    fees_note                 TEXT,               -- e.g. "Adhésion requise"
    programmes                TEXT,               -- dispositif_programmes_nationaux, '|'
    labels                    TEXT,               -- formations_labels, '|'
    other_labels              TEXT,               -- autres_formations_labels, '|'
    access_modes              TEXT,               -- modalites_acces, '|'
    support_modes             TEXT,               -- modalites_accompagnement, '|'
    accessibility_url         TEXT,               -- fiche_acces_libre
    booking_url               TEXT,               -- prise_rdv
    pass_numerique_accepted   INTEGER NOT NULL DEFAULT 0,
    pass_numerique_distributed INTEGER NOT NULL DEFAULT 0,
    does_procedures_for_you   INTEGER NOT NULL DEFAULT 0, -- "fait les démarches à votre place"
    languages                 TEXT,               -- languages spoken, '|'
    equipment                 TEXT,               -- equipment available (free text)
    accessibility_notes       TEXT,               -- free text
    wheelchair_accessible     INTEGER,            -- 1 yes, 0 no, NULL unknown
    private_contact           TEXT,               -- manager's contact: never published nor exported
    date_maj                  TEXT NOT NULL,      -- last update according to the source
    verified_at               TEXT,               -- last confirmation by a person ("rien n'a changé")
    closed_at                 TEXT,               -- set when the place has closed
    created_at                TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    updated_at                TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    UNIQUE (source, source_id)                    -- serves: re-import updates in place
);
-- Serves: /lieux listing order and the q= match on names.
CREATE INDEX place_by_name_key ON place(name_key);
-- Serves: q= match on commune, duplicate detection (same name + commune).
CREATE INDEX place_by_commune_key ON place(commune_key, name_key);
-- Serves: browsing by département (postal code prefix) and by postal code.
CREATE INDEX place_by_postal_code ON place(postal_code);
-- Serves: browsing and counting by département, territory exports.
CREATE INDEX place_by_departement ON place(departement);
-- Serves: places of a commune (always included in a search around it).
CREATE INDEX place_by_commune_insee ON place(commune_insee);
-- Serves: bounding-box queries (near a point, duplicate detection within 30 m).
CREATE INDEX place_by_position ON place(latitude, longitude);
-- Serves: "places of this structure".
CREATE INDEX place_by_structure ON place(structure_id);

-- A workshop (atelier) run by a place, at the place or elsewhere ("hors les murs").
CREATE TABLE workshop (
    id                  INTEGER PRIMARY KEY,
    place_id            INTEGER NOT NULL REFERENCES place(id) ON DELETE CASCADE,
    source              TEXT NOT NULL DEFAULT 'Repère',
    source_id           TEXT,
    title               TEXT NOT NULL,
    slug                TEXT NOT NULL,
    summary             TEXT,
    description_md      TEXT,
    description_html    TEXT,             -- rendered once on save/import
    themes              TEXT,             -- national services vocabulary, '|'
    keywords            TEXT,             -- free keywords, '|'
    level               TEXT,             -- 'débutant' | 'intermédiaire' | 'avancé' | 'tous niveaux'
    audiences           TEXT,             -- '|'
    what_to_bring       TEXT,
    price_kind          TEXT NOT NULL DEFAULT 'gratuit' CHECK (price_kind IN ('gratuit', 'payant')),
    price_cents         INTEGER,
    pass_numerique      INTEGER NOT NULL DEFAULT 0,
    registration        TEXT NOT NULL DEFAULT 'aucune'
                        CHECK (registration IN ('aucune', 'telephone', 'courriel', 'lien', 'sur_place')),
    registration_contact TEXT,
    capacity            INTEGER,
    seats_left          INTEGER,
    is_full             INTEGER NOT NULL DEFAULT 0,
    facilitator         TEXT,
    partner             TEXT,
    accessibility_notes TEXT,
    venue_name          TEXT,             -- NULL: at the place itself
    venue_address       TEXT,
    venue_postal_code   TEXT,
    venue_commune       TEXT,
    venue_latitude      REAL,
    venue_longitude     REAL,
    recurrence          TEXT,             -- RRULE subset, when recurring
    exception_dates     TEXT,             -- EXDATE list, '|'
    created_at          TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    updated_at          TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
-- Serves: a place's workshops.
CREATE INDEX workshop_by_place ON workshop(place_id);
-- Serves: re-import of workshops keyed on source + id.
CREATE UNIQUE INDEX workshop_by_source ON workshop(source, source_id) WHERE source_id IS NOT NULL;

-- One dated occurrence of a workshop (expanded from its recurrence or one-off).
CREATE TABLE workshop_session (
    id            INTEGER PRIMARY KEY,
    workshop_id   INTEGER NOT NULL REFERENCES workshop(id) ON DELETE CASCADE,
    place_id      INTEGER NOT NULL REFERENCES place(id) ON DELETE CASCADE,
    starts_at     INTEGER NOT NULL,     -- UTC seconds since the epoch
    ends_at       INTEGER NOT NULL,
    cancelled     INTEGER NOT NULL DEFAULT 0,
    cancel_reason TEXT,
    CHECK (ends_at > starts_at)
);
-- Serves: a place's next sessions.
CREATE INDEX session_by_place ON workshop_session(place_id, starts_at);
-- Serves: the agenda (upcoming sessions, all places).
CREATE INDEX session_by_start ON workshop_session(starts_at);
-- Serves: a workshop's sessions.
CREATE INDEX session_by_workshop ON workshop_session(workshop_id, starts_at);
