-- Every task with its status and how many times it was claimed.
SELECT
    id,
    status,
    num_retries
FROM tasks;
