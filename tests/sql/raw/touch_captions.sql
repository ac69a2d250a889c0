-- Test only: a raw UPDATE of a media's captions that does not name updated_at.
UPDATE captions
SET caption = UPPER(caption)
WHERE media_id = :media_id;
