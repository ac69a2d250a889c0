-- Undo 0005: drop the full-text columns (their indexes go with them); the rows
-- they indexed stay.
ALTER TABLE transcripts DROP COLUMN search;
ALTER TABLE generations DROP COLUMN search;
ALTER TABLE prompts DROP COLUMN search;
