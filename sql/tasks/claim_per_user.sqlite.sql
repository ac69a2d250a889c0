-- Claim up to :limit tasks as tasks.claim does, but leave no user with more
-- than :max_active_per_user tasks assigned or running (tasks without a user
-- are not limited): a user's candidates are ranked in claim order, and one is
-- taken only while the user's active tasks plus its rank stay within the limit.
-- Only the first :window candidates in claim order are ranked: a candidate's
-- rank depends on the candidates before it alone, so ranks within that prefix
-- are ranks in the whole queue, and a prefix that yields :limit tasks yields
-- exactly the tasks a ranking of the whole queue would. The DAO ranks the
-- whole queue (a :window past every candidate) when a prefix yields fewer.
-- Exactly once, and the limit holds: the write session began with BEGIN
-- IMMEDIATE, so no other claimer runs between the count and the update.
-- returns: many Task
WITH active AS (
    SELECT a.user_id, COUNT(*) AS n
    FROM tasks AS a
    WHERE a.status IN ('assigned', 'running') AND a.user_id IS NOT NULL
    GROUP BY a.user_id
),

prefix AS (
    SELECT c.id, c.user_id, c.priority, c.created_at
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
    ORDER BY c.priority DESC, c.created_at ASC, c.id ASC
    LIMIT :window
),

ranked AS (
    SELECT
        w.id,
        w.user_id,
        w.priority,
        w.created_at,
        ROW_NUMBER() OVER (
            PARTITION BY w.user_id ORDER BY w.priority DESC, w.created_at ASC, w.id ASC
        ) AS rn
    FROM prefix AS w
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
