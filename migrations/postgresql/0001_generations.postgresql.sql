-- Music generation jobs and prompt usage analytics.
-- squawk-ignore-file require-lock-timeout -- reviewed: new tables at install, no traffic
-- squawk-ignore-file require-statement-timeout -- reviewed: new, empty tables only
-- squawk-ignore-file prefer-bigint-over-int -- reviewed: bounded counts, not ids
-- squawk-ignore-file prefer-bigint-over-smallint -- reviewed: channels is 1 or 2
CREATE TABLE generations (
    id UUID PRIMARY KEY,
    prompt TEXT NOT NULL,
    model_name TEXT NOT NULL,
    model_version TEXT,
    status TEXT NOT NULL DEFAULT 'pending'
    CHECK (status IN ('pending', 'processing', 'completed', 'failed')),
    duration_seconds DOUBLE PRECISION NOT NULL CHECK (duration_seconds > 0),
    sample_rate INTEGER NOT NULL CHECK (sample_rate > 0),
    channels SMALLINT NOT NULL CHECK (channels IN (1, 2)),
    file_path TEXT NOT NULL,
    file_size_bytes BIGINT CHECK (file_size_bytes >= 0),
    generation_time_seconds DOUBLE PRECISION CHECK (generation_time_seconds >= 0),
    error_message TEXT,
    metadata JSONB NOT NULL DEFAULT '{}'::JSONB
    CHECK (JSONB_TYPEOF(metadata) = 'object'),
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    completed_at TIMESTAMPTZ
);

CREATE INDEX ix_generations_status ON generations (status);
CREATE INDEX ix_generations_created_at ON generations (created_at DESC, id DESC);
CREATE INDEX ix_generations_model_name ON generations (model_name);
CREATE INDEX ix_generations_completed_at ON generations (completed_at);

CREATE TABLE prompts (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    text TEXT NOT NULL,
    used_count INTEGER NOT NULL DEFAULT 1 CHECK (used_count >= 1),
    first_used_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    last_used_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    CONSTRAINT uq_prompts_text UNIQUE (text)
);

CREATE INDEX ix_prompts_used_count ON prompts (used_count DESC);
