-- Insert the video rows of many videos whose media rows are already inserted,
-- in one statement (VideoDAO.save_many). :rows is a JSON array of objects
-- with id, path, url, title and description. Returns the ids written.
INSERT INTO video (id, path, url, title, description, created_at, updated_at)
SELECT
    new.value ->> 'id' AS id,
    new.value ->> 'path' AS path,
    new.value ->> 'url' AS url,
    new.value ->> 'title' AS title,
    new.value ->> 'description' AS description,
    :now AS created_at,
    :now AS updated_at
FROM JSONB_ARRAY_ELEMENTS(CAST(:rows AS JSONB)) WITH ORDINALITY AS new (value, n)
ORDER BY new.n
RETURNING id;
