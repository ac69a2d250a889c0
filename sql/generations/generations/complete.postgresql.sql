-- Mark a pending or processing generation completed: timing, file size,
-- completed_at, and the new metadata merged into the old (new keys win).
-- returns: one Generation
UPDATE generations
SET
    status = 'completed',
    generation_time_seconds = :generation_time_seconds,
    file_size_bytes = :file_size_bytes,
    completed_at = :now,
    metadata = metadata || :metadata
WHERE id = :id AND status IN ('pending', 'processing')
RETURNING
    id, prompt, model_name, model_version, status, duration_seconds, sample_rate, channels,
    file_path, file_size_bytes, generation_time_seconds, error_message, metadata,
    created_at, completed_at;
