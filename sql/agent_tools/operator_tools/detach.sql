-- Unlink a tool from a operator (the tool itself stays).
DELETE FROM operator_tools
WHERE operator_id = :operator_id AND tool_id = :tool_id;
