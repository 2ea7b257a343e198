-- 0012 — an index on place(source_id), for the exporter's and the API's
-- "is this id shared by two sources?" (src/places/export.c, Q_EXPORT): one
-- probe per record instead of grouping the whole catalogue on every request.
CREATE INDEX place_by_source_id ON place(source_id);
