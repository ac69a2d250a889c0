-- Undo the slow stress migration.
DROP TABLE stress_slow;
