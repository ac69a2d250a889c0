-- Change the given fields of a video.
-- A field changes only when its set_<field> flag is true, so a nullable
-- field (path, url) can be set to NULL. The table's trigger stamps updated_at.
UPDATE video
SET
    path = CASE WHEN :set_path THEN :path ELSE path END,
    url = CASE WHEN :set_url THEN :url ELSE url END,
    title = CASE WHEN :set_title THEN :title ELSE title END,
    description = CASE WHEN :set_description THEN :description ELSE description END
WHERE id = :id;
