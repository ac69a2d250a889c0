"""Run every operation with every implementation on one dialect, interleaved."""

from __future__ import annotations

import cProfile
import io
import pstats
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import Any

import sqlstore
from bench.common import (
    CLAIM_BATCH,
    IMPLEMENTATIONS,
    OPERATIONS,
    PAGE,
    Inputs,
    Measure,
    Sizes,
    measure,
)
from bench.workloads_driver import driver_workload
from bench.workloads_sqlalchemy import SQLAlchemyWorkload
from bench.workloads_sqlmodel import SQLModelWorkload
from bench.workloads_sqlstore import SqlstoreWorkload
from sqlstore.dialects import scratch_database

FACTORIES: dict[str, Callable[[str, str], Any]] = {
    "driver": driver_workload,
    "sqlstore": SqlstoreWorkload,
    "sqlalchemy": SQLAlchemyWorkload,
    "sqlmodel": SQLModelWorkload,
}


@dataclass
class DialectRun:
    """What one dialect's run measured and checked."""

    dialect: str
    version: str
    results: dict[str, dict[str, Measure]] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)
    checks: dict[str, bool] = field(default_factory=dict)
    extras: dict[str, Any] = field(default_factory=dict)
    profiles: dict[str, str] = field(default_factory=dict)


def merge_fastest(run: DialectRun, again: DialectRun) -> None:
    """Keep each operation's fastest figure per implementation; every check must hold in both.

    The fastest of several rounds is the least disturbed by the rest of the
    machine (the figure timeit reports for the same reason).
    """
    for operation, by_impl in again.results.items():
        mine = run.results.setdefault(operation, {})
        for impl, measured in by_impl.items():
            if impl not in mine or measured.seconds < mine[impl].seconds:
                mine[impl] = measured
    for name, ok in again.checks.items():
        run.checks[name] = run.checks.get(name, True) and ok


def _add_tasks(url: str, n: int) -> None:
    from sqlstore.dao.tasks import TaskDAO
    from sqlstore.models.tasks import TaskCreate

    tasks = [
        TaskCreate(endpoint="/generate", data={"n": i}, priority=i % 3, user_id=f"user{i % 50}")
        for i in range(n)
    ]
    with sqlstore.connect(url) as store, store.session() as session:
        TaskDAO(session).add_many(tasks)


