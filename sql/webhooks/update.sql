-- Change a webhook's url and events; a NULL parameter leaves its field as it
-- is. The table's trigger stamps updated_at (read the row again afterwards:
-- on SQLite, RETURNING would not see what the AFTER trigger wrote).
UPDATE webhooks
SET
    url = COALESCE(:url, url),
    events = COALESCE(:events, events)
WHERE id = :id;
