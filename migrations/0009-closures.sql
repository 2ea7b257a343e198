-- 0009 — temporary closures and exceptional hours of a place.
--
-- Dated entries that take precedence over the regular hours (place.hours)
-- during their dates, shown as a banner on the place page while current or
-- upcoming within 15 days, and ignored once past. They are folded into the
-- opening_hours expression as rules appended after the regular ones (a later
-- ';' rule replaces earlier rules for the days it names), so evaluation and
-- exports stay valid OSM syntax: see src/closure.c.
CREATE TABLE place_closure (
    id          INTEGER PRIMARY KEY,
    place_id    INTEGER NOT NULL REFERENCES place(id) ON DELETE CASCADE,
    starts_on   TEXT NOT NULL,   -- 'YYYY-MM-DD', local date of the place, inclusive
    ends_on     TEXT NOT NULL,   -- 'YYYY-MM-DD', inclusive
    hours       TEXT,            -- NULL: closed; else the time ranges of those days ("10:00-12:00,14:00-16:00")
    message     TEXT,            -- shown to people ("Fermeture estivale")
    created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    CHECK (ends_on >= starts_on),
    CHECK (length(starts_on) = 10 AND length(ends_on) = 10)
);
-- Serves: the current and coming closures of a place (place page, exports, search index).
CREATE INDEX place_closure_by_place ON place_closure(place_id, ends_on);
