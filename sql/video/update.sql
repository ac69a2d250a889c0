-- Change the given fields of a video; a NULL parameter leaves its field as it
-- is. The table's trigger stamps updated_at.
UPDATE video
SET
    path = COALESCE(:path, path),
    url = COALESCE(:url, url),
    title = COALESCE(:title, title),
    description = COALESCE(:description, description)
WHERE id = :id;
