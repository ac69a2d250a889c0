-- The media-AI task queue: one row per request a worker runs.
-- depends: 0002_media.sqlite
-- progress is a percentage, 0 to 100. priority 0 is the lowest.
-- data and result are JSON objects; result is NULL until a worker reports.
-- Every DAO update stamps updated_at itself (heartbeats and timeouts compare
-- it with the application's clock); the trigger stamps it on any other
-- UPDATE that leaves it unchanged, so raw SQL bumps it too.
CREATE TABLE tasks (
    id TEXT PRIMARY KEY NOT NULL,
    endpoint TEXT NOT NULL CHECK (LENGTH(endpoint) > 0),
    data TEXT NOT NULL DEFAULT '{}'
    CHECK (JSON_VALID(data) AND JSON_TYPE(data) = 'object'),
    status TEXT NOT NULL DEFAULT 'created'
    CHECK (
        status IN ('created', 'assigned', 'running', 'completed', 'failed', 'not_finished')
    ),
    priority INTEGER NOT NULL DEFAULT 0 CHECK (priority >= 0),
    progress REAL NOT NULL DEFAULT 0 CHECK (progress >= 0 AND progress <= 100),
    result TEXT
    CHECK (result IS NULL OR (JSON_VALID(result) AND JSON_TYPE(result) = 'object')),
    num_retries INTEGER NOT NULL DEFAULT 0 CHECK (num_retries >= 0),
    user_id TEXT,
    assigned_at TEXT,
    completed_at TEXT,
    created_at TEXT NOT NULL
    DEFAULT (STRFTIME('%Y-%m-%dT%H:%M:%f', 'now') || '000+00:00'),
    updated_at TEXT NOT NULL
    DEFAULT (STRFTIME('%Y-%m-%dT%H:%M:%f', 'now') || '000+00:00')
) STRICT;

CREATE INDEX ix_tasks_status ON tasks (status);
-- Listing and counting one user's tasks, newest first.
CREATE INDEX ix_tasks_user_id ON tasks (user_id, created_at DESC);
-- The claim: the claimable rows in claim order, so taking the next few is an
-- index walk that stops early. Completed, assigned and running rows (the bulk
-- of a long-lived queue) stay out of it.
CREATE INDEX ix_tasks_claim ON tasks (priority DESC, created_at, id)
WHERE status IN ('created', 'not_finished', 'failed');

-- SQLite's clock has millisecond precision, so the new stamp is at least
-- 1 ms past the old one: updated_at always moves.
CREATE TRIGGER trg_tasks_updated_at
AFTER UPDATE ON tasks
FOR EACH ROW
WHEN new.updated_at = old.updated_at
BEGIN
    UPDATE tasks
    SET updated_at = MAX(
        STRFTIME('%Y-%m-%dT%H:%M:%f', 'now') || '000+00:00',
        STRFTIME('%Y-%m-%dT%H:%M:%f', old.updated_at, '+0.001 seconds') || '000+00:00'
    )
    WHERE id = new.id;
END;
