-- Claim up to :limit tasks as tasks.claim does, but leave no user with more
-- than :max_active_per_user tasks assigned or running (tasks without a user
-- are not limited): a user's candidates are ranked in claim order, and one is
-- taken only while the user's active tasks plus its rank stay within the limit.
-- Exactly once, and the limit holds: the write session began with BEGIN
-- IMMEDIATE, so no other claimer runs between the count and the update.
-- returns: many Task
WITH active AS (
    SELECT a.user_id, COUNT(*) AS n
    FROM tasks AS a
    WHERE a.status IN ('assigned', 'running') AND a.user_id IS NOT NULL
    GROUP BY a.user_id
),

ranked AS (
    SELECT
        c.id,
        c.user_id,
        c.priority,
        c.created_at,
        ROW_NUMBER() OVER (
            PARTITION BY c.user_id ORDER BY c.priority DESC, c.created_at ASC, c.id ASC
        ) AS rn
    -- The partial index ix_tasks_claim holds just the candidates, already in
    -- claim order (without statistics SQLite would pick ix_tasks_status). The
    -- status IN list below is the index's own WHERE, which lets it be used.
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
WHERE id IN (
    SELECT r.id
    FROM ranked AS r
    LEFT JOIN active AS a ON r.user_id = a.user_id
    WHERE r.user_id IS NULL OR r.rn + COALESCE(a.n, 0) <= :max_active_per_user
    ORDER BY r.priority DESC, r.created_at ASC, r.id ASC
    LIMIT :limit
)
RETURNING
    id, endpoint, data, status, priority, progress, result, num_retries, user_id,
    assigned_at, completed_at, created_at, updated_at;
