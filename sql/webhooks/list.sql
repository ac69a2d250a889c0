-- Webhooks newest first: of one user (:user_id), the system-wide ones
-- (:system_wide), or all; keyset paging: the page after the row
-- (:after_created_at, :after_id), at most :limit rows.
-- returns: many Webhook
SELECT id, user_id, url, events, created_at, updated_at
FROM webhooks
WHERE
    (CAST(:user_id AS TEXT) IS NULL OR user_id = :user_id)
    AND (NOT :system_wide OR user_id IS NULL)
    AND (created_at, id) < (:after_created_at, :after_id)
ORDER BY created_at DESC, id DESC
LIMIT :limit;
