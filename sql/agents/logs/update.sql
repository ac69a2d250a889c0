-- Change the given fields of one log line.
-- A field changes only when its set_<field> flag is true, so a nullable
-- field can be set to NULL; modified_at always changes.
-- returns: one Log
UPDATE logs
SET
    level = CASE WHEN :set_level THEN :level ELSE level END,
    message = CASE WHEN :set_message THEN :message ELSE message END,
    modified_at = :now
WHERE id = :id
RETURNING
    id, level, message, created_at, modified_at;
