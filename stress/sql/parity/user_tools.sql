-- Every link of a tool to a user (parity suite).
SELECT user_id, tool_id, created_at
FROM user_tools;
