-- Insert the video rows of many videos whose media rows are already inserted,
-- in one statement (VideoDAO.save_many). :rows is a JSON array of objects
-- with id, path, url, title and description. Returns the ids written.
INSERT INTO video (id, path, url, title, description, created_at, updated_at)
SELECT
    JSON_EXTRACT(new.value, '$.id') AS id,
    JSON_EXTRACT(new.value, '$.path') AS path,
    JSON_EXTRACT(new.value, '$.url') AS url,
    JSON_EXTRACT(new.value, '$.title') AS title,
    JSON_EXTRACT(new.value, '$.description') AS description,
    :now AS created_at,
    :now AS updated_at
FROM JSON_EACH(:rows) AS new
ORDER BY new.key
RETURNING id;
