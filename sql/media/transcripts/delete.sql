-- Delete one transcript by id; returns the number of rows deleted.
DELETE FROM transcripts
WHERE id = :id;
