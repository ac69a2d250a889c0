-- How many videos there are.
SELECT COUNT(*) AS n
FROM video;
