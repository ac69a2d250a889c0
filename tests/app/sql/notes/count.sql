-- How many notes there are.
SELECT COUNT(*) AS n FROM notes;
