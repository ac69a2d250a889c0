-- SQLite's own check of the whole file: one row 'ok' when the database is sound.
SELECT integrity_check
FROM PRAGMA_INTEGRITY_CHECK();
