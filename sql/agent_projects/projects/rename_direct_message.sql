-- Rename an operator's direct-message project (when the operator is renamed).
UPDATE projects
SET
    name = :name,
    modified_at = :now
WHERE direct_message_operator_id = :operator_id;
