-- Mark a pending or processing generation completed: timing, file size,
-- completed_at, and the new metadata merged into the old (new keys win).
-- returns: one Generation
UPDATE generations
SET
    status = 'completed',
    generation_time_seconds = :generation_time_seconds,
    file_size_bytes = :file_size_bytes,
    completed_at = :now,
    metadata = (
        -- A shallow merge, like jsonb ||: new keys win, nested values are kept whole.
        -- Each value is copied as its JSON text (->), so numbers keep every digit
        -- (json_each's value would be re-written with 15). SQLite's paths cannot
        -- name a key holding a double quote: such a value is rebuilt from json_each.
        SELECT JSON_GROUP_OBJECT(merged.key, JSON(merged.value))
        FROM (
            SELECT
                old.key,
                COALESCE(
                    generations.metadata -> old.fullkey,
                    CASE old.type
                        WHEN 'real' THEN PRINTF('%!.17g', old.value)
                        WHEN 'text' THEN JSON_QUOTE(old.value)
                        WHEN 'null' THEN 'null'
                        WHEN 'true' THEN 'true'
                        WHEN 'false' THEN 'false'
                        ELSE old.value
                    END
                ) AS value
            FROM JSON_EACH(generations.metadata) AS old
            WHERE old.key NOT IN (SELECT new.key FROM JSON_EACH(:metadata) AS new)
            UNION ALL
            SELECT
                new.key,
                COALESCE(
                    :metadata -> new.fullkey,
                    CASE new.type
                        WHEN 'real' THEN PRINTF('%!.17g', new.value)
                        WHEN 'text' THEN JSON_QUOTE(new.value)
                        WHEN 'null' THEN 'null'
                        WHEN 'true' THEN 'true'
                        WHEN 'false' THEN 'false'
                        ELSE new.value
                    END
                ) AS value
            FROM JSON_EACH(:metadata) AS new
        ) AS merged
    )
WHERE id = :id AND status IN ('pending', 'processing')
RETURNING
    id, prompt, model_name, model_version, status, duration_seconds, sample_rate, channels,
    file_path, file_size_bytes, generation_time_seconds, error_message, metadata,
    created_at, completed_at;
