-- The extended-video example app: a video's duration and processing status.
-- depends: 0002_media.sqlite
-- Joined-table inheritance one level further down: an extended_video row
-- shares its video row's id (and so its media row's) and goes with it.
CREATE TABLE extended_video (
    id TEXT PRIMARY KEY NOT NULL REFERENCES video (id) ON DELETE CASCADE,
    duration REAL CHECK (duration >= 0),
    status TEXT NOT NULL DEFAULT 'created'
    CHECK (status IN ('created', 'running', 'completed', 'failed')),
    created_at TEXT NOT NULL
    DEFAULT (STRFTIME('%Y-%m-%dT%H:%M:%f', 'now') || '000+00:00'),
    updated_at TEXT NOT NULL
    DEFAULT (STRFTIME('%Y-%m-%dT%H:%M:%f', 'now') || '000+00:00')
) STRICT;

CREATE INDEX ix_extended_video_status ON extended_video (status);

-- updated_at moves on every update, as on the built-in tables (at least
-- 1 ms, SQLite's clock precision).
CREATE TRIGGER trg_extended_video_updated_at
AFTER UPDATE ON extended_video
FOR EACH ROW
WHEN new.updated_at = old.updated_at
BEGIN
    UPDATE extended_video
    SET updated_at = MAX(
        STRFTIME('%Y-%m-%dT%H:%M:%f', 'now') || '000+00:00',
        STRFTIME('%Y-%m-%dT%H:%M:%f', old.updated_at, '+0.001 seconds') || '000+00:00'
    )
    WHERE id = new.id;
END;
