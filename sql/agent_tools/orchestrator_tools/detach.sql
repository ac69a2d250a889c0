-- Unlink a tool from a orchestrator (the tool itself stays).
DELETE FROM orchestrator_tools
WHERE orchestrator_id = :orchestrator_id AND tool_id = :tool_id;
