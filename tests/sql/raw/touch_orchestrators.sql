-- Test only: a raw UPDATE of every orchestrators row that does not name its time stamp.
UPDATE orchestrators
SET created_at = created_at;
