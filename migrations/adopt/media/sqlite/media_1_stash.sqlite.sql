-- Adopt the media-AI SDK's database, step 1 of 2: keep its rows in temporary
-- tables and drop its media, video, transcript, caption, tasks and webhooks
-- (their indexes go with them), so that sqlstore's 0002_media and 0003_tasks
-- create the tables as on a fresh database. Between the steps sqlstore reads
-- each task's pickled data into data_json and checks that every row has its
-- parent. Runs in one transaction with those migrations and step 2: a failure
-- leaves the SDK's tables as they were.
CREATE TEMPORARY TABLE adopt_media AS SELECT * FROM media;
CREATE TEMPORARY TABLE adopt_video AS SELECT * FROM video;
CREATE TEMPORARY TABLE adopt_transcript AS SELECT * FROM transcript;
CREATE TEMPORARY TABLE adopt_caption AS SELECT * FROM caption;
CREATE TEMPORARY TABLE adopt_tasks AS SELECT
    *,
    CAST(NULL AS TEXT) AS data_json
FROM tasks;
CREATE TEMPORARY TABLE adopt_webhooks AS SELECT * FROM webhooks;
DROP TABLE video;
DROP TABLE media;
DROP TABLE transcript;
DROP TABLE caption;
DROP TABLE tasks;
DROP TABLE webhooks;
