-- One orchestrator of a user by name.
SELECT
    id, user_id, type, name, created_at, modified_at
FROM orchestrators
WHERE user_id = :user_id AND name = :name;
