-- One webhook by id.
-- returns: one Webhook
SELECT id, user_id, url, events, created_at, updated_at
FROM webhooks
WHERE id = :id;
