-- 0005_keyset_indexes: the sort keys of the lists that page newest first by
-- (created_at, id), so that each page is an index walk that stops early
-- (MediaDAO, VideoDAO, WebhookDAO and TaskDAO .list; the task one also serves
-- the bulk delete of tasks older than a time).
-- depends: 0004_agents.sqlite
CREATE INDEX ix_media_created_at ON media (created_at DESC, id DESC);
CREATE INDEX ix_video_created_at ON video (created_at DESC, id DESC);
CREATE INDEX ix_webhooks_created_at ON webhooks (created_at DESC, id DESC);
CREATE INDEX ix_tasks_created_at ON tasks (created_at DESC, id DESC);
