-- Undo 0007: drop the word index of transcripts and what keeps it; the
-- transcripts and their FTS5 index stay.
DROP TRIGGER trg_transcripts_terms_update;
DROP TRIGGER trg_transcripts_terms_delete;
DROP TRIGGER trg_transcripts_terms_insert;
DROP TABLE transcript_tokens_words;
DROP TABLE transcript_tokens;
DROP TABLE transcript_terms;
