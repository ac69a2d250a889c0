"""Read throughput with 0, 1 and 2 read replicas of a private cluster, as ratios against 0.

The cluster is the test suite's (``tests/pg_replica.py``): a primary and two
streaming replicas started on this machine. Every server then shares the
same cores, so the figures show what routing reads to replicas costs (the
health checks, a pool per replica, the replica's own work), not what it
gains: on separate machines each replica adds its machine's capacity.
"""

from __future__ import annotations

import statistics
import threading
import time
import uuid
from collections.abc import Callable
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import sqlstore
from sqlstore.dao import UserDAO
from sqlstore.models import UserCreate

if TYPE_CHECKING:
    from tests.pg_replica import ReplicaCluster

NOTE = (
    "all servers on this one machine: this shows the overhead of routing reads to replicas, "
    "not the gain of spreading them over machines"
)


def _gets(url: str, replicas: list[str], ids: list[uuid.UUID], threads: int, per: int) -> float:
    """Gets by id per second, each in a read-only session, from ``threads`` threads."""
    with sqlstore.connect(url, replicas=replicas) as store:
        barrier = threading.Barrier(threads + 1)

        def work(offset: int) -> None:
            barrier.wait()
            for n in range(per):
                with store.session(readonly=True) as session:
                    got = UserDAO(session).get(ids[(offset + n) % len(ids)])
                assert got is not None

        workers = [threading.Thread(target=work, args=(i * 97,)) for i in range(threads)]
        for worker in workers:
            worker.start()
        barrier.wait()
        start = time.perf_counter()
        for worker in workers:
            worker.join()
        return threads * per / (time.perf_counter() - start)


def replica_throughput(
    *,
    threads: int = 8,
    per: int = 500,
    rounds: int = 3,
    users: int = 1000,
    cluster: ReplicaCluster | None = None,
    echo: Callable[[str], None] = print,
) -> dict[str, Any]:
    """Gets per second through 0, 1 and 2 replicas (median of ``rounds``), and their ratios.

    On ``cluster`` if given (the test suite's), else on one started for the run.
    """
    if cluster is not None:
        return _measure(cluster, threads, per, rounds, users, echo)
    from tests.pg_cluster import find_bindir
    from tests.pg_replica import replica_cluster_for

    if find_bindir() is None:
        echo("  replicas skipped: no PostgreSQL server binaries for a private cluster")
        return {"skipped": "no PostgreSQL server binaries"}
    with contextmanager(replica_cluster_for)({}) as started:
        return _measure(started, threads, per, rounds, users, echo)


def _measure(
    cluster: ReplicaCluster,
    threads: int,
    per: int,
    rounds: int,
    users: int,
    echo: Callable[[str], None],
) -> dict[str, Any]:
    with sqlstore.connect(cluster.primary_url) as store, store.session() as session:
        dao = UserDAO(session)
        ids = [
            dao.create(UserCreate(email=f"{uuid.uuid4().hex}@bench.replicas")).id
            for _ in range(users)
        ]
    cluster.wait_replayed()
    rates: dict[int, list[float]] = {0: [], 1: [], 2: []}
    for n in range(max(1, rounds)):
        for count in (0, 1, 2) if n % 2 == 0 else (2, 1, 0):
            urls = cluster.replica_urls[:count]
            rates[count].append(_gets(cluster.primary_url, urls, ids, threads, per))
            echo(f"  replicas {count}: {rates[count][-1]:8.0f} gets/s ({threads} threads)")
    median = {count: statistics.median(found) for count, found in rates.items()}
    out: dict[str, Any] = {
        "threads": threads,
        "gets_per_thread": per,
        "gets_per_second": median,
        "ratio_to_none": {count: median[count] / median[0] for count in median},
        "note": NOTE,
    }
    echo(
        "  read throughput against 0 replicas: "
        + ", ".join(f"{c} replica(s) {r:.2f}x" for c, r in out["ratio_to_none"].items())
    )
    echo(f"  ({NOTE})")
    return out
