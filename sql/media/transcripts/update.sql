-- Change the fields of a transcript the caller gave (the update convention:
-- :set_<field> says whether <field> was given); returns the row, or none if
-- there is no such transcript. The trigger stamps updated_at.
-- returns: one Transcript
UPDATE transcripts
SET
    transcript = CASE WHEN :set_transcript THEN :transcript ELSE transcript END,
    segments = CASE WHEN :set_segments THEN :segments ELSE segments END,
    language = CASE WHEN :set_language THEN :language ELSE language END,
    language_confidence = CASE
        WHEN :set_language_confidence THEN :language_confidence ELSE language_confidence
    END
WHERE id = :id
RETURNING
    id, model, media_id, transcript, segments, language, language_confidence,
    created_at, updated_at;
