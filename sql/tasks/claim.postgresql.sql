-- Claim up to :limit tasks: the candidates are created or not_finished tasks,
-- and failed tasks whose result.error is a string in :retryable_errors and whose
-- num_retries < :max_retries; highest priority first, then oldest. Claimed
-- tasks become assigned with progress 0, no result, assigned_at :now and one
-- more retry.
-- Exactly once: FOR UPDATE SKIP LOCKED locks the picked rows and passes over
-- rows another claimer holds; a row changed meanwhile is re-checked against
-- the WHERE clause on its newest version before it is locked.
-- returns: many Task
WITH picked AS MATERIALIZED (
    SELECT c.id
    FROM tasks AS c
    -- The same IN list as the partial index ix_tasks_claim, so it is used.
    WHERE
        c.status IN ('created', 'not_finished', 'failed')
        AND (
            c.status != 'failed'
            OR (
                c.num_retries < :max_retries
                AND JSONB_TYPEOF(c.result -> 'error') = 'string'
                AND c.result ->> 'error' = ANY(:retryable_errors)
            )
        )
    ORDER BY c.priority DESC, c.created_at ASC, c.id ASC
    LIMIT :limit
    FOR UPDATE SKIP LOCKED
)

UPDATE tasks
SET
    status = 'assigned',
    progress = 0,
    result = NULL,
    num_retries = num_retries + 1,
    assigned_at = :now,
    completed_at = NULL,
    updated_at = :now
WHERE id IN (SELECT picked.id FROM picked)
RETURNING
    id, endpoint, data, status, priority, progress, result, num_retries, user_id,
    assigned_at, completed_at, created_at, updated_at;
