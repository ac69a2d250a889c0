-- Adopt the media-AI SDK's database, step 2 of 2: copy its rows into the
-- tables 0002_media and 0003_tasks created. SQLAlchemy wrote naive UTC times
-- as 'YYYY-MM-DD HH:MM:SS[.ffffff]' and uuids as 32 hex digits; sqlstore
-- keeps fixed-width ISO-8601 UTC text and the uuid's canonical text. A video
-- takes its media row's times (the SDK keeps them there only); a NULL title
-- or description becomes ''. Task statuses are the SDK's enum names
-- ('NOT_FINISHED'), sqlstore's the values ('not_finished'); a JSON null
-- result is NULL. The SDK's segments keep their times in time_interval;
-- sqlstore's have start and end beside it, copied from there (a segment that
-- has them already keeps its own). A row sqlstore's checks refuse (a confidence out of 0..1,
-- an unknown webhook event, an id that is not 32 hex digits) fails the whole
-- adoption.
INSERT INTO media (id, media_type, created_at, updated_at)
SELECT
    id,
    media_type,
    STRFTIME('%Y-%m-%dT%H:%M:%S', created_at)
    || '.' || SUBSTR(SUBSTR(created_at, 21) || '000000', 1, 6) || '+00:00' AS created_at,
    STRFTIME('%Y-%m-%dT%H:%M:%S', updated_at)
    || '.' || SUBSTR(SUBSTR(updated_at, 21) || '000000', 1, 6) || '+00:00' AS updated_at
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
INNER JOIN media AS m ON v.id = m.id;

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
        WHEN JSON_TYPE(segments) = 'array'
            THEN (
                SELECT
                    JSON_GROUP_ARRAY(
                        JSON(
                            JSON_INSERT(
                                s.value,
                                '$.start', JSON_EXTRACT(s.value, '$.time_interval.start'),
                                '$.end', JSON_EXTRACT(s.value, '$.time_interval.end')
                            )
                        )
                    )
                FROM JSON_EACH(adopt_transcript.segments) AS s
            )
        ELSE segments
    END AS segments,
    language,
    language_confidence,
    STRFTIME('%Y-%m-%dT%H:%M:%S', created_at)
    || '.' || SUBSTR(SUBSTR(created_at, 21) || '000000', 1, 6) || '+00:00' AS created_at,
    STRFTIME('%Y-%m-%dT%H:%M:%S', updated_at)
    || '.' || SUBSTR(SUBSTR(updated_at, 21) || '000000', 1, 6) || '+00:00' AS updated_at
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
    STRFTIME('%Y-%m-%dT%H:%M:%S', created_at)
    || '.' || SUBSTR(SUBSTR(created_at, 21) || '000000', 1, 6) || '+00:00' AS created_at,
    STRFTIME('%Y-%m-%dT%H:%M:%S', updated_at)
    || '.' || SUBSTR(SUBSTR(updated_at, 21) || '000000', 1, 6) || '+00:00' AS updated_at
FROM adopt_caption;

INSERT INTO tasks (
    id, endpoint, data, status, priority, progress, result, num_retries, user_id,
    assigned_at, completed_at, created_at, updated_at
)
SELECT
    CASE
        WHEN LENGTH(id) = 32 AND id NOT GLOB '*[^0-9a-fA-F]*'
            THEN
                LOWER(
                    SUBSTR(id, 1, 8) || '-' || SUBSTR(id, 9, 4) || '-' || SUBSTR(id, 13, 4)
                    || '-' || SUBSTR(id, 17, 4) || '-' || SUBSTR(id, 21)
                )
    END AS id,
    endpoint,
    data_json AS data,
    LOWER(status) AS status,
    priority,
    progress,
    NULLIF(result, 'null') AS result,
    num_retries,
    user_id,
    STRFTIME('%Y-%m-%dT%H:%M:%S', assigned_at)
    || '.' || SUBSTR(SUBSTR(assigned_at, 21) || '000000', 1, 6) || '+00:00' AS assigned_at,
    STRFTIME('%Y-%m-%dT%H:%M:%S', completed_at)
    || '.' || SUBSTR(SUBSTR(completed_at, 21) || '000000', 1, 6) || '+00:00' AS completed_at,
    STRFTIME('%Y-%m-%dT%H:%M:%S', created_at)
    || '.' || SUBSTR(SUBSTR(created_at, 21) || '000000', 1, 6) || '+00:00' AS created_at,
    STRFTIME('%Y-%m-%dT%H:%M:%S', updated_at)
    || '.' || SUBSTR(SUBSTR(updated_at, 21) || '000000', 1, 6) || '+00:00' AS updated_at
FROM adopt_tasks;

INSERT INTO webhooks (id, user_id, url, events, created_at, updated_at)
SELECT
    CASE
        WHEN LENGTH(id) = 32 AND id NOT GLOB '*[^0-9a-fA-F]*'
            THEN
                LOWER(
                    SUBSTR(id, 1, 8) || '-' || SUBSTR(id, 9, 4) || '-' || SUBSTR(id, 13, 4)
                    || '-' || SUBSTR(id, 17, 4) || '-' || SUBSTR(id, 21)
                )
    END AS id,
    user_id,
    url,
    events,
    STRFTIME('%Y-%m-%dT%H:%M:%S', created_at)
    || '.' || SUBSTR(SUBSTR(created_at, 21) || '000000', 1, 6) || '+00:00' AS created_at,
    STRFTIME('%Y-%m-%dT%H:%M:%S', updated_at)
    || '.' || SUBSTR(SUBSTR(updated_at, 21) || '000000', 1, 6) || '+00:00' AS updated_at
FROM adopt_webhooks;

DROP TABLE adopt_media;
DROP TABLE adopt_video;
DROP TABLE adopt_transcript;
DROP TABLE adopt_caption;
DROP TABLE adopt_tasks;
DROP TABLE adopt_webhooks;
