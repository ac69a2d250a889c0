-- Change the given fields of a generation.
-- A field changes only when its set_<field> flag is true, so a nullable
-- field (model_version, file_size_bytes) can be set to NULL.
-- returns: one Generation
UPDATE generations
SET
    model_version = CASE WHEN :set_model_version THEN :model_version ELSE model_version END,
    file_path = CASE WHEN :set_file_path THEN :file_path ELSE file_path END,
    file_size_bytes = CASE
        WHEN :set_file_size_bytes THEN :file_size_bytes ELSE file_size_bytes
    END,
    metadata = CASE WHEN :set_metadata THEN :metadata ELSE metadata END
WHERE id = :id
RETURNING
    id, prompt, model_name, model_version, status, duration_seconds, sample_rate, channels,
    file_path, file_size_bytes, generation_time_seconds, error_message, metadata,
    created_at, completed_at;
