-- Empty tasks between two examples of the parity suite.
DELETE FROM tasks;
