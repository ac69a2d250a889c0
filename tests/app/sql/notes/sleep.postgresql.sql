-- A slow query, to run into the statement timeout.
SELECT PG_SLEEP(:seconds);
