-- Insert a generation bypassing the models, to reach the database's own checks.
INSERT INTO generations (
    id, prompt, model_name, duration_seconds, sample_rate, channels, file_path, metadata, created_at
) VALUES (
    :id, 'p', 'm', :duration_seconds, 44100, :channels, 'f.wav', :metadata, :created_at
);
