-- Videos newest first (media and video rows joined); keyset paging: the page
-- after the row (:after_created_at, :after_id), at most :limit rows.
-- returns: many Video
SELECT
    m.id, m.media_type, v.path, v.url, v.title, v.description,
    v.created_at, v.updated_at
FROM video AS v
INNER JOIN media AS m ON v.id = m.id
WHERE (v.created_at, v.id) < (:after_created_at, :after_id)
ORDER BY v.created_at DESC, v.id DESC
LIMIT :limit;
