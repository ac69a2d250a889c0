-- The latest transcript of a media by a model.
-- returns: one Transcript
SELECT
    id, model, media_id, transcript, segments, language, language_confidence,
    created_at, updated_at
FROM transcripts
WHERE media_id = :media_id AND model = :model
ORDER BY id DESC
LIMIT 1;
