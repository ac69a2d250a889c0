-- Clients in the order they were created, optionally of one orchestrator and
-- one operator (NULL: any).
-- returns: many Client
-- reviewed: full-scan: an optional filter (NULL: any) is planned for both cases; no index serves it
-- reviewed: unindexed-filter: orchestrator_id is the second column of ix_clients_operator; the
--    filter is optional, see full-scan
SELECT
    id, orchestrator_id, operator_id, client, temperature, model, created_at, modified_at
FROM clients
WHERE
    orchestrator_id = COALESCE(:orchestrator_id, orchestrator_id)
    AND operator_id = COALESCE(:operator_id, operator_id)
ORDER BY created_at, id
LIMIT :limit OFFSET :offset;
