-- Undo 0007: drop the word index of transcripts and what keeps it; the
-- transcripts and their tsvector column stay.
-- squawk-ignore-file require-lock-timeout -- reviewed: run in a maintenance window
-- squawk-ignore-file require-statement-timeout -- reviewed: drops, nothing slow
-- squawk-ignore-file prefer-robust-stmts -- reviewed: one transaction, all or nothing
DROP TRIGGER trg_transcripts_terms_update ON transcripts;
DROP TRIGGER trg_transcripts_terms_delete ON transcripts;
DROP TRIGGER trg_transcripts_terms_insert ON transcripts;
DROP FUNCTION transcripts_sync_terms();
DROP FUNCTION transcript_terms_of(BIGINT, TSVECTOR);
DROP TABLE transcript_terms;
