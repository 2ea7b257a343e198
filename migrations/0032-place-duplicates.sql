-- 0032 — possible duplicates (issue 20). The importer reports two places
-- with the same name in the same commune, or closer than 30 m, as a
-- possible duplicate; until now only in its report. Each pair is kept
-- here, once, for a coordinator to decide: merge (keep one, the other is
-- closed and its address redirects to the one kept, in both histories)
-- or "not a duplicate". Until a decision, search results show two places
-- with the same name within 30 m as one entry linking both
-- (src/places/duplicate.c).

-- Serves: the coordinators' queue (/admin/doublons), the result pages
-- (is a pair marked "not a duplicate"?), the page of a merged place.
CREATE TABLE place_duplicate (
    id          INTEGER PRIMARY KEY,
    place_a     INTEGER NOT NULL REFERENCES place(id) ON DELETE CASCADE,
    place_b     INTEGER NOT NULL REFERENCES place(id) ON DELETE CASCADE,
    reason      TEXT NOT NULL,                 -- for a person: "même nom dans la même commune", "à 12 m"
    flagged_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    decision    TEXT CHECK (decision IN ('merged', 'distinct')),  -- NULL: to decide
    kept_id     INTEGER REFERENCES place(id),  -- merged: the place kept
    decided_by  INTEGER REFERENCES account(id) ON DELETE SET NULL,
    decided_at  TEXT,
    CHECK (place_a < place_b),
    UNIQUE (place_a, place_b)                  -- serves: flag once, "not a duplicate" lookup
);
-- Serves: the page of a merged place (where it went), pairs of a place.
CREATE INDEX place_duplicate_by_b ON place_duplicate(place_b);
-- Serves: the queue (pairs still to decide).
CREATE INDEX place_duplicate_pending ON place_duplicate(id) WHERE decision IS NULL;

-- A decision changes public pages (results, a merged place's address).
CREATE TRIGGER catalogue_place_duplicate_ai AFTER INSERT ON place_duplicate BEGIN UPDATE catalogue_version SET version = version + 1; END;
CREATE TRIGGER catalogue_place_duplicate_au AFTER UPDATE ON place_duplicate BEGIN UPDATE catalogue_version SET version = version + 1; END;
CREATE TRIGGER catalogue_place_duplicate_ad AFTER DELETE ON place_duplicate BEGIN UPDATE catalogue_version SET version = version + 1; END;

-- The pairs of places imported before this migration, as the importer
-- would have reported them: same name in the same commune.
INSERT OR IGNORE INTO place_duplicate (place_a, place_b, reason)
SELECT p.id, o.id, 'même nom dans la même commune'
  FROM place p JOIN place o
    ON o.commune_key = p.commune_key AND o.name_key = p.name_key AND o.id > p.id
 WHERE p.closed_at IS NULL AND o.closed_at IS NULL;
-- ... and closer than 30 m (a box of ±0.00027° of latitude, then haversine).
INSERT OR IGNORE INTO place_duplicate (place_a, place_b, reason)
SELECT p.id, o.id, 'à ' || CAST(round(d) AS INTEGER) || ' m'
  FROM (SELECT p.id AS pid, o.id AS oid,
               2 * 6371008.8 * asin(sqrt(
                   power(sin(radians(o.latitude - p.latitude) / 2), 2) +
                   cos(radians(p.latitude)) * cos(radians(o.latitude)) *
                   power(sin(radians(o.longitude - p.longitude) / 2), 2))) AS d
          FROM place p JOIN place o
            ON o.id > p.id
           AND o.latitude BETWEEN p.latitude - 0.00027 AND p.latitude + 0.00027
           AND o.longitude BETWEEN p.longitude - 0.0008 AND p.longitude + 0.0008
         WHERE p.closed_at IS NULL AND o.closed_at IS NULL
           AND p.latitude IS NOT NULL AND o.latitude IS NOT NULL) pairs
  JOIN place p ON p.id = pairs.pid JOIN place o ON o.id = pairs.oid
 WHERE d <= 30;
