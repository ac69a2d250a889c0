-- Delete one auth token; the schema's cascades remove what hangs on it.
DELETE FROM auth_tokens
WHERE id = :id;
