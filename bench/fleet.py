"""PgBouncer in transaction mode against direct: claim throughput, and the server's backends.

Both on PostgreSQL, with a real PgBouncer (``tools/pgbouncer.py``) started for
the section on a free port in front of the server:

- **claim throughput**: the claim-throughput drain (``bench/claims.py``, 8
  processes, sqlstore's ``TaskDAO.claim``) once with every worker connected
  to the server and once through the pooler, order alternating per round;
- **connections**: ``clients`` connections held open by the worker
  processes (each a store of one connection, ``pool_size=1``), every one of
  them claiming in turn, direct and through the pooler, while the server's
  client backends on the database are counted in ``pg_stat_activity``.
"""

from __future__ import annotations

import multiprocessing
import statistics
import threading
import time
from collections.abc import Callable
from typing import Any

import psycopg

import sqlstore
from bench.claims import collect, drain, migrated_database, report
from bench.runner import add_tasks
from sqlstore.config import DatabaseURL
from tools.pgbouncer import running

__all__ = ["pgbouncer_fleet"]

SAMPLE_EVERY = 0.02


def _holder(url: str, stores: int, batch: int, barrier: Any, results: Any) -> None:
    """Hold ``stores`` connections; report (claimed, start, end), or the error as text."""
    report(lambda: _hold_and_claim(url, stores, batch, barrier), barrier, results)


def _hold_and_claim(url: str, stores: int, batch: int, barrier: Any) -> tuple[int, float, float]:
    """Open ``stores`` one-connection stores, then claim on each in turn until none is left."""
    from sqlstore.dao.tasks import TaskDAO

    one = url + ("&" if "?" in url else "?") + "pool_size=1&max_overflow=0"
    held = [sqlstore.connect(one) for _ in range(stores)]
    try:
        for store in held:  # every connection open (and idle) before the timing
            with store.session(readonly=True) as session:
                session.fetch_all("tasks.count_by_status", user_id=None)
        barrier.wait()
        start, claimed, turn = time.monotonic(), 0, 0
        while True:
            with held[turn % stores].session() as session:
                got = TaskDAO(session).claim(batch)
            if not got:
                break
            claimed += len(got)
            turn += 1
        end = time.monotonic()
        barrier.wait()  # every process holds its connections until all have drained
    finally:
        for store in held:
            store.close()
    return claimed, start, end


def free_connections(server_url: str) -> int:
    """Connections the server would still accept from ordinary roles now."""
    with psycopg.connect(server_url, autocommit=True) as conn:
        row = conn.execute(
            "SELECT current_setting('max_connections')::int"
            " - current_setting('superuser_reserved_connections')::int"
            " - (SELECT COUNT(*) FROM pg_stat_activity WHERE backend_type = 'client backend')"
        ).fetchone()
    return int(row[0]) if row else 0


class _Backends:
    """Samples the server's client backends on one database, from a connection to another."""

    def __init__(self, server_url: str, database: str):
        self.server_url, self.database = server_url, database
        self.peak, self.samples = 0, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        with psycopg.connect(self.server_url, autocommit=True) as conn:
            while not self._stop.is_set():
                row = conn.execute(
                    "SELECT COUNT(*) FROM pg_stat_activity"
                    " WHERE datname = %s AND backend_type = 'client backend'",
                    (self.database,),
                ).fetchone()
                self.peak = max(self.peak, int(row[0]) if row else 0)
                self.samples += 1
                self._stop.wait(SAMPLE_EVERY)

    def __enter__(self) -> _Backends:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()


def _held(
    server_url: str,
    via: Callable[[str], str] | None,
    *,
    tasks: int,
    workers: int,
    clients: int,
    batch: int,
    template: str,
) -> dict[str, Any]:
    """``clients`` connections held by ``workers`` processes draining ``tasks``: the figures."""
    ctx = multiprocessing.get_context("spawn")
    per = [clients // workers + (1 if i < clients % workers else 0) for i in range(workers)]
    with migrated_database(server_url, "sqlstore_fleet", template) as url:
        add_tasks(url, tasks, seed=11)
        database = DatabaseURL.parse(url)[0].database or ""
        target = via(url) if via else url
        barrier, results = ctx.Barrier(workers), ctx.Queue()
        procs = [
            ctx.Process(target=_holder, args=(target, n, batch, barrier, results)) for n in per
        ]
        with _Backends(server_url, database) as backends:
            for p in procs:
                p.start()
            got = collect("holding connections", procs, barrier, results)
    claimed = sum(g[0] for g in got)
    if claimed != tasks:
        raise AssertionError(f"{claimed} tasks claimed of {tasks} through {clients} connections")
    seconds = max(g[2] for g in got) - min(g[1] for g in got)
    return {
        "client_connections": sum(per),
        "server_backends_peak": backends.peak,
        "samples": backends.samples,
        "seconds": seconds,
        "tasks_per_s": tasks / seconds,
    }


def pgbouncer_fleet(
    server_url: str,
    *,
    tasks: int = 20_000,
    workers: int = 8,
    clients: int = 100,
    batch: int = 10,
    rounds: int = 3,
    echo: Callable[[str], None] = print,
) -> dict[str, Any]:
    """Claim throughput direct and through PgBouncer (median of ``rounds``), and connections."""
    seconds: dict[str, list[float]] = {"direct": [], "pgbouncer": []}
    # Each drain gets a copy of one migrated database (the pooler never connects to it).
    with (
        migrated_database(server_url, "sqlstore_fleet") as template,
        running(server_url) as bouncer,
    ):
        paths: dict[str, Callable[[str], str] | None] = {
            "direct": None,
            "pgbouncer": bouncer.through,
        }
        for n in range(max(1, rounds)):
            for path in ("direct", "pgbouncer") if n % 2 == 0 else ("pgbouncer", "direct"):
                took = drain("sqlstore", server_url, tasks, workers, batch, paths[path], template)
                seconds[path].append(took)
                echo(f"  claim throughput {path:9s} {took:.3f} s for {tasks} tasks")
        held = {}
        # The server refuses connections past max_connections, and other
        # clients share it: direct, hold no more than it has free (a margin
        # of 10 left for the others); through PgBouncer, all of them.
        room = free_connections(server_url) - 10
        for path in ("direct", "pgbouncer"):
            held[path] = _held(
                server_url,
                paths[path],
                tasks=tasks,
                workers=workers,
                clients=max(workers, min(clients, room)) if path == "direct" else clients,
                batch=batch,
                template=template,
            )
            got = held[path]
            echo(
                f"  {got['client_connections']} connections {path:9s}: "
                f"{got['server_backends_peak']} server backends at most, "
                f"{got['tasks_per_s']:,.0f} tasks/s"
            )
    mid = {path: statistics.median(s) for path, s in seconds.items()}
    return {
        "tasks": tasks,
        "workers": workers,
        "batch": batch,
        "rounds": max(1, rounds),
        "pool_mode": "transaction",
        "pgbouncer_pool_size": bouncer.pool_size,
        "seconds": seconds,
        "direct_tasks_per_s": tasks / mid["direct"],
        "pgbouncer_tasks_per_s": tasks / mid["pgbouncer"],
        "ratio": mid["pgbouncer"] / mid["direct"],
        "connections": held,
        "max_connections": _setting(server_url, "max_connections"),
    }


def _setting(server_url: str, name: str) -> str:
    with psycopg.connect(server_url, autocommit=True) as conn:
        row = conn.execute("SELECT current_setting(%s)", (name,)).fetchone()
    return str(row[0]) if row else ""
