-- Adopt the music-generation service's database, step 2 of 2: copy its rows
-- into the tables 0001_generations created. SQLAlchemy kept naive UTC times
-- (TIMESTAMP WITHOUT TIME ZONE), uuid text and JSON text; sqlstore keeps
-- TIMESTAMPTZ, UUID and JSONB. A missing metadata becomes {}. A row sqlstore's
-- checks refuse (an unknown status, metadata that is not a JSON object, an id
-- that is not a uuid) fails the whole adoption.
-- squawk-ignore-file require-timeout-settings -- reviewed: an offline adoption, run once
INSERT INTO generations (
    id, prompt, model_name, model_version, status, duration_seconds, sample_rate,
    channels, file_path, file_size_bytes, generation_time_seconds, error_message,
    metadata, created_at, completed_at
)
SELECT
    id::UUID AS id,
    prompt,
    model_name,
    model_version,
    status,
    duration_seconds,
    sample_rate,
    channels,
    file_path,
    file_size_bytes,
    generation_time_seconds,
    error_message,
    COALESCE(metadata::JSONB, '{}'::JSONB) AS metadata,
    created_at AT TIME ZONE 'UTC' AS created_at,
    completed_at AT TIME ZONE 'UTC' AS completed_at
FROM adopt_generations;

INSERT INTO prompts (id, text, used_count, first_used_at, last_used_at)
OVERRIDING SYSTEM VALUE
SELECT
    id,
    text,
    used_count,
    first_used_at AT TIME ZONE 'UTC' AS first_used_at,
    last_used_at AT TIME ZONE 'UTC' AS last_used_at
FROM adopt_prompts;

-- The identity goes on after the highest adopted id.
SELECT SETVAL(PG_GET_SERIAL_SEQUENCE('prompts', 'id'), COALESCE(MAX(id), 1), MAX(id) IS NOT NULL)
FROM prompts;

DROP TABLE adopt_generations;
DROP TABLE adopt_prompts;
