"""Concurrent task claiming: worker processes drain one queue, each task exactly once.

PostgreSQL claims with ``FOR UPDATE SKIP LOCKED``; SQLite with ``BEGIN
IMMEDIATE`` and ``UPDATE ... RETURNING``. A claim adds one to the task's
``num_retries``, so the database itself records how often each task was
claimed: every task must end completed with ``num_retries`` 1.
"""

from __future__ import annotations

from collections import Counter

from sqlstore.dao import TaskDAO
from sqlstore.models import TaskCreate
from stress.common import Run, Worker, run_together


def run(ctx: Run) -> None:
    """Queue the tasks, release the workers together, then audit the queue."""
    opts = ctx.options
    for dialect in opts.dialects:
        with ctx.migrated(dialect) as (url, store):
            with store.session() as session:
                TaskDAO(session).add_many(
                    TaskCreate(endpoint="/stress", data={"n": n}, priority=n % 3)
                    for n in range(opts.tasks)
                )
            workers = [
                Worker("claim", url=url, limit=opts.claim_limit) for _ in range(opts.workers)
            ]
            results, seconds = run_together(workers)
            errors = [e for r in results for e in r["errors"]]
            claimed = Counter(t for r in results for t in r["claimed"])
            completed = Counter(t for r in results for t in r["completed"])
            twice = [t for t, n in claimed.items() if n > 1]
            what = f"{opts.workers} workers drain {opts.tasks:,} tasks on {dialect}"
            ctx.check(
                f"{what}: no error reached a worker",
                not errors and all(r["returncode"] == 0 for r in results),
                f"{len(errors)} errors, first: {errors[0]}" if errors else f"{seconds:.1f} s",
            )
            ctx.check(
                "the workers claimed each task once and completed each once",
                len(claimed) == opts.tasks and not twice and completed == claimed,
                f"{len(claimed):,} distinct claimed, {len(twice)} claimed twice, "
                f"{sum(completed.values()):,} completions",
            )
            with store.session(readonly=True) as session:
                rows = session.fetch_all("stress.task_claims")
            statuses = Counter(str(r["status"]) for r in rows)
            claims = Counter(int(r["num_retries"]) for r in rows)
            ctx.check(
                "the database agrees: every task completed, every one claimed once",
                statuses == {"completed": opts.tasks} and claims == {1: opts.tasks},
                f"statuses {dict(statuses)}, claims per task {dict(claims)}",
            )
            ctx.figures.tasks_claimed += len(claimed)
