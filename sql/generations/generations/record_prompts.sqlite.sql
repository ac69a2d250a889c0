-- Record the prompt usage of a batch of new generations in one statement: a
-- text listed n times in :texts (a JSON array) counts n uses. New prompts are
-- inserted, known ones have their count raised (GenerationDAO.create_many).
INSERT INTO prompts (text, used_count, first_used_at, last_used_at)
SELECT
    used.value AS text,
    COUNT(*) AS used_count,
    :now AS first_used_at,
    :now AS last_used_at
FROM JSON_EACH(:texts) AS used
GROUP BY used.value
ORDER BY used.value
ON CONFLICT (text) DO UPDATE
    SET
        used_count = prompts.used_count + excluded.used_count,
        last_used_at = excluded.last_used_at;
