-- Insert the media rows of many new media in one statement (VideoDAO.save_many):
-- :ids is the list of ids, in order; a taken or repeated id fails them all.
-- Returns the ids written.
INSERT INTO media (id, media_type, created_at, updated_at)
SELECT new.id, CAST(:media_type AS TEXT) AS media_type, :now AS created_at, :now AS updated_at
FROM UNNEST(CAST(:ids AS TEXT[])) WITH ORDINALITY AS new (id, n)
ORDER BY new.n
RETURNING id;
