-- Full-text search on prompts, generation prompts and transcripts: one FTS5
-- table each, with external content (the text stays in its own table, the FTS
-- table holds only the index), kept in step by triggers, and filled from the
-- rows already there. The tokenizer keeps diacritics and does no stemming, as
-- PostgreSQL's 'simple' configuration: both dialects match the same words.
-- depends: 0005_keyset_indexes.sqlite

CREATE VIRTUAL TABLE prompts_fts USING fts5 (
    text,
    content = 'prompts',
    content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 0'
);

CREATE TRIGGER trg_prompts_fts_insert
AFTER INSERT ON prompts
FOR EACH ROW
BEGIN
    INSERT INTO prompts_fts (rowid, text) VALUES (new.id, new.text);
END;

CREATE TRIGGER trg_prompts_fts_delete
AFTER DELETE ON prompts
FOR EACH ROW
BEGIN
    INSERT INTO prompts_fts (prompts_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;

CREATE TRIGGER trg_prompts_fts_update
AFTER UPDATE OF text ON prompts
FOR EACH ROW
BEGIN
    INSERT INTO prompts_fts (prompts_fts, rowid, text) VALUES ('delete', old.id, old.text);
    INSERT INTO prompts_fts (rowid, text) VALUES (new.id, new.text);
END;

INSERT INTO prompts_fts (prompts_fts) VALUES ('rebuild');

-- generations has a text key, so its FTS rows follow the table's rowid. A
-- VACUUM may renumber the rowids of such a table: rebuild the index after one
-- (GenerationDAO.rebuild_search, see docs/stores/generations.md).
CREATE VIRTUAL TABLE generations_fts USING fts5 (
    prompt,
    content = 'generations',
    tokenize = 'unicode61 remove_diacritics 0'
);

CREATE TRIGGER trg_generations_fts_insert
AFTER INSERT ON generations
FOR EACH ROW
BEGIN
    INSERT INTO generations_fts (rowid, prompt) VALUES (new.rowid, new.prompt);
END;

CREATE TRIGGER trg_generations_fts_delete
AFTER DELETE ON generations
FOR EACH ROW
BEGIN
    INSERT INTO generations_fts (generations_fts, rowid, prompt)
    VALUES ('delete', old.rowid, old.prompt);
END;

CREATE TRIGGER trg_generations_fts_update
AFTER UPDATE OF prompt ON generations
FOR EACH ROW
BEGIN
    INSERT INTO generations_fts (generations_fts, rowid, prompt)
    VALUES ('delete', old.rowid, old.prompt);
    INSERT INTO generations_fts (rowid, prompt) VALUES (new.rowid, new.prompt);
END;

INSERT INTO generations_fts (generations_fts) VALUES ('rebuild');

CREATE VIRTUAL TABLE transcripts_fts USING fts5 (
    transcript,
    content = 'transcripts',
    content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 0'
);

CREATE TRIGGER trg_transcripts_fts_insert
AFTER INSERT ON transcripts
FOR EACH ROW
BEGIN
    INSERT INTO transcripts_fts (rowid, transcript) VALUES (new.id, new.transcript);
END;

CREATE TRIGGER trg_transcripts_fts_delete
AFTER DELETE ON transcripts
FOR EACH ROW
BEGIN
    INSERT INTO transcripts_fts (transcripts_fts, rowid, transcript)
    VALUES ('delete', old.id, old.transcript);
END;

CREATE TRIGGER trg_transcripts_fts_update
AFTER UPDATE OF transcript ON transcripts
FOR EACH ROW
BEGIN
    INSERT INTO transcripts_fts (transcripts_fts, rowid, transcript)
    VALUES ('delete', old.id, old.transcript);
    INSERT INTO transcripts_fts (rowid, transcript) VALUES (new.id, new.transcript);
END;

INSERT INTO transcripts_fts (transcripts_fts) VALUES ('rebuild');
