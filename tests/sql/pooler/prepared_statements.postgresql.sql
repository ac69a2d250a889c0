-- Test only: the statements prepared on this server session.
SELECT name FROM pg_prepared_statements;
