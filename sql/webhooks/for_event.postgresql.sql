-- The webhooks to call for an event of a user: the user's own and the
-- system-wide ones (user_id NULL) whose events list holds the event (JSONB
-- containment) or is empty (every event). A NULL user gets only the
-- system-wide ones; a NULL event matches every webhook. Oldest first.
-- returns: many Webhook
SELECT id, user_id, url, events, created_at, updated_at
FROM webhooks
WHERE
    (user_id = :user_id OR user_id IS NULL)
    AND (
        CAST(:event_type AS TEXT) IS NULL
        OR events = CAST('[]' AS JSONB)
        OR events @> JSONB_BUILD_ARRAY(CAST(:event_type AS TEXT))
    )
ORDER BY created_at ASC, id ASC;
