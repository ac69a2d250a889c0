-- Adopt the media-AI SDK's database, step 2 of 2: copy its rows into the
-- tables 0002_media and 0003_tasks created. The SDK's times are already
-- TIMESTAMPTZ; JSON becomes JSONB. A video takes its media row's times (the
-- SDK keeps them there only); a NULL title or description becomes ''. Task
-- statuses are the SDK's enum names ('NOT_FINISHED'), sqlstore's the values
-- ('not_finished'); a JSON null result is NULL. The SDK's segments keep their
-- times in time_interval; sqlstore's have start and end beside it, copied
-- from there (a segment that has them already keeps its own). Transcript and caption ids
-- are kept, and new ones follow the highest. A row sqlstore's checks refuse
-- (a confidence out of 0..1, an unknown webhook event, segments that are not
-- a list) fails the whole adoption.
-- squawk-ignore-file require-timeout-settings -- reviewed: an offline adoption, run once
INSERT INTO media (id, media_type, created_at, updated_at)
SELECT
    id,
    media_type,
    created_at,
    updated_at
FROM adopt_media;

INSERT INTO video (id, path, url, title, description, created_at, updated_at)
SELECT
    v.id,
    v.path,
    v.url,
    COALESCE(v.title, '') AS title,
    COALESCE(v.description, '') AS description,
    m.created_at,
    m.updated_at
FROM adopt_video AS v
INNER JOIN adopt_media AS m ON v.id = m.id;

INSERT INTO transcripts (
    id, model, media_id, transcript, segments, language, language_confidence,
    created_at, updated_at
)
SELECT
    id,
    model,
    media_id,
    transcript,
    CASE
        WHEN JSON_TYPEOF(segments) = 'array'
            THEN (
                SELECT
                    COALESCE(
                        JSONB_AGG(
                            JSONB_STRIP_NULLS(
                                JSONB_BUILD_OBJECT(
                                    'start', s.value -> 'time_interval' -> 'start',
                                    'end', s.value -> 'time_interval' -> 'end'
                                )
                            ) || s.value
                            ORDER BY s.n
                        ),
                        '[]'::JSONB
                    )
                FROM JSONB_ARRAY_ELEMENTS(adopt_transcript.segments::JSONB) WITH ORDINALITY AS s (value, n)
            )
        ELSE segments::JSONB
    END AS segments,
    language,
    language_confidence,
    created_at,
    updated_at
FROM adopt_transcript;

INSERT INTO captions (
    id, model, media_id, caption, frame_id, timestamp, created_at, updated_at
)
SELECT
    id,
    model,
    media_id,
    caption,
    frame_id,
    timestamp,
    created_at,
    updated_at
FROM adopt_caption;

INSERT INTO tasks (
    id, endpoint, data, status, priority, progress, result, num_retries, user_id,
    assigned_at, completed_at, created_at, updated_at
)
SELECT
    id,
    endpoint,
    data_json::JSONB AS data,
    LOWER(status) AS status,
    priority,
    progress,
    NULLIF(result::JSONB, 'null'::JSONB) AS result,
    num_retries,
    user_id,
    assigned_at,
    completed_at,
    created_at,
    updated_at
FROM adopt_tasks;

INSERT INTO webhooks (id, user_id, url, events, created_at, updated_at)
SELECT
    id,
    user_id,
    url,
    events,
    created_at,
    updated_at
FROM adopt_webhooks;

-- The identities go on after the highest adopted ids.
SELECT SETVAL(PG_GET_SERIAL_SEQUENCE('transcripts', 'id'), COALESCE(MAX(id), 1), MAX(id) IS NOT NULL)
FROM transcripts;
SELECT SETVAL(PG_GET_SERIAL_SEQUENCE('captions', 'id'), COALESCE(MAX(id), 1), MAX(id) IS NOT NULL)
FROM captions;

DROP TABLE adopt_media, adopt_video, adopt_transcript, adopt_caption, adopt_tasks, adopt_webhooks;
