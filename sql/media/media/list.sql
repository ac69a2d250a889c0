-- Media newest first, optionally of one type; keyset paging: the page after
-- the row (:after_created_at, :after_id), at most :limit rows (MediaDAO.list).
-- returns: many Media
SELECT id, media_type, created_at, updated_at
FROM media
WHERE
    (CAST(:media_type AS TEXT) IS NULL OR media_type = :media_type)
    AND (created_at, id) < (:after_created_at, :after_id)
ORDER BY created_at DESC, id DESC
LIMIT :limit;
