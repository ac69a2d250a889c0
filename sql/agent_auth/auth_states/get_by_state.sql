-- One auth state by its state string.
-- returns: one AuthState
SELECT
    id, state, destination_url, created_at, modified_at
FROM auth_states
WHERE state = :state;
