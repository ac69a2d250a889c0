-- Every operator (parity suite).
SELECT id, orchestrator_id, name, title, instructions, profile_picture_url, created_at, modified_at
FROM operators;
