-- Change the given fields of one operator of one orchestrator.
-- A field changes only when its set_<field> flag is true, so a nullable
-- field can be set to NULL; modified_at always changes.
-- returns: one Operator
UPDATE operators
SET
    instructions = CASE WHEN :set_instructions THEN :instructions ELSE instructions END,
    name = CASE WHEN :set_name THEN :name ELSE name END,
    title = CASE WHEN :set_title THEN :title ELSE title END,
    profile_picture_url = CASE
        WHEN :set_profile_picture_url THEN :profile_picture_url ELSE profile_picture_url
    END,
    modified_at = :now
WHERE id = :id AND orchestrator_id = :orchestrator_id
RETURNING
    id, orchestrator_id, name, title, instructions, profile_picture_url, created_at,
    modified_at,
    (
        SELECT p.id FROM projects AS p
        WHERE p.direct_message_operator_id = operators.id
    ) AS direct_message_project_id;
