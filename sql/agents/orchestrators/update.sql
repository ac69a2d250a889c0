-- Change the given fields of one orchestrator of one user (NULL: any user).
-- A field changes only when its set_<field> flag is true, so a nullable
-- field can be set to NULL; modified_at always changes.
-- returns: one Orchestrator
UPDATE orchestrators
SET
    type = CASE WHEN :set_type THEN :type ELSE type END,
    name = CASE WHEN :set_name THEN :name ELSE name END,
    modified_at = :now
WHERE id = :id AND user_id = COALESCE(:user_id, user_id)
RETURNING
    id, user_id, type, name, created_at, modified_at;
