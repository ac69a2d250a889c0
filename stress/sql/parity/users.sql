-- Every user (parity suite: compared between dialects and with its model).
SELECT id, first_name, last_name, email, profile_picture_url, created_at, modified_at
FROM users;
