-- One orchestrator of a user by name.
-- returns: one Orchestrator
SELECT
    id, user_id, type, name, created_at, modified_at
FROM orchestrators
WHERE user_id = :user_id AND name = :name;
