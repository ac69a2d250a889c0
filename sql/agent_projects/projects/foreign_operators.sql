-- How many of the given operators are not operators of the orchestrator (a
-- project's executive and developer must be its own orchestrator's).
SELECT COUNT(*) AS n
FROM operators
WHERE id = ANY(:operator_ids) AND orchestrator_id <> :orchestrator_id;
