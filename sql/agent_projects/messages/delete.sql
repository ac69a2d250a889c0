-- Delete one message; the schema's cascades remove what hangs on it.
DELETE FROM messages
WHERE id = :id;
