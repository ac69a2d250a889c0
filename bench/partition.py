"""What partitioning ``tasks`` buys and costs when the queue grows large (PostgreSQL).

``python -m bench.partition`` (or ``python -m bench --only partition``) builds
three scratch databases, migrated by sqlstore, whose ``tasks`` table is laid
out three ways, fills each with the same rows (``--finished`` completed or
failed tasks spread over twelve months, ``--open`` tasks queued in the last
day) and times, through sqlstore's own DAOs and SQL:

- ``plain``: sqlstore's table as its migrations create it;
- ``status``: LIST partitions on ``status``, ``tasks_open`` (created,
  not_finished, assigned, running) and ``tasks_finished`` (completed, failed),
  the finished one sub-partitioned by month of ``created_at``;
- ``time``: RANGE partitions on ``created_at``, one a month.

The figures: the load, a single insert, a claim of 10, a get by id, the
update that finishes a task (in ``status`` it moves the row between
partitions), and deleting the finished tasks of the oldest three months
(``DELETE`` on ``plain``, ``DETACH PARTITION CONCURRENTLY`` and ``DROP`` on
the others), with the claim's plan on each. sqlstore's schema is not changed:
the page docs/scaling.md reads these figures.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg

import sqlstore
from bench.claims import migrated_database
from sqlstore.check import explain
from sqlstore.dao.tasks import TaskDAO
from sqlstore.dialects import cloned_database
from sqlstore.models.tasks import TaskCreate, TaskStatus

__all__ = ["LAYOUTS", "partition_costs"]

LAYOUTS = ("plain", "status", "time")
MONTHS = 12
OLD_MONTHS = 3
COLUMNS = """
    id UUID NOT NULL,
    endpoint TEXT NOT NULL CHECK (CHAR_LENGTH(endpoint) > 0),
    data JSONB NOT NULL DEFAULT '{}'::JSONB CHECK (JSONB_TYPEOF(data) = 'object'),
    status TEXT NOT NULL DEFAULT 'created' CHECK (
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
"""
# sqlstore's indexes and trigger on tasks (migrations 0003 and 0005), made on the parent.
INDEXES = """
CREATE INDEX ix_tasks_status ON tasks (status);
CREATE INDEX ix_tasks_user_id ON tasks (user_id, created_at DESC);
CREATE INDEX ix_tasks_claim ON tasks (priority DESC, created_at, id)
WHERE status IN ('created', 'not_finished', 'failed');
CREATE INDEX ix_tasks_created_at ON tasks (created_at DESC, id DESC);
CREATE TRIGGER trg_tasks_updated_at BEFORE UPDATE ON tasks
FOR EACH ROW EXECUTE FUNCTION TASKS_TOUCH_UPDATED_AT();
"""


def _month(start: datetime, n: int) -> datetime:
    """The first of the month ``n`` months after ``start``'s."""
    total = start.year * 12 + start.month - 1 + n
    return datetime(total // 12, total % 12 + 1, 1, tzinfo=UTC)


def _ranges(now: datetime) -> list[tuple[str, datetime, datetime]]:
    """One month each, from ``MONTHS`` before ``now``'s month to two after it."""
    first = _month(now, -MONTHS)
    out = []
    for n in range(MONTHS + 3):
        lo, hi = _month(first, n), _month(first, n + 1)
        out.append((f"{lo:%Y_%m}", lo, hi))
    return out


def layout_ddl(layout: str, now: datetime) -> str:
    """The DDL that replaces sqlstore's ``tasks`` with ``layout``'s (none for plain)."""
    if layout == "plain":
        return ""
    months = _ranges(now)
    if layout == "status":
        parts = [
            f"CREATE TABLE tasks ({COLUMNS}, PRIMARY KEY (id, status, created_at))"
            " PARTITION BY LIST (status);",
            "CREATE TABLE tasks_open PARTITION OF tasks"
            " FOR VALUES IN ('created', 'not_finished', 'assigned', 'running');",
            "CREATE TABLE tasks_finished PARTITION OF tasks"
            " FOR VALUES IN ('completed', 'failed') PARTITION BY RANGE (created_at);",
        ]
        parent = "tasks_finished"
    else:
        parts = [
            f"CREATE TABLE tasks ({COLUMNS}, PRIMARY KEY (id, created_at))"
            " PARTITION BY RANGE (created_at);"
        ]
        parent = "tasks"
    for name, lo, hi in months:
        parts.append(
            f"CREATE TABLE {parent}_{name} PARTITION OF {parent}"
            f" FOR VALUES FROM ('{lo.isoformat()}') TO ('{hi.isoformat()}');"
        )
    return "DROP TABLE tasks;\n" + "\n".join(parts) + INDEXES


def _fill(
    conn: psycopg.Connection[Any], finished: int, queued: int, now: datetime, failed_every: int
) -> None:
    """The same rows on every layout: ``finished`` over ``MONTHS`` months, ``queued`` today.

    One finished task in ``failed_every`` failed for good (0: none); its retries
    are spent, but it stays in ``ix_tasks_claim``, as a failed task may be retried.
    """
    span = timedelta(days=30 * MONTHS).total_seconds()
    conn.execute(
        """
        INSERT INTO tasks (id, endpoint, data, status, priority, progress, result,
                           num_retries, user_id, assigned_at, completed_at, created_at, updated_at)
        SELECT gen_random_uuid(), '/generate', jsonb_build_object('n', i),
               CASE WHEN i %% %(every)s = 0 THEN 'failed' ELSE 'completed' END, i %% 3, 100,
               CASE WHEN i %% %(every)s = 0 THEN '{"error": "fatal"}'::jsonb
                    ELSE '{"ok": true}' END,
               1, 'user' || (i %% 500), t, t + interval '1 minute', t, t + interval '1 minute'
        FROM generate_series(1, %(n)s) AS i,
             LATERAL (SELECT %(now)s - interval '1 day'
                      - make_interval(secs => %(span)s * i / %(n)s)) AS x(t)
        """,
        {"n": finished, "now": now, "span": span, "every": failed_every or finished + 1},
    )
    conn.execute(
        """
        INSERT INTO tasks (id, endpoint, data, status, priority, user_id, created_at, updated_at)
        SELECT gen_random_uuid(), '/generate', jsonb_build_object('n', i), 'created', i %% 3,
               'user' || (i %% 500), t, t
        FROM generate_series(1, %(n)s) AS i,
             LATERAL (SELECT %(now)s - make_interval(secs => 86000.0 * i / %(n)s)) AS x(t)
        """,
        {"n": queued, "now": now},
    )
    conn.execute("ANALYZE tasks")


def _ms(times: list[float]) -> dict[str, float]:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return {"median_ms": statistics.median(ordered) * 1000, "p95_ms": p95 * 1000}


@contextmanager
def _timed(into: list[float]) -> Iterator[None]:
    start = time.perf_counter()
    yield
    into.append(time.perf_counter() - start)


def _operations(store: sqlstore.Store, repeat: int) -> dict[str, Any]:
    """Single inserts, claims of 10, gets, and the update that finishes a task."""
    inserts: list[float] = []
    claims: list[float] = []
    gets: list[float] = []
    finishes: list[float] = []
    added = []
    for i in range(repeat):
        new = TaskCreate(id=uuid.uuid4(), endpoint="/generate", data={"i": i}, user_id="u")
        with _timed(inserts), store.session() as session:
            added.append(TaskDAO(session).add(new).id)
    claimed = []
    for _ in range(repeat):
        with _timed(claims), store.session() as session:
            claimed += [t.id for t in TaskDAO(session).claim(10)]
    for id in added:
        with _timed(gets), store.session(readonly=True) as session:
            TaskDAO(session).get(id)
    for id in claimed[:repeat]:
        with store.session() as session:
            TaskDAO(session).update_status(id, TaskStatus.RUNNING, progress=50)
        with _timed(finishes), store.session() as session:
            TaskDAO(session).update_status(id, TaskStatus.COMPLETED, result={"ok": True})
    return {
        "insert": _ms(inserts),
        "claim_10": _ms(claims),
        "get": _ms(gets),
        "finish": _ms(finishes),
    }


def _purge(layout: str, conn: psycopg.Connection[Any], now: datetime) -> dict[str, Any]:
    """Delete the finished tasks of the oldest ``OLD_MONTHS`` months; seconds and rows."""
    months = _ranges(now)[:OLD_MONTHS]
    cutoff = months[-1][2]
    rows = conn.execute(
        "SELECT COUNT(*) FROM tasks WHERE created_at < %s AND status IN ('completed', 'failed')",
        (cutoff,),
    ).fetchone()
    out: dict[str, Any] = {"rows": int(rows[0]) if rows else 0}
    start = time.perf_counter()
    if layout == "plain":
        conn.execute(
            "DELETE FROM tasks WHERE created_at < %s AND status IN ('completed', 'failed')",
            (cutoff,),
        )
        out["seconds"] = time.perf_counter() - start
        start = time.perf_counter()
        conn.execute("VACUUM tasks")  # the space DELETE leaves is reused only after it
        out["vacuum_seconds"] = time.perf_counter() - start
        return out
    parent = "tasks_finished" if layout == "status" else "tasks"
    for name, _, _ in months:
        if layout == "time":  # a month may only go once no task in it is open
            left = conn.execute(
                f"SELECT 1 FROM tasks_{name} WHERE status NOT IN ('completed', 'failed') LIMIT 1"
            ).fetchone()
            if left:
                raise AssertionError(f"tasks_{name} still holds open tasks")
        conn.execute(f"ALTER TABLE {parent} DETACH PARTITION {parent}_{name} CONCURRENTLY")
        conn.execute(f"DROP TABLE {parent}_{name}")
    out["seconds"] = time.perf_counter() - start
    return out


def _claim_plan(store: sqlstore.Store) -> list[str]:
    params = {"limit": 10, "max_retries": 1, "retryable_errors": [], "now": datetime.now(UTC)}
    return explain(store, "tasks.claim", params)


def measure_layout(
    template: str, layout: str, *, finished: int, queued: int, repeat: int, failed_every: int
) -> dict[str, Any]:
    """One layout on a copy of the migrated ``template``: every figure, and the claim's plan."""
    now = datetime.now(UTC)
    with cloned_database(template, "sqlstore_partition") as url:
        with psycopg.connect(url, autocommit=True) as conn:
            if ddl := layout_ddl(layout, now):
                with conn.transaction():
                    conn.execute(ddl)
            start = time.perf_counter()
            _fill(conn, finished, queued, now, failed_every)
            load = time.perf_counter() - start
            with sqlstore.connect(url) as store:
                got = _operations(store, repeat)
                plan = _claim_plan(store)
            got["purge"] = _purge(layout, conn, now)
            size = conn.execute("SELECT pg_total_relation_size('tasks')").fetchone()
    return {
        "layout": layout,
        "load_seconds": load,
        "load_rows_per_s": (finished + queued) / load,
        **got,
        "claim_plan": plan,
        "size_mib_after": (int(size[0]) if size else 0) / 2**20,
    }


def partition_costs(
    server_url: str,
    *,
    finished: int = 1_000_000,
    queued: int = 10_000,
    repeat: int = 200,
    failed_every: int = 20,
    layouts: tuple[str, ...] = LAYOUTS,
    echo: Callable[[str], None] = print,
) -> dict[str, Any]:
    """Every layout's figures, keyed by layout."""
    out: dict[str, Any] = {
        "finished": finished,
        "open": queued,
        "repeat": repeat,
        "failed_every": failed_every,
    }
    with migrated_database(server_url, "sqlstore_partition") as template:
        for layout in layouts:
            out[layout] = _report(
                measure_layout(
                    template,
                    layout,
                    finished=finished,
                    queued=queued,
                    repeat=repeat,
                    failed_every=failed_every,
                ),
                echo,
            )
    return out


def _report(got: dict[str, Any], echo: Callable[[str], None]) -> dict[str, Any]:
    """Echo one layout's figures in a line; return them."""
    purge = got["purge"]
    vacuum = f" + VACUUM {purge['vacuum_seconds']:.2f} s" if "vacuum_seconds" in purge else ""
    echo(
        f"  {got['layout']:6s} load {got['load_rows_per_s']:,.0f} rows/s;"
        f" insert {got['insert']['median_ms']:.2f} ms, claim of 10"
        f" {got['claim_10']['median_ms']:.2f} ms, get {got['get']['median_ms']:.2f} ms,"
        f" finish {got['finish']['median_ms']:.2f} ms (medians);"
        f" purge of {purge['rows']:,} rows {purge['seconds']:.3f} s{vacuum}"
    )
    return got


def main(argv: list[str] | None = None) -> int:
    """``python -m bench.partition``: print every layout's figures and the claim's plans."""
    from bench.__main__ import DEFAULT_POSTGRES

    p = argparse.ArgumentParser(prog="python -m bench.partition", description=__doc__)
    p.add_argument("--finished", type=int, default=1_000_000, help="default %(default)s")
    p.add_argument("--open", type=int, default=10_000, help="default %(default)s")
    p.add_argument("--repeat", type=int, default=200, help="timed calls each (default 200)")
    p.add_argument(
        "--failed-every",
        type=int,
        default=20,
        help="one finished task in N failed for good (default %(default)s; 0: none)",
    )
    p.add_argument("--layout", action="append", choices=LAYOUTS, help="default all")
    p.add_argument("--postgres-url", default=DEFAULT_POSTGRES)
    args = p.parse_args(argv)
    got = partition_costs(
        args.postgres_url,
        finished=args.finished,
        queued=args.open,
        repeat=args.repeat,
        failed_every=args.failed_every,
        layouts=tuple(args.layout or LAYOUTS),
    )
    for layout in args.layout or LAYOUTS:
        print(f"\nclaim plan, {layout}:\n  " + "\n  ".join(got[layout]["claim_plan"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
