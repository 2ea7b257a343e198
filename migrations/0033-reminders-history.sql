-- 0033 — freshness reminders to places without a manager, and what a
-- place's history shows besides field changes: temporary closures and
-- claims (confirmations, « Rien n'a changé », are written by
-- admin_mark_verified: an edit also moves verified_at, and is in the
-- history already).

-- A place's public address asked not to receive reminders any more (the
-- unsubscribe link of `repere remind`). Kept per address: a new address
-- published for the place is asked again.
-- Serves: cmd_remind (skip opted-out addresses), /rappels/desabonner.
CREATE TABLE place_reminder_optout (
    place_id    INTEGER NOT NULL REFERENCES place(id) ON DELETE CASCADE,
    email       TEXT NOT NULL,
    at          TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    PRIMARY KEY (place_id, email)
) WITHOUT ROWID;

-- A temporary closure added or removed: 'starts|ends|hours|message' in the
-- new (added) or old (removed) value, worded by history_for_place.
-- Serves: the history page.
CREATE TRIGGER place_history_closure_insert AFTER INSERT ON place_closure BEGIN
    INSERT INTO place_history (place_id, account_id, source, field, old_value, new_value)
    VALUES (new.place_id, (SELECT account_id FROM history_actor LIMIT 1),
            coalesce((SELECT source FROM history_actor LIMIT 1), 'import'), 'closure', NULL,
            new.starts_on || '|' || new.ends_on || '|' || coalesce(new.hours, '') || '|'
            || coalesce(new.message, ''));
END;
CREATE TRIGGER place_history_closure_delete AFTER DELETE ON place_closure BEGIN
    INSERT INTO place_history (place_id, account_id, source, field, old_value, new_value)
    VALUES (old.place_id, (SELECT account_id FROM history_actor LIMIT 1),
            coalesce((SELECT source FROM history_actor LIMIT 1), 'import'), 'closure',
            old.starts_on || '|' || old.ends_on || '|' || coalesce(old.hours, '') || '|'
            || coalesce(old.message, ''), NULL);
END;

-- A claim (« Vous gérez ce lieu ? ») received, then accepted or refused:
-- 'status|claimant's name' in the values; who decided is the account.
-- Serves: the history page.
CREATE TRIGGER place_history_claim_insert AFTER INSERT ON place_claim BEGIN
    INSERT INTO place_history (place_id, account_id, source, field, old_value, new_value)
    VALUES (new.place_id, NULL, 'claim', 'claim', NULL, new.status || '|' || new.name);
END;
CREATE TRIGGER place_history_claim_decided AFTER UPDATE OF status ON place_claim
WHEN new.status IS NOT old.status BEGIN
    INSERT INTO place_history (place_id, account_id, source, field, old_value, new_value)
    VALUES (new.place_id, new.decided_by, 'editor', 'claim', old.status || '|' || old.name,
            new.status || '|' || new.name || coalesce('|' || nullif(new.reason, ''), ''));
END;
