-- Insert one auth token; returns the stored row.
-- A user has one token.
-- returns: one AuthToken
INSERT INTO auth_tokens (
    id, user_id, refresh_token, created_at, modified_at
) VALUES (
    :id, :user_id, :refresh_token, :now, :now
)
RETURNING
    id, user_id, refresh_token, created_at, modified_at;
