-- Insert many captions in one statement (CaptionDAO.save_all). :rows is a JSON
-- array of objects with model, media_id, caption, frame_id and timestamp;
-- they are inserted in order, so their ids grow in that order. Returns the
-- ids written.
INSERT INTO captions (
    model, media_id, caption, frame_id, timestamp, created_at, updated_at
)
SELECT
    JSON_EXTRACT(new.value, '$.model') AS model,
    JSON_EXTRACT(new.value, '$.media_id') AS media_id,
    JSON_EXTRACT(new.value, '$.caption') AS caption,
    JSON_EXTRACT(new.value, '$.frame_id') AS frame_id,
    JSON_EXTRACT(new.value, '$.timestamp') AS timestamp,
    :now AS created_at,
    :now AS updated_at
FROM JSON_EACH(:rows) AS new
ORDER BY new.key
RETURNING id;
