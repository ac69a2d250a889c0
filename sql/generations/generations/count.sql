-- How many generations there are, optionally of one status.
SELECT COUNT(*) AS n
FROM generations
WHERE CAST(:status AS TEXT) IS NULL OR status = :status;
