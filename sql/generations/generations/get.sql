-- One generation by id.
-- returns: one Generation
SELECT
    id, prompt, model_name, model_version, status, duration_seconds, sample_rate, channels,
    file_path, file_size_bytes, generation_time_seconds, error_message, metadata,
    created_at, completed_at
FROM generations
WHERE id = :id;
