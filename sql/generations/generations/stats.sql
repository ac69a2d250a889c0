-- Generations by status and the number of distinct prompts, with the
-- music service's key names.
SELECT
    COUNT(*) AS total_generations,
    COUNT(CASE WHEN status = 'pending' THEN 1 END) AS pending_generations,
    COUNT(CASE WHEN status = 'processing' THEN 1 END) AS processing_generations,
    COUNT(CASE WHEN status = 'completed' THEN 1 END) AS completed_generations,
    COUNT(CASE WHEN status = 'failed' THEN 1 END) AS failed_generations,
    (SELECT COUNT(*) FROM prompts) AS total_prompts
FROM generations;
