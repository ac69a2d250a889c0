-- How many migrations yoyo's table says are applied (migration tests only).
SELECT COUNT(*) AS n
FROM _yoyo_migration;
