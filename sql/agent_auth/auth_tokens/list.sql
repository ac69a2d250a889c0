-- Auth tokens in the order they were created (offset paging).
-- returns: many AuthToken
SELECT
    id, user_id, refresh_token, created_at, modified_at
FROM auth_tokens
ORDER BY created_at, id
LIMIT :limit OFFSET :offset;
