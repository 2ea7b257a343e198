-- 0004 — workshops: what the workshop import needs to re-expand a recurrence
-- and to place a "hors les murs" session on the map, and the index of the
-- "new workshops" feeds. See docs/workshops-format.md.

-- Local date-time ('YYYY-MM-DDTHH:MM', in the place's zone) of the first
-- occurrence of `recurrence` (its DTSTART), and the length of each occurrence.
-- Serves: re-expanding a recurrence (import, horizon extension), the iCalendar feeds.
ALTER TABLE workshop ADD COLUMN recurrence_start TEXT;
ALTER TABLE workshop ADD COLUMN duration_minutes INTEGER;
-- Cancelled occurrences as published: JSON array of {"date": "YYYY-MM-DD", "motif": "…"}
-- (local dates). Serves: re-expanding a recurrence without losing cancellations.
ALTER TABLE workshop ADD COLUMN cancellations TEXT;
-- Gazetteer commune and département of the venue when it is not the place
-- ("hors les murs"). Serves: the agenda's "Où ?" for such sessions.
ALTER TABLE workshop ADD COLUMN venue_commune_insee TEXT;
ALTER TABLE workshop ADD COLUMN venue_departement TEXT;

-- Serves: the Atom feeds of new workshops (most recent first).
CREATE INDEX workshop_by_created ON workshop(created_at);
