"""The task queue under concurrency: workers drain one queue, each task claimed exactly once.

Threads on both dialects, and processes on PostgreSQL. While the workers
drain the queue, a producer keeps adding tasks of rising priority: that
changes which tasks a claim ranks first between two claimers' snapshots,
the race a per-user limit must survive (without tasks.claim_lock these tests
see users over the limit on PostgreSQL). Every claim records the largest
number of tasks any user holds, counted inside the claim's own transaction
after the claim, while other claimers with a limit are still kept out.
"""

from __future__ import annotations

import multiprocessing
import random
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field

import pytest

from sqlstore import Store, connect
from sqlstore.dao import TaskDAO
from sqlstore.models import TaskCreate, TaskStatus
from tests.pgbouncer import THROUGH_PGBOUNCER

SEEDED = 200
PRODUCED = 100
TOTAL = SEEDED + PRODUCED
USERS = ("u0", "u1", "u2", "u3", "u4", None)  # None: a task without a user, not limited
PER_USER = 3
DEADLINE = 60.0  # seconds; a stuck drain fails instead of hanging the suite


@dataclass
class Drained:
    """What one worker saw: the ids it claimed and, per claim, the most tasks one user held."""

    claimed: list[str] = field(default_factory=list)
    peaks: list[int] = field(default_factory=list)


def seed(store: Store) -> set[str]:
    """Queue the first tasks over the users, with mixed low priorities."""
    rng = random.Random(3)
    news = [
        TaskCreate(endpoint="/e", priority=rng.randrange(4), user_id=USERS[i % len(USERS)])
        for i in range(SEEDED)
    ]
    with store.session() as session:
        TaskDAO(session).add_many(news)
    return {str(n.id) for n in news}


def produce(store: Store) -> set[str]:
    """Add tasks one by one while the workers drain, each outranking all before it."""
    rng = random.Random(4)
    added = set()
    for i in range(PRODUCED):
        user = USERS[rng.randrange(len(USERS) - 1)]
        with store.session() as session:
            task = TaskDAO(session).add(TaskCreate(endpoint="/p", priority=10 + i, user_id=user))
        added.add(str(task.id))
        time.sleep(0.001)
    return added


def drain(store: Store, worker: int, per_user: int | None) -> Drained:
    """Claim small batches and complete them until all TOTAL tasks are done."""
    rng = random.Random(worker)
    seen = Drained()
    stop = time.monotonic() + DEADLINE
    while time.monotonic() < stop:
        with store.session() as session:
            dao = TaskDAO(session)
            batch = dao.claim(rng.randint(1, 7), max_active_per_user=per_user)
            if batch:
                held = Counter(t.user_id for t in dao.active() if t.user_id is not None)
                seen.peaks.append(max(held.values(), default=0))
            else:
                left = dao.count()
                if left["total"] == left["completed"] == TOTAL:
                    return seen
        if not batch:
            time.sleep(0.002)  # the rest is held by others, or not produced yet
            continue
        seen.claimed.extend(str(t.id) for t in batch)
        # A moment of "work" outside any transaction: the others get the lock
        # (SQLite's busy handler would otherwise let one worker take it all)
        # and the held tasks press against the per-user limit.
        time.sleep(rng.uniform(0, 0.002))
        with store.session() as session:
            dao = TaskDAO(session)
            for task in batch:
                dao.update_status(task.id, TaskStatus.RUNNING, 50)
        with store.session() as session:
            dao = TaskDAO(session)
            for task in batch:
                dao.update_status(task.id, TaskStatus.COMPLETED, 100, {"worker": worker})
    raise TimeoutError(f"worker {worker} did not drain the queue in {DEADLINE} s")


def drain_in_process(url: str, worker: int, per_user: int | None) -> Drained:
    """A worker process: its own store on the same database."""
    with connect(url) as store:
        return drain(store, worker, per_user)


def check(store: Store, queued: set[str], results: list[Drained], per_user: int | None) -> None:
    claimed = [i for r in results for i in r.claimed]
    assert len(claimed) == len(set(claimed)), "a task was claimed twice"
    assert set(claimed) == queued and len(queued) == TOTAL, "a task was lost"
    assert sum(1 for r in results if r.claimed) > 1, "only one worker got work"
    with store.session(readonly=True) as session:
        dao = TaskDAO(session)
        assert dao.count()["completed"] == TOTAL == dao.count()["total"]
        assert {t.num_retries for t in dao.list(limit=TOTAL)} == {1}
    peaks = [p for r in results for p in r.peaks]
    if per_user is not None:
        assert max(peaks) <= per_user, "a user held more tasks than the limit"
        assert per_user in peaks, "the limit was never reached: the test proves nothing"


@pytest.mark.parametrize("per_user", [None, PER_USER])
def test_threads_drain_the_queue_exactly_once(store: Store, per_user: int | None) -> None:
    queued = seed(store)
    with ThreadPoolExecutor(max_workers=7) as pool:
        produced = pool.submit(produce, store)
        workers = [pool.submit(drain, store, w, per_user) for w in range(6)]
        results = [f.result(timeout=DEADLINE + 30) for f in workers]
        queued |= produced.result()
    check(store, queued, results, per_user)


@pytest.mark.postgresql_only
def test_processes_drain_the_queue_exactly_once(store: Store, sqlstore_url: str) -> None:
    # spawn, not fork: the parent holds pools and threads a fork would copy.
    context = multiprocessing.get_context("spawn")
    # Through PgBouncer (issue 17): 8 worker processes share its server sessions.
    processes = 8 if THROUGH_PGBOUNCER else 3
    with (
        ProcessPoolExecutor(max_workers=processes, mp_context=context) as pool,
        ThreadPoolExecutor(max_workers=1) as producer,
    ):
        # One pool for both runs: starting processes costs more than draining.
        for per_user in (None, PER_USER):
            with store.session() as session:
                session.execute("catalog.truncate_all")
            queued = seed(store)
            produced = producer.submit(produce, store)
            workers = [
                pool.submit(drain_in_process, sqlstore_url, w, per_user) for w in range(processes)
            ]
            results = [f.result(timeout=DEADLINE + 30) for f in workers]
            check(store, queued | produced.result(), results, per_user)
