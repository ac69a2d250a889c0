-- Empty user_tools between two examples of the parity suite.
DELETE FROM user_tools;
