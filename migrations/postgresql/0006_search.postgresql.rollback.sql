-- Undo 0005: drop the full-text columns (their indexes go with them); the rows
-- they indexed stay.
-- squawk-ignore-file require-lock-timeout -- reviewed: run in a maintenance window
-- squawk-ignore-file require-statement-timeout -- reviewed: drops columns, nothing slow
-- squawk-ignore-file prefer-robust-stmts -- reviewed: one transaction, all or nothing
ALTER TABLE transcripts DROP COLUMN search;
ALTER TABLE generations DROP COLUMN search;
ALTER TABLE prompts DROP COLUMN search;
