-- Test only: a raw UPDATE of every auth_states row that does not name its time stamp.
UPDATE auth_states
SET created_at = created_at;
