-- Undo 0008: there is nothing to undo, since merging an index's segments
-- changed none of what it holds. The rollback checks that: FTS5's
-- integrity-check (rank 1: against the table too) fails if they disagree.
INSERT INTO prompts_fts (prompts_fts, rank) VALUES ('integrity-check', 1);
INSERT INTO generations_fts (generations_fts, rank) VALUES ('integrity-check', 1);
INSERT INTO transcripts_fts (transcripts_fts, rank) VALUES ('integrity-check', 1);
