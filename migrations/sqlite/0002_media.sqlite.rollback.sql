-- Undo 0002: drop webhooks, captions, transcripts, video and media (their
-- triggers go with them).
DROP TABLE webhooks;
DROP TABLE captions;
DROP TABLE transcripts;
DROP TABLE video;
DROP TABLE media;
