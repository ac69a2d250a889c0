-- 0005_keyset_indexes: the sort keys of the lists that page newest first by
-- (created_at, id), so that each page is an index walk that stops early
-- (MediaDAO, VideoDAO, WebhookDAO and TaskDAO .list; the task one also serves
-- the bulk delete of tasks older than a time).
-- On a large live table, create these indexes by hand first with CREATE
-- INDEX CONCURRENTLY (same names): IF NOT EXISTS then skips them.
-- depends: 0004_agents.postgresql
-- squawk-ignore-file require-concurrent-index-creation -- reviewed: a migration and its record commit in one transaction (atomic if killed), which CONCURRENTLY cannot join; see above
SET LOCAL lock_timeout = '10s';
SET LOCAL statement_timeout = '10min';
CREATE INDEX IF NOT EXISTS ix_media_created_at ON media (created_at DESC, id DESC);
CREATE INDEX IF NOT EXISTS ix_video_created_at ON video (created_at DESC, id DESC);
CREATE INDEX IF NOT EXISTS ix_webhooks_created_at ON webhooks (created_at DESC, id DESC);
CREATE INDEX IF NOT EXISTS ix_tasks_created_at ON tasks (created_at DESC, id DESC);
