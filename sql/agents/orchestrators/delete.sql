-- Delete one orchestrator of one user (NULL: any user); the schema's cascades remove what hangs on it.
DELETE FROM orchestrators
WHERE id = :id AND user_id = COALESCE(:user_id, user_id);
