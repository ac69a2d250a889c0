-- Test only: a raw UPDATE of every projects row that does not name its time stamp.
UPDATE projects
SET created_at = created_at;
