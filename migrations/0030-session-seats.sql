-- 0030 — seats per session (issue 20): a weekly workshop may be full on
-- Tuesday and have three seats left the Tuesday after. Each session may
-- carry its own capacity, seats left and "complet"; NULL means the
-- workshop's figure. Existing data keeps its meaning without being copied:
-- the workshop's capacity, seats left and "complet" were shown on every
-- session until now and stay the default of each session. The workshops
-- file gives per-session figures with `places_par_date`
-- (docs/workshops-format.md). Serves: the workshop page, the agenda, the
-- API and the iCalendar feeds (WORKSHOP_SESSION_COLUMNS).
ALTER TABLE workshop_session ADD COLUMN capacity INTEGER;
ALTER TABLE workshop_session ADD COLUMN seats_left INTEGER;
ALTER TABLE workshop_session ADD COLUMN is_full INTEGER;
