-- Record the prompt usage of a batch of new generations in one statement: a
-- text listed n times in :texts (an array) counts n uses. New prompts are
-- inserted, known ones have their count raised (GenerationDAO.create_many).
-- Sorted, so two batches lock the prompts they share in the same order.
INSERT INTO prompts (text, used_count, first_used_at, last_used_at)
SELECT
    used.text,
    COUNT(*) AS used_count,
    :now AS first_used_at,
    :now AS last_used_at
FROM UNNEST(CAST(:texts AS TEXT[])) AS used (text)
GROUP BY used.text
ORDER BY used.text
ON CONFLICT (text) DO UPDATE
    SET
        used_count = prompts.used_count + excluded.used_count,
        last_used_at = excluded.last_used_at;
