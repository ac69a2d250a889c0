-- Orchestrators in the order they were created, of one user (NULL: every user).
-- returns: many Orchestrator
-- reviewed: full-scan: an optional filter (NULL: any) is planned for both cases; no index serves it
SELECT
    id, user_id, type, name, created_at, modified_at
FROM orchestrators
WHERE user_id = COALESCE(:user_id, user_id)
ORDER BY created_at, id
LIMIT :limit OFFSET :offset;
