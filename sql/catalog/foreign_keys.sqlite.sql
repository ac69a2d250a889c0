-- Every foreign key between the application's tables, as (table, referenced
-- table) pairs: the order `sqlstore copy` fills the tables in.
SELECT DISTINCT
    m.name AS table_name,
    f."table" AS referenced_table
FROM sqlite_master AS m
INNER JOIN PRAGMA_FOREIGN_KEY_LIST(m.name) AS f -- noqa: CV12
WHERE
    m.type = 'table'
    AND m.name NOT LIKE 'sqlite\_%' ESCAPE '\'
ORDER BY table_name, referenced_table;
