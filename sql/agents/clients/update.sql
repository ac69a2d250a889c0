-- Change the given fields of one client of one operator of one orchestrator.
-- A field changes only when its set_<field> flag is true, so a nullable
-- field can be set to NULL; modified_at always changes.
-- returns: one Client
UPDATE clients
SET
    client = CASE WHEN :set_client THEN :client ELSE client END,
    temperature = CASE WHEN :set_temperature THEN :temperature ELSE temperature END,
    model = CASE WHEN :set_model THEN :model ELSE model END,
    modified_at = :now
WHERE id = :id AND operator_id = :operator_id AND orchestrator_id = :orchestrator_id
RETURNING
    id, orchestrator_id, operator_id, client, temperature, model, created_at, modified_at;
