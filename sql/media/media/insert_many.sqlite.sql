-- Insert the media rows of many new media in one statement (VideoDAO.save_many):
-- :ids is the list of ids, in order; a taken or repeated id fails them all.
-- Returns the ids written.
INSERT INTO media (id, media_type, created_at, updated_at)
SELECT
    new.value AS id, :media_type AS media_type, :now AS created_at, :now AS updated_at
FROM JSON_EACH(:ids) AS new
ORDER BY new.key
RETURNING id;
