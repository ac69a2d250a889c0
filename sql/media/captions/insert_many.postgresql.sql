-- Insert many captions in one statement (CaptionDAO.save_all). :rows is a JSON
-- array of objects with model, media_id, caption, frame_id and timestamp;
-- they are inserted in order, so their ids grow in that order. Returns the
-- ids written.
INSERT INTO captions (
    model, media_id, caption, frame_id, timestamp, created_at, updated_at
)
SELECT new.model, new.media_id, new.caption, new.frame_id, new.timestamp, :now, :now
FROM ROWS FROM (
    JSONB_TO_RECORDSET(CAST(:rows AS JSONB))
    AS (model TEXT, media_id TEXT, caption TEXT, frame_id INTEGER, timestamp DOUBLE PRECISION)
) WITH ORDINALITY AS new (model, media_id, caption, frame_id, timestamp, n)
ORDER BY new.n
RETURNING id;
