-- One prompt by its exact text.
-- returns: one Prompt
SELECT id, text, used_count, first_used_at, last_used_at
FROM prompts
WHERE text = :text;
