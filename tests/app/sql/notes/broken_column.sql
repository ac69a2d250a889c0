-- Names a column that does not exist.
SELECT no_such_column FROM generations;
