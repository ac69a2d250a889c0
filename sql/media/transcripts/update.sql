-- Change the fields of a transcript the caller gave (the update convention:
-- :set_<field> says whether <field> was given). The table's trigger stamps
-- updated_at (read the row again afterwards: on SQLite, RETURNING would not
-- see what the AFTER trigger wrote).
UPDATE transcripts
SET
    transcript = CASE WHEN :set_transcript THEN :transcript ELSE transcript END,
    segments = CASE WHEN :set_segments THEN :segments ELSE segments END,
    language = CASE WHEN :set_language THEN :language ELSE language END,
    language_confidence = CASE
        WHEN :set_language_confidence THEN :language_confidence ELSE language_confidence
    END
WHERE id = :id;
