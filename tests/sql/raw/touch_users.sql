-- Test only: a raw UPDATE of every users row that does not name its time stamp.
UPDATE users
SET created_at = created_at;
