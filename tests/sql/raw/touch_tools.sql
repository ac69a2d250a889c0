-- Test only: a raw UPDATE of every tools row that does not name its time stamp.
UPDATE tools
SET created_at = created_at;
