-- Delete one auth state; the schema's cascades remove what hangs on it.
DELETE FROM auth_states
WHERE id = :id;
