-- Undo the test app's notes table.
-- squawk-ignore-file require-lock-timeout -- reviewed: a test app's table, no traffic
-- squawk-ignore-file require-statement-timeout -- reviewed: drops one table, nothing slow
DROP TABLE notes;
