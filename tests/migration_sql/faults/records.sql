-- sqlstore's record of each applied migration (migration tests only).
SELECT
    migration_id,
    checksum
FROM _yoyo_sqlstore
ORDER BY migration_id;
