-- Undo 0003: drop the task queue (its trigger and indexes go with it).
DROP TABLE tasks;
