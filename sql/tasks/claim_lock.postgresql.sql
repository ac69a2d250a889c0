-- Take the task queue's claim lock until this transaction ends: claimers
-- that enforce a per-user limit run one at a time (see claim_per_user).
-- The key (1936813171, 3) is 'sqls' as an int4 and migration 0003: an
-- advisory lock reserved for this queue.
SELECT PG_ADVISORY_XACT_LOCK(1936813171, 3);
