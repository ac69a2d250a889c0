-- Captions newest first, optionally of one media and one model; keyset
-- paging: the page of ids below :after_id, at most :limit rows.
-- returns: many Caption
SELECT
    id, model, media_id, caption, frame_id, timestamp, created_at, updated_at
FROM captions
WHERE
    (CAST(:media_id AS TEXT) IS NULL OR media_id = :media_id)
    AND (CAST(:model AS TEXT) IS NULL OR model = :model)
    AND id < :after_id
ORDER BY id DESC
LIMIT :limit;
