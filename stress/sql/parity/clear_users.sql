-- Empty users between two examples of the parity suite.
DELETE FROM users;
