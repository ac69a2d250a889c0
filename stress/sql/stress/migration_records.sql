-- The migrations sqlstore recorded as applied, with their checksums.
SELECT
    migration_id,
    checksum
FROM _yoyo_sqlstore;
