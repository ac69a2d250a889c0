-- Phrase search: no schema change on SQLite. PostgreSQL's 0008 makes its
-- search columns split text as FTS5's unicode61 tokenizer here already does
-- (every character but letters and digits separates words), and adds an
-- index of adjacent word pairs, which FTS5 needs none of: it keeps each
-- word's positions.
--
-- Here each FTS5 index is merged into one b-tree ('optimize'): rows written
-- in many transactions leave an index in many segments, each of which a
-- query reads. Measured on the bench's 100,000 transcripts: a prefix 26 ->
-- 14 ms, an OR of two words 12 -> 8 ms (medians of 30). FTS5 merges
-- segments again as rows are written; running this again is harmless.
-- depends: 0007_search_terms.sqlite

INSERT INTO prompts_fts (prompts_fts) VALUES ('optimize');
INSERT INTO generations_fts (generations_fts) VALUES ('optimize');
INSERT INTO transcripts_fts (transcripts_fts) VALUES ('optimize');
