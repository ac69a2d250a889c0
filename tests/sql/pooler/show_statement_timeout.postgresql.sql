-- Test only: the statement timeout, as this transaction sees it.
SELECT CURRENT_SETTING('statement_timeout') AS value;
