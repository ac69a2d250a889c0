-- The media-AI task queue: one row per request a worker runs.
-- depends: 0002_media.postgresql
-- progress is a percentage, 0 to 100. priority 0 is the lowest.
-- data and result are JSON objects; result is NULL until a worker reports.
-- Every DAO update stamps updated_at itself (heartbeats and timeouts compare
-- it with the application's clock); the trigger stamps it on any other
-- UPDATE that leaves it unchanged, so raw SQL bumps it too.
-- squawk-ignore-file require-lock-timeout -- reviewed: new tables at install, no traffic
-- squawk-ignore-file require-statement-timeout -- reviewed: new, empty tables only
-- squawk-ignore-file prefer-bigint-over-int -- reviewed: bounded counts, not ids
CREATE TABLE tasks (
    id UUID PRIMARY KEY,
    endpoint TEXT NOT NULL CHECK (CHAR_LENGTH(endpoint) > 0),
    data JSONB NOT NULL DEFAULT '{}'::JSONB CHECK (JSONB_TYPEOF(data) = 'object'),
    status TEXT NOT NULL DEFAULT 'created'
    CHECK (
        status IN ('created', 'assigned', 'running', 'completed', 'failed', 'not_finished')
    ),
    priority INTEGER NOT NULL DEFAULT 0 CHECK (priority >= 0),
    progress DOUBLE PRECISION NOT NULL DEFAULT 0 CHECK (progress >= 0 AND progress <= 100),
    result JSONB CHECK (result IS NULL OR JSONB_TYPEOF(result) = 'object'),
    num_retries INTEGER NOT NULL DEFAULT 0 CHECK (num_retries >= 0),
    user_id TEXT,
    assigned_at TIMESTAMPTZ,
    completed_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
);

CREATE INDEX ix_tasks_status ON tasks (status);
-- Listing and counting one user's tasks, newest first.
CREATE INDEX ix_tasks_user_id ON tasks (user_id, created_at DESC);
-- The claim: the claimable rows in claim order, so taking the next few is an
-- index walk that stops early. Completed, assigned and running rows (the bulk
-- of a long-lived queue) stay out of it.
CREATE INDEX ix_tasks_claim ON tasks (priority DESC, created_at, id)
WHERE status IN ('created', 'not_finished', 'failed');

-- CLOCK_TIMESTAMP, not NOW: NOW is the transaction's start, so a row
-- inserted and updated in one transaction would keep its updated_at.
CREATE FUNCTION TASKS_TOUCH_UPDATED_AT() RETURNS TRIGGER
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.updated_at IS NOT DISTINCT FROM OLD.updated_at THEN
        NEW.updated_at := GREATEST(CLOCK_TIMESTAMP(), OLD.updated_at + INTERVAL '1 microsecond');
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER trg_tasks_updated_at
BEFORE UPDATE ON tasks
FOR EACH ROW EXECUTE FUNCTION TASKS_TOUCH_UPDATED_AT();
