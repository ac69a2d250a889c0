-- Delete one tool; the schema's cascades remove what hangs on it.
DELETE FROM tools
WHERE id = :id;
