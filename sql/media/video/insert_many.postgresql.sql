-- Insert the video rows of many videos whose media rows are already inserted,
-- in one statement (VideoDAO.save_many). :rows is a JSON array of objects
-- with id, path, url, title and description. Returns the ids written.
INSERT INTO video (id, path, url, title, description, created_at, updated_at)
SELECT new.id, new.path, new.url, new.title, new.description, :now, :now
FROM ROWS FROM (
    JSONB_TO_RECORDSET(CAST(:rows AS JSONB))
    AS (id TEXT, path TEXT, url TEXT, title TEXT, description TEXT)
) WITH ORDINALITY AS new (id, path, url, title, description, n)
ORDER BY new.n
RETURNING id;
