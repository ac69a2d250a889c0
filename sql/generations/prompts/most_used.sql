-- The most used prompts first; ties go to the most recently used.
-- returns: many Prompt
SELECT id, text, used_count, first_used_at, last_used_at
FROM prompts
ORDER BY used_count DESC, last_used_at DESC, id ASC
LIMIT :limit;
