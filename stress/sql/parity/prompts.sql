-- Every prompt with its usage (parity suite).
SELECT id, text, used_count, first_used_at, last_used_at
FROM prompts;
