-- Change the given fields of one tool.
-- A field changes only when its set_<field> flag is true, so a nullable
-- field can be set to NULL; modified_at always changes.
-- returns: one Tool
UPDATE tools
SET
    name = CASE WHEN :set_name THEN :name ELSE name END,
    modified_at = :now
WHERE id = :id
RETURNING
    id, name, created_at, modified_at;
