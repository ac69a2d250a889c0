-- Test only: a raw UPDATE of a media's transcripts that does not name updated_at.
UPDATE transcripts
SET language = :language
WHERE media_id = :media_id;
