-- One operator of an orchestrator by name.
-- returns: one Operator
SELECT
    id, orchestrator_id, name, title, instructions, profile_picture_url, created_at,
    modified_at,
    (
        SELECT p.id FROM projects AS p
        WHERE p.direct_message_operator_id = operators.id
    ) AS direct_message_project_id
FROM operators
WHERE orchestrator_id = :orchestrator_id AND name = :name;
