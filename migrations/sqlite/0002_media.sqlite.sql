-- The media-AI store: media, video, transcripts, captions and webhooks.
-- depends: 0001_generations.sqlite
-- media and video are joined-table inheritance: a video row shares its
-- media row's id and goes with it.
-- Transcripts and captions reference their media and go when it goes.
-- updated_at is stamped by a trigger on every UPDATE that does not set it
-- itself, so raw SQL bumps it too.
CREATE TABLE media (
    id TEXT PRIMARY KEY NOT NULL CHECK (LENGTH(id) BETWEEN 1 AND 36),
    media_type TEXT NOT NULL CHECK (LENGTH(media_type) > 0),
    created_at TEXT NOT NULL
    DEFAULT (STRFTIME('%Y-%m-%dT%H:%M:%f', 'now') || '000+00:00'),
    updated_at TEXT NOT NULL
    DEFAULT (STRFTIME('%Y-%m-%dT%H:%M:%f', 'now') || '000+00:00')
) STRICT;

CREATE INDEX ix_media_media_type ON media (media_type);

CREATE TABLE video (
    id TEXT PRIMARY KEY NOT NULL REFERENCES media (id) ON DELETE CASCADE,
    path TEXT,
    url TEXT,
    title TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
    DEFAULT (STRFTIME('%Y-%m-%dT%H:%M:%f', 'now') || '000+00:00'),
    updated_at TEXT NOT NULL
    DEFAULT (STRFTIME('%Y-%m-%dT%H:%M:%f', 'now') || '000+00:00')
) STRICT;

CREATE TABLE transcripts (
    id INTEGER PRIMARY KEY NOT NULL,
    model TEXT NOT NULL,
    media_id TEXT NOT NULL REFERENCES media (id) ON DELETE CASCADE,
    transcript TEXT NOT NULL,
    segments TEXT NOT NULL DEFAULT '[]'
    CHECK (JSON_VALID(segments) AND JSON_TYPE(segments) = 'array'),
    language TEXT NOT NULL,
    language_confidence REAL NOT NULL
    CHECK (language_confidence >= 0 AND language_confidence <= 1),
    created_at TEXT NOT NULL
    DEFAULT (STRFTIME('%Y-%m-%dT%H:%M:%f', 'now') || '000+00:00'),
    updated_at TEXT NOT NULL
    DEFAULT (STRFTIME('%Y-%m-%dT%H:%M:%f', 'now') || '000+00:00')
) STRICT;

CREATE INDEX ix_transcripts_media_id_model ON transcripts (media_id, model);

CREATE TABLE captions (
    id INTEGER PRIMARY KEY NOT NULL,
    model TEXT NOT NULL,
    media_id TEXT NOT NULL REFERENCES media (id) ON DELETE CASCADE,
    caption TEXT NOT NULL,
    frame_id INTEGER NOT NULL CHECK (frame_id >= 0),
    timestamp REAL NOT NULL CHECK (timestamp >= 0),
    created_at TEXT NOT NULL
    DEFAULT (STRFTIME('%Y-%m-%dT%H:%M:%f', 'now') || '000+00:00'),
    updated_at TEXT NOT NULL
    DEFAULT (STRFTIME('%Y-%m-%dT%H:%M:%f', 'now') || '000+00:00')
) STRICT;

CREATE INDEX ix_captions_media_id_model_frame_id ON captions (media_id, model, frame_id);

CREATE TABLE webhooks (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT,
    url TEXT NOT NULL CHECK (LENGTH(url) > 0),
    -- An empty list means every event.
    events TEXT NOT NULL DEFAULT '[]'
    CHECK (JSON_VALID(events) AND JSON_TYPE(events) = 'array'),
    created_at TEXT NOT NULL
    DEFAULT (STRFTIME('%Y-%m-%dT%H:%M:%f', 'now') || '000+00:00'),
    updated_at TEXT NOT NULL
    DEFAULT (STRFTIME('%Y-%m-%dT%H:%M:%f', 'now') || '000+00:00')
) STRICT;