def _arguments(operation: str, inputs: Inputs, sizes: Sizes) -> tuple[Any, ...]:
    return {
        "insert": (inputs.first,),
        "insert_bulk": (inputs.bulk,),
        "get": (inputs.get_ids,),
        "list": ("pending", inputs.list_rows, PAGE),
        "update_status": (inputs.update_ids,),
        "track_usage": (inputs.texts,),
        "claim": (sizes.claim // CLAIM_BATCH, CLAIM_BATCH),
    }[operation]


#: Row-at-a-time operations on which the ORMs, far slower, run a share of the rows.
SAMPLED = ("insert", "get", "update_status", "track_usage", "claim")


def _timed(
    workload: Any, operation: str, inputs: Inputs, sizes: Sizes, orm_share: float, impl: str
) -> Measure:
    """Run one operation once; an ORM runs ``orm_share`` of a row-at-a-time one, scaled up.

    Scaling a share up credits the ORM with a flat cost per row; its real cost
    only grows with the rows its session holds, so the ORM figures are, if
    anything, too kind to the ORM. The rest of an insert is loaded untimed, so
    every database holds the same rows afterwards.
    """
    args = _arguments(operation, inputs, sizes)
    wanted = sizes.rows(operation)
    share = orm_share if impl in ("sqlalchemy", "sqlmodel") and operation in SAMPLED else 1.0
    rest: list[Any] = []
    if share < 1.0:
        if operation == "claim":
            args = (max(1, round(args[0] * share)), args[1])
            measured = args[0] * args[1]
        else:
            measured = max(1, round(len(args[0]) * share))
            args, rest = (args[0][:measured],), args[0][measured:]
    else:
        measured = wanted
    method = getattr(workload, operation)
    timed = measure(lambda: method(*args))
    if _count(timed.result) != measured:
        raise AssertionError(f"{operation} {impl}: {_count(timed.result)} rows, not {measured}")
    if operation == "insert" and rest:
        workload.insert_bulk(rest)
    if measured != wanted:
        timed.seconds *= wanted / measured
        timed.rows = measured
    return timed


def _count(result: Any) -> int:
    if isinstance(result, int):
        return result
    return sum(1 for r in result if r is not None)


def _version(dialect: str, url: str) -> str:
    if dialect == "sqlite":
        import sqlite3

        return f"SQLite {sqlite3.sqlite_version}"
    import psycopg

    with psycopg.connect(url) as conn:
        v = conn.info.server_version
    return f"PostgreSQL {v // 10000}.{v % 10000}"


def _profile(call: Callable[[], Any]) -> str:
    profiler = cProfile.Profile()
    profiler.runcall(call)
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(12)
    return out.getvalue()


def run_dialect(
    dialect: str,
    server_url: str,
    sizes: Sizes,
    inputs: Inputs,
    *,
    implementations: tuple[str, ...] = IMPLEMENTATIONS,
    profile: tuple[str, ...] = (),
    orm_share: float = 1.0,
    echo: Callable[[str], None] = print,
) -> DialectRun:
    """Every operation, each implementation in turn on its own freshly migrated database."""
    with ExitStack() as stack:
        urls: dict[str, str] = {}
        for impl in implementations:
            urls[impl] = stack.enter_context(scratch_database(server_url, "sqlstore_bench"))
            with sqlstore.connect(urls[impl]) as store:
                store.migrate()
        run = DialectRun(dialect, _version(dialect, urls[implementations[0]]))
        workloads = {impl: FACTORIES[impl](dialect, urls[impl]) for impl in implementations}
        for workload in workloads.values():
            stack.callback(workload.close)
        kept: dict[str, dict[str, Any]] = {}
        for k, operation in enumerate(OPERATIONS):
            if operation == "claim":
                for impl in implementations:
                    _add_tasks(urls[impl], sizes.claim)
            run.results[operation] = {}
            # Each operation starts with a different implementation, so none is
            # always the one that runs first (or right after another's garbage).
            shift = k % len(implementations)
            for impl in implementations[shift:] + implementations[:shift]:
                timed = _timed(workloads[impl], operation, inputs, sizes, orm_share, impl)
                if impl in ("driver", "sqlstore") and operation in ("insert", "get", "list"):
                    kept.setdefault(operation, {})[impl] = timed.result
                timed.result = None
                run.results[operation][impl] = timed
                rows = f" (measured on {timed.rows})" if timed.rows else ""
                echo(f"  {operation:14s} {impl:11s} {timed.seconds:8.3f} s{rows}")
        if "driver" in workloads and "sqlstore" in workloads:
            run.checks = verify(dialect, urls["sqlstore"], inputs, kept)
        for key in profile:
            operation, _, impl = key.partition(":")
            if impl in workloads and operation in ("get", "list"):
                args = _arguments(operation, inputs, sizes)
                method = getattr(workloads[impl], operation)
                run.profiles[key] = _profile(lambda m=method, a=args: m(*a))
    return run


def _without_times(models: list[Any]) -> list[dict[str, Any]]:
    return [m.model_dump(exclude={"created_at", "completed_at"}) for m in models]


def verify(
    dialect: str, url: str, inputs: Inputs, kept: dict[str, dict[str, Any]]
) -> dict[str, bool]:
    """The bare driver and sqlstore build equal models, and COPY stored what it was given."""
    checks: dict[str, bool] = {}
    # The timed runs wrote their own databases at other times: equal but for the times.
    for operation, by_impl in kept.items():
        if {"driver", "sqlstore"} <= set(by_impl):
            a, b = by_impl["driver"], by_impl["sqlstore"]
            checks[f"{operation}: same models, timed runs"] = _without_times(a) == _without_times(b)
    # Read the same database both ways: the models must be equal, times and all.
    sample = inputs.get_ids[:50] + [g.id for g in inputs.bulk[:50]]
    bare = driver_workload(dialect, url)
    ours = SqlstoreWorkload(dialect, url)
    try:
        ours_got = ours.get(sample)
        checks["get: equal models, one database"] = bare.get(sample) == ours_got
        for status in ("pending", "processing"):
            checks[f"list {status}: equal models, one database"] = bare.list(
                status, 300, 120
            ) == ours.list(status, 300, 120)
        stored = {g.id: g for g in ours_got if g is not None}
        given = [g for g in inputs.bulk[:50]]
        checks["bulk insert stored what it was given"] = all(
            g.id in stored
            and stored[g.id].model_dump(include=set(type(g).model_fields)) == g.model_dump()
            and stored[g.id].status == "pending"
            for g in given
        )
    finally:
        bare.close()
        ours.close()
    return checks
