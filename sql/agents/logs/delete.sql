-- Delete one log line; the schema's cascades remove what hangs on it.
DELETE FROM logs
WHERE id = :id;
