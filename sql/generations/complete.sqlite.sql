-- Mark a pending or processing generation completed: timing, file size,
-- completed_at, and the new metadata merged into the old (new keys win).
UPDATE generations
SET
    status = 'completed',
    generation_time_seconds = :generation_time_seconds,
    file_size_bytes = :file_size_bytes,
    completed_at = :now,
    metadata = (
        -- A shallow merge, like jsonb ||: new keys win, nested values are kept whole.
        SELECT JSON_GROUP_OBJECT(
            merged.key,
            CASE merged.type
                WHEN 'true' THEN JSON('true')
                WHEN 'false' THEN JSON('false')
                WHEN 'object' THEN JSON(merged.value)
                WHEN 'array' THEN JSON(merged.value)
                ELSE merged.value
            END
        )
        FROM (
            SELECT old.key, old.value, old.type
            FROM JSON_EACH(generations.metadata) AS old
            WHERE old.key NOT IN (SELECT new.key FROM JSON_EACH(:metadata) AS new)
            UNION ALL
            SELECT new.key, new.value, new.type
            FROM JSON_EACH(:metadata) AS new
        ) AS merged
    )
WHERE id = :id AND status IN ('pending', 'processing')
RETURNING
    id, prompt, model_name, model_version, status, duration_seconds, sample_rate, channels,
    file_path, file_size_bytes, generation_time_seconds, error_message, metadata,
    created_at, completed_at;
