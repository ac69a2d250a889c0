-- Undo 0005: drop the full-text indexes and the triggers that fill them; the
-- rows they indexed stay.
DROP TRIGGER trg_transcripts_fts_update;
DROP TRIGGER trg_transcripts_fts_delete;
DROP TRIGGER trg_transcripts_fts_insert;
DROP TABLE transcripts_fts;
DROP TRIGGER trg_generations_fts_update;
DROP TRIGGER trg_generations_fts_delete;
DROP TRIGGER trg_generations_fts_insert;
DROP TABLE generations_fts;
DROP TRIGGER trg_prompts_fts_update;
DROP TRIGGER trg_prompts_fts_delete;
DROP TRIGGER trg_prompts_fts_insert;
DROP TABLE prompts_fts;
