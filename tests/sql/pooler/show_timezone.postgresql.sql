-- Test only: the session's time zone, as this transaction sees it.
SELECT CURRENT_SETTING('TimeZone') AS value;
