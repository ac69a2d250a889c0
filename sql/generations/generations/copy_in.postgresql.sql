-- Bulk-load pending generation jobs with COPY, PostgreSQL's fastest path
-- (GenerationDAO.create_many). Each row holds these columns in this order;
-- status takes its default, 'pending'.
COPY generations (
    id, prompt, model_name, model_version, duration_seconds,
    sample_rate, channels, file_path, metadata, created_at
) FROM STDIN;
