-- Test only: a raw UPDATE of every repo_nodes row that does not name its time stamp.
UPDATE repo_nodes
SET created_at = created_at;
