-- Whether a media with this id exists (1 or 0 rows).
SELECT 1 AS found
FROM media
WHERE id = :id;
