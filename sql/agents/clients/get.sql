-- One client by id of one operator of one orchestrator.
-- returns: one Client
SELECT
    id, orchestrator_id, operator_id, client, temperature, model, created_at, modified_at
FROM clients
WHERE id = :id AND operator_id = :operator_id AND orchestrator_id = :orchestrator_id;
