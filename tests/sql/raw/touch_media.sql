-- Test only: a raw UPDATE of a media row that does not name updated_at.
UPDATE media
SET media_type = media_type
WHERE id = :id;
