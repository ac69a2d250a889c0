-- Record one use of a prompt in one atomic statement: insert it with a count
-- of 1, or add 1 to the count of the existing row.
INSERT INTO prompts (text, used_count, first_used_at, last_used_at)
VALUES (:text, 1, :now, :now)
ON CONFLICT (text) DO UPDATE
    SET
        used_count = prompts.used_count + 1,
        last_used_at = excluded.last_used_at
RETURNING id, text, used_count, first_used_at, last_used_at;
