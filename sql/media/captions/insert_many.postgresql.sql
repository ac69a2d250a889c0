-- Insert many captions in one statement (CaptionDAO.save_all). :rows is a JSON
-- array of objects with model, media_id, caption, frame_id and timestamp;
-- they are inserted in order, so their ids grow in that order. Returns the
-- ids written.
INSERT INTO captions (
    model, media_id, caption, frame_id, timestamp, created_at, updated_at
)
SELECT
    new.value ->> 'model' AS model,
    new.value ->> 'media_id' AS media_id,
    new.value ->> 'caption' AS caption,
    CAST(new.value ->> 'frame_id' AS INTEGER) AS frame_id,
    CAST(new.value ->> 'timestamp' AS DOUBLE PRECISION) AS timestamp,
    :now AS created_at,
    :now AS updated_at
FROM JSONB_ARRAY_ELEMENTS(CAST(:rows AS JSONB)) WITH ORDINALITY AS new (value, n)
ORDER BY new.n
RETURNING id;
