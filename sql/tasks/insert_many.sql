-- Add one task to the queue as created (run once per task, in one batch).
INSERT INTO tasks (
    id, endpoint, data, status, priority, progress, num_retries, user_id,
    created_at, updated_at
) VALUES (
    :id, :endpoint, :data, 'created', :priority, 0, 0, :user_id,
    :now, :now
);
