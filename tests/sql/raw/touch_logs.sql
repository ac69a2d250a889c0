-- Test only: a raw UPDATE of every logs row that does not name its time stamp.
UPDATE logs
SET created_at = created_at;
