-- The page of generations after a given row, newest first (keyset paging on created_at, id).
-- returns: many Generation
SELECT
    id, prompt, model_name, model_version, status, duration_seconds, sample_rate, channels,
    file_path, file_size_bytes, generation_time_seconds, error_message, metadata,
    created_at, completed_at
FROM generations
WHERE
    (CAST(:status AS TEXT) IS NULL OR status = :status)
    AND (CAST(:model_name AS TEXT) IS NULL OR model_name = :model_name)
    AND (created_at, id) < (:after_created_at, :after_id)
ORDER BY created_at DESC, id DESC
LIMIT :limit;
