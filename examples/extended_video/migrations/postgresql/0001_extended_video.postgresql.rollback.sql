-- Undo the extended-video example app (its trigger goes with the table).
DROP TABLE extended_video;
