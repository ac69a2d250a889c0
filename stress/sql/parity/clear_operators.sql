-- Empty operators between two examples of the parity suite.
DELETE FROM operators;
