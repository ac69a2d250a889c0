-- How many rows each table of the agent store holds (for operators and tests).
SELECT
    (SELECT COUNT(*) FROM users) AS users,
    (SELECT COUNT(*) FROM orchestrators) AS orchestrators,
    (SELECT COUNT(*) FROM operators) AS operators,
    (SELECT COUNT(*) FROM clients) AS clients,
    (SELECT COUNT(*) FROM projects) AS projects,
    (SELECT COUNT(*) FROM tools) AS tools,
    (SELECT COUNT(*) FROM user_tools) AS user_tools,
    (SELECT COUNT(*) FROM orchestrator_tools) AS orchestrator_tools,
    (SELECT COUNT(*) FROM operator_tools) AS operator_tools,
    (SELECT COUNT(*) FROM messages) AS messages,
    (SELECT COUNT(*) FROM nodes) AS nodes,
    (SELECT COUNT(*) FROM repo_nodes) AS repo_nodes,
    (SELECT COUNT(*) FROM auth_states) AS auth_states,
    (SELECT COUNT(*) FROM auth_tokens) AS auth_tokens,
    (SELECT COUNT(*) FROM logs) AS logs;
