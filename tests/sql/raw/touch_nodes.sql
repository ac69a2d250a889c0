-- Test only: a raw UPDATE of every nodes row that does not name its time stamp.
UPDATE nodes
SET created_at = created_at;
