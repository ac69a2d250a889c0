-- One media row by id, whatever its type.
-- returns: one Media
SELECT id, media_type, created_at, updated_at
FROM media
WHERE id = :id;
