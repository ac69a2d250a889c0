-- Delete one user; the schema's cascades remove what hangs on it.
DELETE FROM users
WHERE id = :id;
