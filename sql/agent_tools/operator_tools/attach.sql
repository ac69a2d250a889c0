-- Link a tool to a operator; linking it again changes nothing (returns no row).
INSERT INTO operator_tools (operator_id, tool_id, created_at)
VALUES (:operator_id, :tool_id, :now)
ON CONFLICT (operator_id, tool_id) DO NOTHING
RETURNING operator_id, tool_id;
