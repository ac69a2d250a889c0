-- Register one webhook; a NULL user_id makes it system-wide and an empty
-- events list subscribes it to every event. Returns the stored row.
-- returns: one Webhook
INSERT INTO webhooks (id, user_id, url, events, created_at, updated_at)
VALUES (:id, :user_id, :url, :events, :now, :now)
RETURNING id, user_id, url, events, created_at, updated_at;
