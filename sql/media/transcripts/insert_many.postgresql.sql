-- Insert many transcripts in one statement (TranscriptDAO.save_many). :rows is
-- a JSON array of objects with model, media_id, transcript, segments,
-- language and language_confidence; they are inserted in order, so their ids
-- grow in that order. Returns the ids written.
INSERT INTO transcripts (
    model, media_id, transcript, segments, language, language_confidence,
    created_at, updated_at
)
SELECT
    new.value ->> 'model' AS model,
    new.value ->> 'media_id' AS media_id,
    new.value ->> 'transcript' AS transcript,
    new.value -> 'segments' AS segments,
    new.value ->> 'language' AS language,
    CAST(new.value ->> 'language_confidence' AS DOUBLE PRECISION) AS language_confidence,
    :now AS created_at,
    :now AS updated_at
FROM JSONB_ARRAY_ELEMENTS(CAST(:rows AS JSONB)) WITH ORDINALITY AS new (value, n)
ORDER BY new.n
RETURNING id;
