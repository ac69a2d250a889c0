-- How many captions there are, optionally of one media and one model.
SELECT COUNT(*) AS n
FROM captions
WHERE
    (CAST(:media_id AS TEXT) IS NULL OR media_id = :media_id)
    AND (CAST(:model AS TEXT) IS NULL OR model = :model);
