-- Empty prompts between two examples of the parity suite.
DELETE FROM prompts;
