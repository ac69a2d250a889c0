-- Link a tool to a orchestrator; linking it again changes nothing (returns no row).
INSERT INTO orchestrator_tools (orchestrator_id, tool_id, created_at)
VALUES (:orchestrator_id, :tool_id, :now)
ON CONFLICT (orchestrator_id, tool_id) DO NOTHING
RETURNING orchestrator_id, tool_id;
