-- Empty projects between two examples of the parity suite.
DELETE FROM projects;
