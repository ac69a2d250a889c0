-- Undo 0001: drop the prompt analytics and generation jobs.
-- squawk-ignore-file require-lock-timeout -- reviewed: run in a maintenance window
-- squawk-ignore-file require-statement-timeout -- reviewed: drops tables, nothing slow
DROP TABLE prompts;
DROP TABLE generations;
