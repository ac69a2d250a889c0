-- Change the given fields of one message.
-- A field changes only when its set_<field> flag is true, so a nullable
-- field can be set to NULL; modified_at always changes.
-- returns: one Message
UPDATE messages
SET
    status = CASE WHEN :set_status THEN :status ELSE status END,
    prompt = CASE WHEN :set_prompt THEN :prompt ELSE prompt END,
    modified_at = :now
WHERE id = :id
RETURNING
    id, seq, project_id, user_id, operator_id, type, content, prompt, status, created_at,
    modified_at;
