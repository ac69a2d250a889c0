-- Delete one operator of one orchestrator; the schema's cascades remove what hangs on it.
DELETE FROM operators
WHERE id = :id AND orchestrator_id = :orchestrator_id;
