-- Empty orchestrators between two examples of the parity suite.
DELETE FROM orchestrators;
