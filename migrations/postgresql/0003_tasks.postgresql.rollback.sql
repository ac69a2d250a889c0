-- Undo 0003: drop the task queue (its trigger and indexes go with it), then
-- the trigger function.
DROP TABLE tasks;
DROP FUNCTION tasks_touch_updated_at();
