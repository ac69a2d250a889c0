-- Insert one transcript of a media by a model; returns the stored row.
-- returns: one Transcript
INSERT INTO transcripts (
    model, media_id, transcript, segments, language, language_confidence,
    created_at, updated_at
) VALUES (
    :model, :media_id, :transcript, :segments, :language, :language_confidence,
    :now, :now
)
RETURNING
    id, model, media_id, transcript, segments, language, language_confidence,
    created_at, updated_at;
