-- Full-text search on prompts, generation prompts and transcripts: a stored
-- generated tsvector column each (filled from the rows already there as the
-- column is added) and a GIN index on it. The 'simple' configuration keeps
-- every word and does no stemming, as SQLite's FTS5 tables: both dialects
-- match the same words.
--
-- Adding a stored generated column rewrites the table under an ACCESS
-- EXCLUSIVE lock, and the indexes are built without CONCURRENTLY: yoyo runs
-- each migration in one transaction (all or nothing, our migration rule), and
-- CREATE INDEX CONCURRENTLY cannot run in one. On a table too large to lock
-- for the rewrite, apply the steps by hand first (docs/migrations.md).
-- depends: 0005_keyset_indexes.postgresql
-- reviewed: dialects-differ (generations.search, prompts.search, transcripts.search, ix_generations_search, ix_prompts_search, ix_transcripts_search): SQLite keeps the same index in FTS5 tables, which the catalog leaves out
-- squawk-ignore-file adding-field-with-default -- reviewed: the rewrite is what fills existing rows; see above
-- squawk-ignore-file prefer-robust-stmts -- reviewed: one transaction, all or nothing: never rerun half-done
-- squawk-ignore-file require-lock-timeout -- reviewed: set by the caller for a busy table; see above
-- squawk-ignore-file require-statement-timeout -- reviewed: the rewrite of a large table takes its time
-- squawk-ignore-file require-concurrent-index-creation -- reviewed: not possible in a transaction; see above

ALTER TABLE prompts ADD COLUMN search TSVECTOR
GENERATED ALWAYS AS (TO_TSVECTOR('simple', text)) STORED;
CREATE INDEX ix_prompts_search ON prompts USING gin (search);

ALTER TABLE generations ADD COLUMN search TSVECTOR
GENERATED ALWAYS AS (TO_TSVECTOR('simple', prompt)) STORED;
CREATE INDEX ix_generations_search ON generations USING gin (search);

ALTER TABLE transcripts ADD COLUMN search TSVECTOR
GENERATED ALWAYS AS (TO_TSVECTOR('simple', transcript)) STORED;
CREATE INDEX ix_transcripts_search ON transcripts USING gin (search);
