-- One auth token by id.
-- returns: one AuthToken
SELECT
    id, user_id, refresh_token, created_at, modified_at
FROM auth_tokens
WHERE id = :id;
