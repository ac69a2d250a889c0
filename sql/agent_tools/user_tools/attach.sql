-- Link a tool to a user; linking it again changes nothing (returns no row).
INSERT INTO user_tools (user_id, tool_id, created_at)
VALUES (:user_id, :tool_id, :now)
ON CONFLICT (user_id, tool_id) DO NOTHING
RETURNING user_id, tool_id;
