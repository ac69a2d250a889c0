-- Every tool (parity suite).
SELECT id, name, created_at, modified_at
FROM tools;
