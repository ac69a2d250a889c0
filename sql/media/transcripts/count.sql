-- How many transcripts there are, optionally of one media and one model.
-- reviewed: full-scan: optional filters (NULL: any) are planned for both cases; by media, the index serves it
-- reviewed: unindexed-filter: counting by model alone scans; no lookup by model alone is on a hot path
SELECT COUNT(*) AS n
FROM transcripts
WHERE
    (CAST(:media_id AS TEXT) IS NULL OR media_id = :media_id)
    AND (CAST(:model AS TEXT) IS NULL OR model = :model);
