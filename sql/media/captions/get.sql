-- The captions of a media by a model, in frame order.
-- returns: many Caption
SELECT
    id, model, media_id, caption, frame_id, timestamp, created_at, updated_at
FROM captions
WHERE media_id = :media_id AND model = :model
ORDER BY frame_id ASC, id ASC;
