-- Rebuild the generations' full-text index. The tsvector column is generated,
-- so it is always current; this only rebuilds its GIN index, as SQLite's
-- rebuild does its FTS5 table.
REINDEX INDEX ix_generations_search;
