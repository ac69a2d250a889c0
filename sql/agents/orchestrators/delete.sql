-- Delete one orchestrator of one user (NULL: any user); the schema's cascades remove what hangs on it.
-- reviewed: full-scan: SQLite only: the scan is the ON DELETE CASCADE into projects, whose only
--    index leading orchestrator_id is partial (uq_projects_orchestrator_name); a plain index on
--    projects (orchestrator_id) would serve it
DELETE FROM orchestrators
WHERE id = :id AND user_id = COALESCE(:user_id, user_id);
