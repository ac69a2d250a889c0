-- Insert many transcripts in one statement (TranscriptDAO.save_many). :rows is
-- a JSON array of objects with model, media_id, transcript, segments,
-- language and language_confidence; they are inserted in order, so their ids
-- grow in that order. Returns the ids written.
INSERT INTO transcripts (
    model, media_id, transcript, segments, language, language_confidence,
    created_at, updated_at
)
SELECT
    JSON_EXTRACT(new.value, '$.model') AS model,
    JSON_EXTRACT(new.value, '$.media_id') AS media_id,
    JSON_EXTRACT(new.value, '$.transcript') AS transcript,
    JSON_EXTRACT(new.value, '$.segments') AS segments,
    JSON_EXTRACT(new.value, '$.language') AS language,
    JSON_EXTRACT(new.value, '$.language_confidence') AS language_confidence,
    :now AS created_at,
    :now AS updated_at
FROM JSON_EACH(:rows) AS new
ORDER BY new.key
RETURNING id;
