-- Test only: a raw UPDATE of every clients row that does not name its time stamp.
UPDATE clients
SET created_at = created_at;
