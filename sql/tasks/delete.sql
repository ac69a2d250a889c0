-- Delete a task unless a worker holds it (assigned or running); returns the
-- number of rows deleted.
DELETE FROM tasks
WHERE id = :id AND status NOT IN ('assigned', 'running');
