-- Test only: a raw UPDATE of every webhooks row that does not name its time stamp.
UPDATE webhooks
SET created_at = created_at;
