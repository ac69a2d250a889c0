-- Undo 0001: drop the prompt analytics and generation jobs.
DROP TABLE prompts;
DROP TABLE generations;
