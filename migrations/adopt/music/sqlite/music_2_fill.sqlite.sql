-- Adopt the music-generation service's database, step 2 of 2: copy its rows
-- into the tables 0001_generations created. SQLAlchemy wrote naive UTC times
-- as 'YYYY-MM-DD HH:MM:SS.ffffff'; sqlstore keeps fixed-width ISO-8601 UTC
-- text. A missing metadata becomes {}. A row sqlstore's checks refuse (an
-- unknown status, metadata that is not a JSON object, a bad time) fails the
-- whole adoption.
INSERT INTO generations (
    id, prompt, model_name, model_version, status, duration_seconds, sample_rate,
    channels, file_path, file_size_bytes, generation_time_seconds, error_message,
    metadata, created_at, completed_at
)
SELECT
    LOWER(id) AS id,
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
    COALESCE(metadata, '{}') AS metadata,
    STRFTIME('%Y-%m-%dT%H:%M:%S', created_at)
    || '.' || SUBSTR(SUBSTR(created_at, 21) || '000000', 1, 6) || '+00:00' AS created_at,
    STRFTIME('%Y-%m-%dT%H:%M:%S', completed_at)
    || '.' || SUBSTR(SUBSTR(completed_at, 21) || '000000', 1, 6) || '+00:00' AS completed_at
FROM adopt_generations;

INSERT INTO prompts (id, text, used_count, first_used_at, last_used_at)
SELECT
    id,
    text,
    used_count,
    STRFTIME('%Y-%m-%dT%H:%M:%S', first_used_at)
    || '.' || SUBSTR(SUBSTR(first_used_at, 21) || '000000', 1, 6) || '+00:00' AS first_used_at,
    STRFTIME('%Y-%m-%dT%H:%M:%S', last_used_at)
    || '.' || SUBSTR(SUBSTR(last_used_at, 21) || '000000', 1, 6) || '+00:00' AS last_used_at
FROM adopt_prompts;

DROP TABLE adopt_generations;
DROP TABLE adopt_prompts;
