-- A database migrated before sqlstore kept its own record (tests only).
DROP TABLE _yoyo_sqlstore;
