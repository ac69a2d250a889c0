-- Test only: a statement that fails when n is 0.
SELECT 1 / CAST(:n AS INTEGER) AS value;
