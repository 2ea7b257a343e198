-- 0036 — the index of 0012 also holds the source, so that the ids two
-- sources share are found by reading the index alone, once per catalogue
-- version (src/places/export.c, shared_ids), instead of one probe of it and
-- one of the table per exported record (15 % of an API page at 300 000
-- places). Lookups by source_id alone use it as before.
DROP INDEX IF EXISTS place_by_source_id;
CREATE INDEX place_by_source_id ON place(source_id, source);
