-- Empty tools between two examples of the parity suite.
DELETE FROM tools;
