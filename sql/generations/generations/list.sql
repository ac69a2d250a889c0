-- Generations newest first, optionally of one status and one model (offset paging).
-- returns: many Generation
-- reviewed: full-scan: an optional filter (NULL: any) is planned for both cases; no index serves it
SELECT
    id, prompt, model_name, model_version, status, duration_seconds, sample_rate, channels,
    file_path, file_size_bytes, generation_time_seconds, error_message, metadata,
    created_at, completed_at
FROM generations
WHERE
    (CAST(:status AS TEXT) IS NULL OR status = :status)
    AND (CAST(:model_name AS TEXT) IS NULL OR model_name = :model_name)
ORDER BY created_at DESC, id DESC
LIMIT :limit OFFSET :offset;
