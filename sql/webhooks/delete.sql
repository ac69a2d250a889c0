-- Delete one webhook.
DELETE FROM webhooks
WHERE id = :id;
