-- Every project, direct-message ones too (parity suite).
SELECT
    id, orchestrator_id, name, executive_id, developer_id, direct_message_operator_id,
    created_at, modified_at
FROM projects;
