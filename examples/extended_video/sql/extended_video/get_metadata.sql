-- The title, description and duration of one extended video.
SELECT v.title, v.description, x.duration
FROM video AS v
INNER JOIN extended_video AS x ON v.id = x.id
WHERE v.id = :id;
