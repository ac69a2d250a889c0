-- Claim up to :limit tasks: the candidates are created or not_finished tasks,
-- and failed tasks whose result.error is a string in :retryable_errors (a JSON
-- list) and whose num_retries < :max_retries; highest priority first, then
-- oldest. Claimed tasks become assigned with progress 0, no result,
-- assigned_at :now and one more retry.
-- Exactly once: the write session began with BEGIN IMMEDIATE, so it holds
-- the database's write lock and no other claimer runs until it commits.
-- returns: many Task
UPDATE tasks
SET
    status = 'assigned',
    progress = 0,
    result = NULL,
    num_retries = num_retries + 1,
    assigned_at = :now,
    completed_at = NULL,
    updated_at = :now
WHERE id IN (
    SELECT c.id
    -- Without statistics SQLite would look the candidates up by
    -- ix_tasks_status and sort them all; the partial index ix_tasks_claim is
    -- already in claim order, so the scan stops after :limit rows. The status
    -- IN list below is the index's own WHERE, which lets it be used.
    -- (sqlfluff cannot parse INDEXED BY, hence the noqa.)
    FROM tasks AS c INDEXED BY ix_tasks_claim -- noqa: PRS
    WHERE
        c.status IN ('created', 'not_finished', 'failed')
        AND (
            c.status != 'failed'
            OR (
                c.num_retries < :max_retries
                AND JSON_TYPE(c.result, '$.error') = 'text'
                AND JSON_EXTRACT(c.result, '$.error')
                IN (SELECT e.value FROM JSON_EACH(:retryable_errors) AS e)
            )
        )
    ORDER BY c.priority DESC, c.created_at ASC, c.id ASC
    LIMIT :limit
)
RETURNING
    id, endpoint, data, status, priority, progress, result, num_retries, user_id,
    assigned_at, completed_at, created_at, updated_at;
