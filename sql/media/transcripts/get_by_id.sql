-- One transcript by id.
-- returns: one Transcript
SELECT
    id, model, media_id, transcript, segments, language, language_confidence,
    created_at, updated_at
FROM transcripts
WHERE id = :id;
