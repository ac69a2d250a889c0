-- Delete a video: its media row, and with it (ON DELETE CASCADE) the video
-- row, transcripts and captions. A media that is not a video is left alone.
DELETE FROM media
WHERE
    id = :id
    AND EXISTS (SELECT 1 FROM video WHERE video.id = media.id);
