-- Undo 0005_keyset_indexes: drop its indexes, in reverse order.
DROP INDEX ix_tasks_created_at;
DROP INDEX ix_webhooks_created_at;
DROP INDEX ix_video_created_at;
DROP INDEX ix_media_created_at;
