-- 0010 — keep derived facts honest when their source changes.

-- A place whose postal code, INSEE code or commune changes loses its
-- gazetteer link; catalogue_link_communes() (run by every import and at
-- start-up) links it again. Serves: territory exports, the search, the API.
CREATE TRIGGER place_unlink_commune AFTER UPDATE OF postal_code, insee_code, commune ON place
WHEN old.postal_code IS NOT new.postal_code OR old.insee_code IS NOT new.insee_code
     OR old.commune IS NOT new.commune
BEGIN
    UPDATE place SET commune_insee = NULL, departement = NULL WHERE id = new.id;
END;

-- A temporary closure changes what the place's exported horaires say: the
-- place counts as modified for delta sync (/api/v1/lieux?modified_after=).
CREATE TRIGGER place_closure_touch_insert AFTER INSERT ON place_closure BEGIN
    UPDATE place SET updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE id = new.place_id;
END;
CREATE TRIGGER place_closure_touch_update AFTER UPDATE ON place_closure BEGIN
    UPDATE place SET updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
    WHERE id IN (old.place_id, new.place_id);
END;
CREATE TRIGGER place_closure_touch_delete AFTER DELETE ON place_closure BEGIN
    UPDATE place SET updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE id = old.place_id;
END;
