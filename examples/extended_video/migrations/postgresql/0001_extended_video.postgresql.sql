-- The extended-video example app: a video's duration and processing status.
-- depends: 0002_media.postgresql
-- Joined-table inheritance one level further down: an extended_video row
-- shares its video row's id (and so its media row's) and goes with it.
-- squawk-ignore-file require-lock-timeout -- reviewed: a new table, at install
-- squawk-ignore-file require-statement-timeout -- reviewed: a new, empty table
CREATE TABLE extended_video (
    id TEXT PRIMARY KEY REFERENCES video (id) ON DELETE CASCADE,
    duration DOUBLE PRECISION CHECK (duration >= 0),
    status TEXT NOT NULL DEFAULT 'created'
    CHECK (status IN ('created', 'running', 'completed', 'failed')),
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
);

CREATE INDEX ix_extended_video_status ON extended_video (status);

-- updated_at moves on every update, with the built-in migration's trigger
-- function.
CREATE TRIGGER trg_extended_video_updated_at
BEFORE UPDATE ON extended_video
FOR EACH ROW EXECUTE FUNCTION MEDIA_STORE_TOUCH_UPDATED_AT();
