-- Transcripts newest first, optionally of one media and one model; keyset
-- paging: the page of ids below :after_id, at most :limit rows.
-- returns: many Transcript
SELECT
    id, model, media_id, transcript, segments, language, language_confidence,
    created_at, updated_at
FROM transcripts
WHERE
    (CAST(:media_id AS TEXT) IS NULL OR media_id = :media_id)
    AND (CAST(:model AS TEXT) IS NULL OR model = :model)
    AND id < :after_id
ORDER BY id DESC
LIMIT :limit;
