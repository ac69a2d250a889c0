-- Delete one media; its video row, transcripts and captions go with it
-- (ON DELETE CASCADE).
DELETE FROM media
WHERE id = :id;
