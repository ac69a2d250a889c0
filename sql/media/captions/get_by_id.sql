-- One caption by id.
-- returns: one Caption
SELECT
    id, model, media_id, caption, frame_id, timestamp, created_at, updated_at
FROM captions
WHERE id = :id;