CREATE INDEX ix_webhooks_user_id ON webhooks (user_id);

-- SQLite allows no subquery in a CHECK, so unknown event types are refused
-- by triggers (PostgreSQL uses a CHECK with JSONB containment).
CREATE TRIGGER trg_webhooks_events_insert
BEFORE INSERT ON webhooks
FOR EACH ROW
WHEN EXISTS (
    SELECT 1 FROM JSON_EACH(new.events) AS e -- noqa: RF01
    WHERE e.value NOT IN ('task.completed', 'task.failed', 'task.started')
)
BEGIN
    SELECT RAISE(ABORT, 'webhooks.events: unknown event type');
END;

CREATE TRIGGER trg_webhooks_events_update
BEFORE UPDATE OF events ON webhooks
FOR EACH ROW
WHEN EXISTS (
    SELECT 1 FROM JSON_EACH(new.events) AS e -- noqa: RF01
    WHERE e.value NOT IN ('task.completed', 'task.failed', 'task.started')
)
BEGIN
    SELECT RAISE(ABORT, 'webhooks.events: unknown event type');
END;

-- The updated_at triggers. SQLite's clock has millisecond precision, so the
-- new stamp is at least 1 ms past the old one: updated_at always moves.
CREATE TRIGGER trg_media_updated_at
AFTER UPDATE ON media
FOR EACH ROW
WHEN new.updated_at = old.updated_at
BEGIN
    UPDATE media
    SET updated_at = MAX(
        STRFTIME('%Y-%m-%dT%H:%M:%f', 'now') || '000+00:00',
        STRFTIME('%Y-%m-%dT%H:%M:%f', old.updated_at, '+0.001 seconds') || '000+00:00'
    )
    WHERE id = new.id;
END;

CREATE TRIGGER trg_video_updated_at
AFTER UPDATE ON video
FOR EACH ROW
WHEN new.updated_at = old.updated_at
BEGIN
    UPDATE video
    SET updated_at = MAX(
        STRFTIME('%Y-%m-%dT%H:%M:%f', 'now') || '000+00:00',
        STRFTIME('%Y-%m-%dT%H:%M:%f', old.updated_at, '+0.001 seconds') || '000+00:00'
    )
    WHERE id = new.id;
END;

CREATE TRIGGER trg_transcripts_updated_at
AFTER UPDATE ON transcripts
FOR EACH ROW
WHEN new.updated_at = old.updated_at
BEGIN
    UPDATE transcripts
    SET updated_at = MAX(
        STRFTIME('%Y-%m-%dT%H:%M:%f', 'now') || '000+00:00',
        STRFTIME('%Y-%m-%dT%H:%M:%f', old.updated_at, '+0.001 seconds') || '000+00:00'
    )
    WHERE id = new.id;
END;

CREATE TRIGGER trg_captions_updated_at
AFTER UPDATE ON captions
FOR EACH ROW
WHEN new.updated_at = old.updated_at
BEGIN
    UPDATE captions
    SET updated_at = MAX(
        STRFTIME('%Y-%m-%dT%H:%M:%f', 'now') || '000+00:00',
        STRFTIME('%Y-%m-%dT%H:%M:%f', old.updated_at, '+0.001 seconds') || '000+00:00'
    )
    WHERE id = new.id;
END;

CREATE TRIGGER trg_webhooks_updated_at
AFTER UPDATE ON webhooks
FOR EACH ROW
WHEN new.updated_at = old.updated_at
BEGIN
    UPDATE webhooks
    SET updated_at = MAX(
        STRFTIME('%Y-%m-%dT%H:%M:%f', 'now') || '000+00:00',
        STRFTIME('%Y-%m-%dT%H:%M:%f', old.updated_at, '+0.001 seconds') || '000+00:00'
    )
    WHERE id = new.id;
END;
