-- How many generations there are, optionally of one status.
-- reviewed: full-scan: an optional filter (NULL: any) is planned for both cases; no index serves it
SELECT COUNT(*) AS n
FROM generations
WHERE CAST(:status AS TEXT) IS NULL OR status = :status;
