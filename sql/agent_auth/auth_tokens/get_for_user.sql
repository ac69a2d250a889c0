-- The token of one user.
-- returns: one AuthToken
SELECT
    id, user_id, refresh_token, created_at, modified_at
FROM auth_tokens
WHERE user_id = :user_id;
