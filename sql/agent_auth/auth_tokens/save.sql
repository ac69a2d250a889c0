-- Store a user's token in one atomic statement: insert it, or replace the
-- token the user already has.
-- returns: one AuthToken
INSERT INTO auth_tokens (
    id, user_id, refresh_token, created_at, modified_at
) VALUES (
    :id, :user_id, :refresh_token, :now, :now
)
ON CONFLICT (user_id) DO UPDATE
    SET
        refresh_token = excluded.refresh_token,
        modified_at = excluded.modified_at
RETURNING
    id, user_id, refresh_token, created_at, modified_at;
