-- Returns the typed values a dialect hands back, to compare dialects.
SELECT
    id, created_at, metadata
FROM generations
WHERE id = ANY(:ids)
ORDER BY created_at;
