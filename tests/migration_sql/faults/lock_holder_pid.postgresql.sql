-- The server process holding sqlstore's migration lock on this database (an
-- advisory lock on the keys 'sqls', 'migr'), if any.
SELECT l.pid
FROM pg_catalog.pg_locks AS l
INNER JOIN pg_catalog.pg_database AS d ON l.database = d.oid
WHERE
    l.locktype = 'advisory'
    AND l.granted
    AND d.datname = CURRENT_DATABASE()
    AND l.classid = 1936813171
    AND l.objid = 1835624306
    AND l.objsubid = 2;
