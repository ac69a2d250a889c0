-- Every foreign key between the application's tables, as (table, referenced
-- table) pairs: the order `sqlstore copy` fills the tables in.
SELECT DISTINCT
    t.relname AS table_name,
    r.relname AS referenced_table
FROM pg_catalog.pg_constraint AS con
INNER JOIN pg_catalog.pg_class AS t ON con.conrelid = t.oid
INNER JOIN pg_catalog.pg_class AS r ON con.confrelid = r.oid
INNER JOIN pg_catalog.pg_namespace AS n ON t.relnamespace = n.oid
WHERE
    con.contype = 'f'
    AND n.nspname = CURRENT_SCHEMA()
ORDER BY table_name, referenced_table;
