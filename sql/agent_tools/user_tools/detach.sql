-- Unlink a tool from a user (the tool itself stays).
DELETE FROM user_tools
WHERE user_id = :user_id AND tool_id = :tool_id;
