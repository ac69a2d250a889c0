-- Insert one client; returns the stored row.
-- The operator must be in the given orchestrator.
-- returns: one Client
INSERT INTO clients (
    id, orchestrator_id, operator_id, client, temperature, model, created_at, modified_at
) VALUES (
    :id, :orchestrator_id, :operator_id, :client, :temperature, :model, :now, :now
)
RETURNING
    id, orchestrator_id, operator_id, client, temperature, model, created_at, modified_at;
