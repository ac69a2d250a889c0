-- Move a generation to a new status, only from one of the allowed statuses.
-- A finished status (completed, failed) stamps completed_at.
-- returns: one Generation
UPDATE generations
SET
    status = :status,
    error_message = :error_message,
    completed_at = CASE
        WHEN :status IN ('completed', 'failed') THEN :now ELSE completed_at
    END
WHERE id = :id AND status = ANY(:from_statuses)
RETURNING
    id, prompt, model_name, model_version, status, duration_seconds, sample_rate, channels,
    file_path, file_size_bytes, generation_time_seconds, error_message, metadata,
    created_at, completed_at;
