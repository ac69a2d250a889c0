-- Test only: a raw UPDATE of every operators row that does not name its time stamp.
UPDATE operators
SET created_at = created_at;
