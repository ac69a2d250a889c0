-- Change the given fields of one auth token.
-- A field changes only when its set_<field> flag is true, so a nullable
-- field can be set to NULL; modified_at always changes.
-- returns: one AuthToken
UPDATE auth_tokens
SET
    refresh_token = CASE WHEN :set_refresh_token THEN :refresh_token ELSE refresh_token END,
    modified_at = :now
WHERE id = :id
RETURNING
    id, user_id, refresh_token, created_at, modified_at;
