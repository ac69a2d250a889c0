-- Undo the test app's notes table.
DROP TABLE notes;
