-- Test only: the modified_at of every row of the agent tables, and the
-- updated_at of every webhook, by table.
SELECT 'users' AS tbl, CAST(id AS TEXT) AS key, modified_at AS stamp FROM users
UNION ALL
SELECT 'orchestrators' AS tbl, CAST(id AS TEXT) AS key, modified_at AS stamp FROM orchestrators
UNION ALL
SELECT 'operators' AS tbl, CAST(id AS TEXT) AS key, modified_at AS stamp FROM operators
UNION ALL
SELECT 'clients' AS tbl, CAST(id AS TEXT) AS key, modified_at AS stamp FROM clients
UNION ALL
SELECT 'projects' AS tbl, CAST(id AS TEXT) AS key, modified_at AS stamp FROM projects
UNION ALL
SELECT 'tools' AS tbl, CAST(id AS TEXT) AS key, modified_at AS stamp FROM tools
UNION ALL
SELECT 'messages' AS tbl, CAST(id AS TEXT) AS key, modified_at AS stamp FROM messages
UNION ALL
SELECT 'nodes' AS tbl, CAST(id AS TEXT) AS key, modified_at AS stamp FROM nodes
UNION ALL
SELECT 'repo_nodes' AS tbl, CAST(id AS TEXT) AS key, modified_at AS stamp FROM repo_nodes
UNION ALL
SELECT 'auth_states' AS tbl, CAST(id AS TEXT) AS key, modified_at AS stamp FROM auth_states
UNION ALL
SELECT 'auth_tokens' AS tbl, CAST(id AS TEXT) AS key, modified_at AS stamp FROM auth_tokens
UNION ALL
SELECT 'logs' AS tbl, CAST(id AS TEXT) AS key, modified_at AS stamp FROM logs
UNION ALL
SELECT 'webhooks' AS tbl, CAST(id AS TEXT) AS key, updated_at AS stamp FROM webhooks;
