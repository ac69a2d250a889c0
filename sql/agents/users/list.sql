-- Users in the order they were created (offset paging).
-- returns: many User
SELECT
    id, first_name, last_name, email, profile_picture_url, created_at, modified_at
FROM users
ORDER BY created_at, id
LIMIT :limit OFFSET :offset;
