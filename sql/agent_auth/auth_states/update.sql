-- Change the given fields of one auth state.
-- A field changes only when its set_<field> flag is true, so a nullable
-- field can be set to NULL; modified_at always changes.
-- returns: one AuthState
UPDATE auth_states
SET
    state = CASE WHEN :set_state THEN :state ELSE state END,
    destination_url = CASE
        WHEN :set_destination_url THEN :destination_url ELSE destination_url
    END,
    modified_at = :now
WHERE id = :id
RETURNING
    id, state, destination_url, created_at, modified_at;
