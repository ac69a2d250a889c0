-- Delete one node; the schema's cascades remove what hangs on it.
DELETE FROM nodes
WHERE id = :id;
