-- How many migrations yoyo has recorded as applied.
SELECT COUNT(*) AS n
FROM _yoyo_migration;
