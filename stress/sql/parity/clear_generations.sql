-- Empty generations between two examples of the parity suite.
DELETE FROM generations;
