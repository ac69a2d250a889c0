-- Auth states in the order they were created (offset paging).
-- returns: many AuthState
SELECT
    id, state, destination_url, created_at, modified_at
FROM auth_states
ORDER BY created_at, id
LIMIT :limit OFFSET :offset;
