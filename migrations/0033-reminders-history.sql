-- 0033 — freshness reminders to places without a manager, and what a
-- place's history shows besides field changes: confirmations (« Rien n'a
-- changé »), temporary closures and claims.

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

-- A confirmation moves verified_at: one history row, with the writer set in
-- history_actor (a manager's account, or 'link' for the signed mail link).
-- Serves: the history page.
CREATE TRIGGER place_history_verified AFTER UPDATE OF verified_at ON place
WHEN new.verified_at IS NOT old.verified_at BEGIN
    INSERT INTO place_history (place_id, account_id, source, field, old_value, new_value)
    VALUES (new.id, (SELECT account_id FROM history_actor LIMIT 1),
            coalesce((SELECT source FROM history_actor LIMIT 1), 'import'), 'verified_at',
            old.verified_at, new.verified_at);
END;

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
