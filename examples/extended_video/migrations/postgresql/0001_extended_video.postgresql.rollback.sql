-- Undo the extended-video example app (its trigger goes with the table).
-- squawk-ignore-file require-lock-timeout -- reviewed: run in a maintenance window
-- squawk-ignore-file require-statement-timeout -- reviewed: drops one table, nothing slow
DROP TABLE extended_video;
