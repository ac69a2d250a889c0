"""Claim throughput on PostgreSQL: worker processes drain one queue, sqlstore against by hand."""

from __future__ import annotations

import multiprocessing
import queue
import statistics
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import sqlstore
from bench.runner import add_tasks
from sqlstore.dialects import cloned_database, scratch_database

#: How long a section waits for a worker that neither reports nor exits (a stuck one).
WORKER_TIMEOUT = 600.0


def report(work: Callable[[], Any], barrier: Any, results: Any) -> None:
    """In a worker process: put ``work()``'s result, or its error as text, for ``collect``."""
    try:
        results.put(work())
    except threading.BrokenBarrierError:
        results.put(None)  # another worker failed, and reports why
    except BaseException as exc:
        results.put(f"{type(exc).__name__}: {exc}")
        barrier.abort()  # the other processes stop waiting for this one


def _worker(impl: str, url: str, batch: int, barrier: Any, results: Any) -> None:
    """Claim until the queue is empty; report (ids, start, end), or the error as text."""
    report(lambda: _claim(impl, url, batch, barrier), barrier, results)


def _claim(impl: str, url: str, batch: int, barrier: Any) -> tuple[list[str], float, float]:
    """Claim batches until the queue is empty: the ids, and when it began and ended."""
    from sqlstore.dao.tasks import TaskDAO

    ids: list[str] = []
    if impl == "sqlstore":
        store = sqlstore.connect(url)
        barrier.wait()
        start = time.monotonic()
        while True:
            with store.session() as session:
                got = TaskDAO(session).claim(batch)
            if not got:
                break
            ids += [str(t.id) for t in got]
        store.close()
    else:
        from bench.workloads_driver import claim_loop, pg_connect

        conn = pg_connect(url, autocommit=True)
        barrier.wait()
        start = time.monotonic()
        ids = [str(t.id) for t in claim_loop(conn, 10**9, batch)]
        conn.close()
    return ids, start, time.monotonic()


def collect(impl: str, procs: list[Any], barrier: Any, results: Any) -> list[Any]:
    """Every worker's result; the first that fails or dies stops them all and is raised."""
    got: list[Any] = []
    reported = 0
    deadline = time.monotonic() + WORKER_TIMEOUT
    try:
        while reported < len(procs):
            try:
                result = results.get(timeout=0.1)
            except queue.Empty:
                # A process that ends without reporting died (killed, or a crash in C).
                dead = [p.exitcode for p in procs if p.exitcode not in (None, 0)]
                if dead:
                    raise RuntimeError(
                        f"a claim worker ({impl}) died with exit code {dead[0]}, reporting nothing"
                    ) from None
                if time.monotonic() > deadline:
                    raise TimeoutError(
                        f"claim workers ({impl}) still running after {WORKER_TIMEOUT:.0f} s"
                    ) from None
                continue
            reported += 1
            if isinstance(result, str):
                raise RuntimeError(f"a claim worker ({impl}) failed: {result}")
            if result is not None:
                got.append(result)
    except BaseException:
        barrier.abort()
        for p in procs:
            if p.is_alive():
                p.terminate()
        raise
    finally:
        for p in procs:
            p.join()
    if len(got) != len(procs):
        # Only a failed worker breaks the barrier, and its report is raised above.
        raise RuntimeError(f"claim workers ({impl}): {len(procs) - len(got)} stopped, none failed")
    return got


@contextmanager
def migrated_database(server_url: str, prefix: str, template: str | None = None) -> Iterator[str]:
    """A migrated scratch database, dropped afterwards: a copy of ``template`` when given.

    Copying a migrated database (``CREATE DATABASE ... TEMPLATE``) takes a
    fraction of a second; migrating a new one takes seconds.
    """
    if template:
        with cloned_database(template, prefix) as url:
            yield url
        return
    with scratch_database(server_url, prefix) as url:
        with sqlstore.connect(url) as store:
            store.migrate()
        yield url


def drain(
    impl: str,
    server_url: str,
    tasks: int,
    workers: int,
    batch: int,
    via: Callable[[str], str] | None = None,
    template: str | None = None,
) -> float:
    """Seconds for ``workers`` processes to claim ``tasks`` tasks, each exactly once.

    The database (a copy of ``template`` if given) is filled on its direct
    URL; the workers connect to ``via(url)`` when given (PgBouncer's
    address), else to the server.
    """
    ctx = multiprocessing.get_context("spawn")
    with migrated_database(server_url, "sqlstore_claims", template) as url:
        add_tasks(url, tasks, seed=7)
        barrier, results = ctx.Barrier(workers), ctx.Queue()
        target = via(url) if via else url
        procs = [
            ctx.Process(target=_worker, args=(impl, target, batch, barrier, results))
            for _ in range(workers)
        ]
        for p in procs:
            p.start()
        got = collect(impl, procs, barrier, results)
    ids = [i for g in got for i in g[0]]
    if len(ids) != tasks or len(set(ids)) != tasks:
        raise AssertionError(f"claims by {impl}: {len(ids)} claims of {len(set(ids))} tasks")
    return max(g[2] for g in got) - min(g[1] for g in got)


def claim_throughput(
    server_url: str,
    *,
    tasks: int = 20_000,
    workers: int = 8,
    batch: int = 10,
    rounds: int = 3,
    echo: Callable[[str], None] = print,
) -> dict[str, Any]:
    """Median seconds over ``rounds`` (order alternating) for each side, and the ratio."""
    seconds: dict[str, list[float]] = {"driver": [], "sqlstore": []}
    for n in range(max(1, rounds)):
        for impl in ("driver", "sqlstore") if n % 2 == 0 else ("sqlstore", "driver"):
            seconds[impl].append(drain(impl, server_url, tasks, workers, batch))
            echo(f"  claim throughput {impl:9s} {seconds[impl][-1]:.3f} s for {tasks} tasks")
    mid = {impl: statistics.median(s) for impl, s in seconds.items()}
    return {
        "tasks": tasks,
        "workers": workers,
        "batch": batch,
        "rounds": max(1, rounds),
        "seconds": seconds,
        "driver_tasks_per_s": tasks / mid["driver"],
        "sqlstore_tasks_per_s": tasks / mid["sqlstore"],
        "ratio": mid["sqlstore"] / mid["driver"],
    }
