-- Delete one project of one orchestrator; the schema's cascades remove what hangs on it.
DELETE FROM projects
WHERE id = :id AND orchestrator_id = :orchestrator_id;
