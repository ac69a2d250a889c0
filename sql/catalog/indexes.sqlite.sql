-- Indexes created by the migrations (not those SQLite makes for keys).
SELECT
    tbl_name AS table_name,
    name AS index_name
FROM sqlite_master
WHERE
    type = 'index'
    AND sql IS NOT NULL
    AND tbl_name NOT LIKE '\_yoyo%' ESCAPE '\'
ORDER BY tbl_name, name;
