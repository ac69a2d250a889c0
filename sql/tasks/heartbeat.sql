-- Touch updated_at of the given tasks (a worker's heartbeat); returns the
-- number of tasks touched.
UPDATE tasks
SET updated_at = :now
WHERE id = ANY(:ids);
