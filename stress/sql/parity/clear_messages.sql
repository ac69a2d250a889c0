-- Empty messages between two examples of the parity suite.
DELETE FROM messages;
