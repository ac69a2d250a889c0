-- Insert one auth state; returns the stored row.
-- The state must be unique.
-- returns: one AuthState
INSERT INTO auth_states (
    id, state, destination_url, created_at, modified_at
) VALUES (
    :id, :state, :destination_url, :now, :now
)
RETURNING
    id, state, destination_url, created_at, modified_at;
