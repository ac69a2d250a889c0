-- The title and description of one video.
-- returns: one VideoMetadata
SELECT title, description
FROM video
WHERE id = :id;
