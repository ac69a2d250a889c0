-- Change the given fields of a webhook.
-- A field changes only when its set_<field> flag is true, so user_id can be
-- set to NULL (a system-wide webhook). The table's trigger stamps updated_at
-- (read the row again afterwards: on SQLite, RETURNING would not see what
-- the AFTER trigger wrote).
UPDATE webhooks
SET
    user_id = CASE WHEN :set_user_id THEN :user_id ELSE user_id END,
    url = CASE WHEN :set_url THEN :url ELSE url END,
    events = CASE WHEN :set_events THEN :events ELSE events END
WHERE id = :id;
