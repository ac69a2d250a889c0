-- Test only: the updated_at of every row of a media's tables, by table.
SELECT 'media' AS tbl, id AS key, updated_at FROM media WHERE id = :id
UNION ALL
SELECT 'video' AS tbl, id AS key, updated_at FROM video WHERE id = :id
UNION ALL
SELECT 'transcripts' AS tbl, CAST(id AS TEXT) AS key, updated_at
FROM transcripts WHERE media_id = :id
UNION ALL
SELECT 'captions' AS tbl, CAST(id AS TEXT) AS key, updated_at
FROM captions WHERE media_id = :id;
