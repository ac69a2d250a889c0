-- The task queue's claim lock. Nothing to take on SQLite: the write session
-- began with BEGIN IMMEDIATE and already holds the database's write lock.
SELECT 1 AS locked;
