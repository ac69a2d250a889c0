-- Music generation jobs and prompt usage analytics.
-- SQLite stores ids as uuid text, times as fixed-width ISO-8601 UTC text
-- (so text order is time order) and JSON as checked text.
CREATE TABLE generations (
    id TEXT PRIMARY KEY NOT NULL,
    prompt TEXT NOT NULL,
    model_name TEXT NOT NULL,
    model_version TEXT,
    status TEXT NOT NULL DEFAULT 'pending'
    CHECK (status IN ('pending', 'processing', 'completed', 'failed')),
    duration_seconds REAL NOT NULL CHECK (duration_seconds > 0),
    sample_rate INTEGER NOT NULL CHECK (sample_rate > 0),
    channels INTEGER NOT NULL CHECK (channels IN (1, 2)),
    file_path TEXT NOT NULL,
    file_size_bytes INTEGER CHECK (file_size_bytes >= 0),
    generation_time_seconds REAL CHECK (generation_time_seconds >= 0),
    error_message TEXT,
    metadata TEXT NOT NULL DEFAULT '{}'
    CHECK (JSON_VALID(metadata) AND JSON_TYPE(metadata) = 'object'),
    created_at TEXT NOT NULL
    DEFAULT (STRFTIME('%Y-%m-%dT%H:%M:%f', 'now') || '000+00:00'),
    completed_at TEXT
) STRICT;

CREATE INDEX ix_generations_status ON generations (status);
CREATE INDEX ix_generations_created_at ON generations (created_at DESC, id DESC);
CREATE INDEX ix_generations_model_name ON generations (model_name);
CREATE INDEX ix_generations_completed_at ON generations (completed_at);

CREATE TABLE prompts (
    id INTEGER PRIMARY KEY NOT NULL,
    text TEXT NOT NULL,
    used_count INTEGER NOT NULL DEFAULT 1 CHECK (used_count >= 1),
    first_used_at TEXT NOT NULL
    DEFAULT (STRFTIME('%Y-%m-%dT%H:%M:%f', 'now') || '000+00:00'),
    last_used_at TEXT NOT NULL
    DEFAULT (STRFTIME('%Y-%m-%dT%H:%M:%f', 'now') || '000+00:00'),
    CONSTRAINT uq_prompts_text UNIQUE (text)
) STRICT;

CREATE INDEX ix_prompts_used_count ON prompts (used_count DESC);
