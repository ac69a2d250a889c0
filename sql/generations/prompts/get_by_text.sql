-- One prompt by its exact text.
SELECT id, text, used_count, first_used_at, last_used_at
FROM prompts
WHERE text = :text;
