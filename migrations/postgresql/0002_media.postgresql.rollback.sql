-- Undo 0002: drop webhooks, captions, transcripts, video and media (their
-- triggers go with them), then the trigger function.
-- squawk-ignore-file require-lock-timeout -- reviewed: run in a maintenance window
-- squawk-ignore-file require-statement-timeout -- reviewed: drops tables, nothing slow
DROP TABLE webhooks;
DROP TABLE captions;
DROP TABLE transcripts;
DROP TABLE video;
DROP TABLE media;
-- `make sqllint` also lints *.postgresql.rollback.sql as SQLite, hence the PRS exemption.
DROP FUNCTION media_store_touch_updated_at();
