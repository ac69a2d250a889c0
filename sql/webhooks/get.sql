-- One webhook by id.
SELECT id, user_id, url, events, created_at, updated_at
FROM webhooks
WHERE id = :id;
