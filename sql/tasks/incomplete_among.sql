-- Of the given task ids, those still created, assigned or running (as the
-- SDK's filter_incomplete_tasks: completed, failed and not_finished are out).
SELECT id
FROM tasks
WHERE id = ANY(:ids) AND status IN ('created', 'assigned', 'running');
