-- Insert one user; returns the stored row.
-- The email must be unique.
-- returns: one User
INSERT INTO users (
    id, first_name, last_name, email, profile_picture_url, created_at, modified_at
) VALUES (
    :id, :first_name, :last_name, :email, :profile_picture_url, :now, :now
)
RETURNING
    id, first_name, last_name, email, profile_picture_url, created_at, modified_at;
