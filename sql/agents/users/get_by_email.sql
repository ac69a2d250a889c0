-- One user by email.
-- returns: one User
SELECT
    id, first_name, last_name, email, profile_picture_url, created_at, modified_at
FROM users
WHERE email = :email;
