-- The title and description of one video.
SELECT title, description
FROM video
WHERE id = :id;
