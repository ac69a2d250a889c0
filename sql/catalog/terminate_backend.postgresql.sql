-- End another session's server process (for operators and fault tests).
SELECT PG_TERMINATE_BACKEND(:pid) AS terminated;
