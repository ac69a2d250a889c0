-- Change the given fields (the update convention's :set_<field> flags) of the
-- webhooks selected by an id list (:by_ids) and, optionally, of one user
-- (:of_user_id); returns the number changed. The trigger stamps updated_at.
-- reviewed: full-scan: optional filters (NULL: any); each may be served by its own index, none by all
UPDATE webhooks
SET
    user_id = CASE WHEN :set_user_id THEN :user_id ELSE user_id END,
    url = CASE WHEN :set_url THEN :url ELSE url END,
    events = CASE WHEN :set_events THEN :events ELSE events END
WHERE
    (NOT :by_ids OR id = ANY(:ids))
    AND (CAST(:of_user_id AS TEXT) IS NULL OR user_id = :of_user_id);
