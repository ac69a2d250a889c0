-- The processing status of one extended video.
SELECT status
FROM extended_video
WHERE id = :id;
