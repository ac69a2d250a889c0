-- Touch updated_at of the given tasks (a worker's heartbeat); returns the
-- number of tasks touched. The rows are locked in id order first, so two
-- heartbeats (or a heartbeat and another multi-row update) over the same
-- tasks queue behind each other instead of deadlocking.
WITH locked AS MATERIALIZED (
    SELECT t.id
    FROM tasks AS t
    WHERE t.id = ANY(:ids)
    ORDER BY t.id
    FOR UPDATE
)

UPDATE tasks
SET updated_at = :now
WHERE id IN (SELECT locked.id FROM locked);
