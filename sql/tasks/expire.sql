-- Time out assigned and running tasks assigned at or before
-- :execution_cutoff, or not updated (no heartbeat) since :heartbeat_cutoff.
-- A task out of retries (num_retries >= :max_retries) fails with
-- :timeout_result (execution timeout) or :heartbeat_result, and completed_at
-- :now; any other becomes not_finished, with no result, to be claimed again.
-- Both get progress 0. Returns the expired tasks.
UPDATE tasks
SET
    status = CASE WHEN num_retries >= :max_retries THEN 'failed' ELSE 'not_finished' END,
    progress = 0,
    result = CASE
        WHEN num_retries >= :max_retries
            THEN
                CASE
                    WHEN assigned_at <= :execution_cutoff THEN :timeout_result
                    ELSE :heartbeat_result
                END
    END,
    completed_at = CASE WHEN num_retries >= :max_retries THEN :now ELSE completed_at END,
    updated_at = :now
WHERE
    status IN ('assigned', 'running')
    AND (assigned_at <= :execution_cutoff OR updated_at <= :heartbeat_cutoff)
RETURNING
    id, endpoint, data, status, priority, progress, result, num_retries, user_id,
    assigned_at, completed_at, created_at, updated_at;
