-- Every orchestrator (parity suite).
SELECT id, user_id, type, name, created_at, modified_at
FROM orchestrators;
