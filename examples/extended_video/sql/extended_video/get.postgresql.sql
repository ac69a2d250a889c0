-- One extended video by media id: media, video and extended_video rows
-- joined. It was updated when either its video or its extended row was.
SELECT
    m.id, m.media_type, v.path, v.url, v.title, v.description,
    x.duration, x.status, v.created_at,
    GREATEST(v.updated_at, x.updated_at) AS updated_at
FROM media AS m
INNER JOIN video AS v ON m.id = v.id
INNER JOIN extended_video AS x ON v.id = x.id
WHERE m.id = :id;
