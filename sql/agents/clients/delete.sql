-- Delete one client of one operator of one orchestrator; the schema's cascades remove what hangs on it.
DELETE FROM clients
WHERE id = :id AND operator_id = :operator_id AND orchestrator_id = :orchestrator_id;
