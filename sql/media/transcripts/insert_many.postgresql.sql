-- Insert many transcripts in one statement (TranscriptDAO.save_many). :rows is
-- a JSON array of objects with model, media_id, transcript, segments,
-- language and language_confidence; they are inserted in order, so their ids
-- grow in that order. Returns the ids written.
INSERT INTO transcripts (
    model, media_id, transcript, segments, language, language_confidence,
    created_at, updated_at
)
SELECT
    new.model, new.media_id, new.transcript, new.segments, new.language,
    new.language_confidence, :now, :now
FROM ROWS FROM (
    JSONB_TO_RECORDSET(CAST(:rows AS JSONB))
    AS (
        model TEXT, media_id TEXT, transcript TEXT, segments JSONB, language TEXT,
        language_confidence DOUBLE PRECISION
    )
) WITH ORDINALITY AS new (
    model, media_id, transcript, segments, language, language_confidence, n
)
ORDER BY new.n
RETURNING id;
