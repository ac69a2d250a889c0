-- The server process behind this session (for operators and fault tests).
SELECT PG_BACKEND_PID() AS pid;
