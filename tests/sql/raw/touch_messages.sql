-- Test only: a raw UPDATE of every messages row that does not name its time stamp.
UPDATE messages
SET created_at = created_at;
