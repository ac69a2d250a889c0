-- Change the given fields of a generation; a NULL parameter leaves its field as it is.
UPDATE generations
SET
    model_version = COALESCE(:model_version, model_version),
    file_path = COALESCE(:file_path, file_path),
    file_size_bytes = COALESCE(:file_size_bytes, file_size_bytes),
    metadata = COALESCE(:metadata, metadata)
WHERE id = :id
RETURNING
    id, prompt, model_name, model_version, status, duration_seconds, sample_rate, channels,
    file_path, file_size_bytes, generation_time_seconds, error_message, metadata,
    created_at, completed_at;
