-- End another session's server process (for operators and fault tests),
-- waiting up to 5 s until it has exited.
SELECT PG_TERMINATE_BACKEND(:pid, 5000) AS terminated;
