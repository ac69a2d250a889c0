-- One video by media id: its media row joined with its video row.
-- returns: one Video
SELECT
    m.id, m.media_type, v.path, v.url, v.title, v.description,
    v.created_at, v.updated_at
FROM media AS m
INNER JOIN video AS v ON m.id = v.id
WHERE m.id = :id;
