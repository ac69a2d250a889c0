-- Change the given fields of one user.
-- A field changes only when its set_<field> flag is true, so a nullable
-- field can be set to NULL; modified_at always changes.
-- returns: one User
UPDATE users
SET
    first_name = CASE WHEN :set_first_name THEN :first_name ELSE first_name END,
    last_name = CASE WHEN :set_last_name THEN :last_name ELSE last_name END,
    profile_picture_url = CASE
        WHEN :set_profile_picture_url THEN :profile_picture_url ELSE profile_picture_url
    END,
    modified_at = :now
WHERE id = :id
RETURNING
    id, first_name, last_name, email, profile_picture_url, created_at, modified_at;
