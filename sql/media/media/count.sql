-- How many media there are, optionally of one type.
-- reviewed: full-scan: an optional filter (NULL: any) is planned for both cases; no index serves it
SELECT COUNT(*) AS n
FROM media
WHERE CAST(:media_type AS TEXT) IS NULL OR media_type = :media_type;
