-- Insert one generation job as pending; returns the stored row.
-- returns: one Generation
INSERT INTO generations (
    id, prompt, model_name, model_version, status, duration_seconds,
    sample_rate, channels, file_path, metadata, created_at
) VALUES (
    :id, :prompt, :model_name, :model_version, 'pending', :duration_seconds,
    :sample_rate, :channels, :file_path, :metadata, :created_at
)
RETURNING
    id, prompt, model_name, model_version, status, duration_seconds, sample_rate, channels,
    file_path, file_size_bytes, generation_time_seconds, error_message, metadata,
    created_at, completed_at;
