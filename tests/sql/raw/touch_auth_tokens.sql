-- Test only: a raw UPDATE of every auth_tokens row that does not name its time stamp.
UPDATE auth_tokens
SET created_at = created_at;
