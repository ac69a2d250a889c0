-- Insert the video row of a media whose media row is already inserted (same
-- id, in the same transaction).
INSERT INTO video (id, path, url, title, description, created_at, updated_at)
VALUES (:id, :path, :url, :title, :description, :now, :now);
