-- Claim up to :limit tasks as tasks.claim does, but leave no user with more
-- than :max_active_per_user tasks assigned or running (tasks without a user
-- are not limited): a user's candidates are ranked in claim order, and one is
-- taken only while the user's active tasks plus its rank stay within the limit.
-- Only the first :window candidates in claim order are ranked: a candidate's
-- rank depends on the candidates before it alone, so ranks within that prefix
-- are ranks in the whole queue, and a prefix that yields :limit tasks yields
-- exactly the tasks a ranking of the whole queue would. The DAO ranks the
-- whole queue (a :window past every candidate) when a prefix yields fewer.
-- Run it after tasks.claim_lock in the same transaction: under READ COMMITTED
-- two claimers could otherwise both count a user's active tasks before either
-- commits and together pass the limit. The lock serializes such claimers and
-- this statement's snapshot is taken after the lock is granted, so it counts
-- every earlier claim. FOR UPDATE SKIP LOCKED still guards the chosen rows
-- against claimers that run without a limit (they take no lock): a row
-- claimed meanwhile fails the re-checked WHERE clause and is left out.
-- returns: many Task
WITH active AS (
    SELECT a.user_id, COUNT(*) AS n
    FROM tasks AS a
    WHERE a.status IN ('assigned', 'running') AND a.user_id IS NOT NULL
    GROUP BY a.user_id
),

prefix AS (
    SELECT c.id, c.user_id, c.priority, c.created_at
    FROM tasks AS c
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
),

chosen AS (
    SELECT r.id
    FROM ranked AS r
    LEFT JOIN active AS a ON r.user_id = a.user_id
    WHERE r.user_id IS NULL OR r.rn + COALESCE(a.n, 0) <= :max_active_per_user
    ORDER BY r.priority DESC, r.created_at ASC, r.id ASC
    LIMIT :limit
),

picked AS MATERIALIZED (
    SELECT t.id
    FROM tasks AS t
    WHERE
        t.id IN (SELECT chosen.id FROM chosen)
        AND t.status IN ('created', 'not_finished', 'failed')
        AND (
            t.status != 'failed'
            OR (
                t.num_retries < :max_retries
                AND JSONB_TYPEOF(t.result -> 'error') = 'string'
                AND t.result ->> 'error' = ANY(:retryable_errors)
            )
        )
    FOR UPDATE OF t SKIP LOCKED
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
