-- Bulk-insert pending generation jobs, run once per row in one batch where
-- there is no COPY (GenerationDAO.create_many on SQLite). The parameters name
-- the columns of copy_in.postgresql.sql in the same order; status takes its
-- default, 'pending'.
INSERT INTO generations (
    id, prompt, model_name, model_version, duration_seconds,
    sample_rate, channels, file_path, metadata, created_at
) VALUES (
    :id, :prompt, :model_name, :model_version, :duration_seconds,
    :sample_rate, :channels, :file_path, :metadata, :created_at
);
