-- One orchestrator by id of one user (NULL: any user).
-- returns: one Orchestrator
SELECT
    id, user_id, type, name, created_at, modified_at
FROM orchestrators
WHERE id = :id AND user_id = COALESCE(:user_id, user_id);
