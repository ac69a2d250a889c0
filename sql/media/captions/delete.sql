-- Delete one caption by id; returns the number of rows deleted.
DELETE FROM captions
WHERE id = :id;
