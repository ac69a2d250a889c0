-- Undo 0005_keyset_indexes: drop its indexes, in reverse order.
-- squawk-ignore-file require-concurrent-index-deletion -- reviewed: one transaction with its record, as the forward file
SET LOCAL lock_timeout = '10s';
SET LOCAL statement_timeout = '10min';
DROP INDEX ix_tasks_created_at;
DROP INDEX ix_webhooks_created_at;
DROP INDEX ix_video_created_at;
DROP INDEX ix_media_created_at;
