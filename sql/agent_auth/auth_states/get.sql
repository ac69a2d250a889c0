-- One auth state by id.
-- returns: one AuthState
SELECT
    id, state, destination_url, created_at, modified_at
FROM auth_states
WHERE id = :id;
