-- Delete one repository node; the schema's cascades remove what hangs on it.
DELETE FROM repo_nodes
WHERE id = :id;
