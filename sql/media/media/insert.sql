-- Insert the media row of a new media (a video, ...); a duplicate id is a
-- unique violation.
INSERT INTO media (id, media_type, created_at, updated_at)
VALUES (:id, :media_type, :now, :now);
