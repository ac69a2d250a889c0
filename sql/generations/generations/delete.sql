-- Delete one generation.
DELETE FROM generations
WHERE id = :id;
