-- Rebuild the generations' full-text index from the table: needed after a
-- VACUUM, which may renumber the rowids the index follows (generations has a
-- text key).
INSERT INTO generations_fts (generations_fts) VALUES ('rebuild');
