"""Run every operation with every implementation on one dialect, in rounds, interleaved."""

from __future__ import annotations

import cProfile
import io
import pstats
import random
import uuid
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import Any

import sqlstore
from bench.checks import compare_one_database, compare_timed, digest
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

#: The implementations run in every round; the ORMs, far slower, run in the first only.
EVERY_ROUND = ("driver", "sqlstore")

Round = dict[str, dict[str, Measure]]


@dataclass
class DialectRun:
    """What one dialect's rounds measured and checked."""

    dialect: str
    version: str
    rounds: list[Round] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)
    checks: dict[str, bool] = field(default_factory=dict)
    extras: dict[str, Any] = field(default_factory=dict)
    profiles: dict[str, str] = field(default_factory=dict)
    #: "async": sqlstore.aio against async code by hand; judged against the target on
    #: PostgreSQL only (SQLite's thread per connection is reported, with no target).
    mode: str = "blocking"


def add_tasks(url: str, n: int, seed: int) -> None:
    """Queue ``n`` tasks with ids from ``seed``: every implementation claims the same tasks."""
    from sqlstore.dao.tasks import TaskDAO
    from sqlstore.models.tasks import TaskCreate

    rng = random.Random(seed)
    tasks = [
        TaskCreate(
            id=uuid.UUID(int=rng.getrandbits(128), version=4),
            endpoint="/generate",
            data={"n": i},
            priority=i % 3,
            user_id=f"user{i % 50}",
        )
        for i in range(n)
    ]
    with sqlstore.connect(url) as store, store.session() as session:
        for start in range(0, n, 5000):
            TaskDAO(session).add_many(tasks[start : start + 5000])


def _call(operation: str, inputs: Inputs, sizes: Sizes) -> tuple[str, tuple[Any, ...]]:
    """The workload method an operation calls, and its arguments."""
    return {
        "insert": ("insert", (inputs.first,)),
        "insert_bulk": ("insert_bulk", (inputs.bulk,)),
        "get": ("get", (inputs.get_ids,)),
        "list": ("list", ("pending", inputs.list_rows, PAGE)),
        "update_status": ("update_status", (inputs.update_ids,)),
        "track_usage": ("track_usage", (inputs.texts,)),
        "claim_one": ("claim", (sizes.claim_one, 1)),
        "claim": ("claim", (sizes.claim // CLAIM_BATCH, CLAIM_BATCH)),
    }[operation]


#: Row-at-a-time operations on which the ORMs, far slower, run a share of the rows.
SAMPLED = ("insert", "get", "update_status", "track_usage", "claim_one", "claim")


def _timed(
    workload: Any, operation: str, inputs: Inputs, sizes: Sizes, orm_share: float, impl: str
) -> Measure:
    """Run one operation once; an ORM runs ``orm_share`` of a row-at-a-time one, scaled up.

    Scaling a share up credits the ORM with a flat cost per row; its real cost
    only grows with the rows its session holds, so the ORM figures are, if
    anything, too kind to the ORM. The rest of an insert is loaded untimed, so
    every database holds the same rows afterwards.
    """
    name, args = _call(operation, inputs, sizes)
    wanted = sizes.rows(operation)
    share = orm_share if impl in ("sqlalchemy", "sqlmodel") and operation in SAMPLED else 1.0
    rest: list[Any] = []
    if share < 1.0:
        if name == "claim":
            args = (max(1, round(args[0] * share)), args[1])
            measured = args[0] * args[1]
        else:
            measured = max(1, round(len(args[0]) * share))
            args, rest = (args[0][:measured],), args[0][measured:]
    else:
        measured = wanted
    method = getattr(workload, name)
    timed = measure(lambda: method(*args))
    if _count(timed.result) != measured:
        raise AssertionError(f"{operation} {impl}: {_count(timed.result)} rows, not {measured}")
    if operation == "insert" and rest:
        workload.insert_bulk(rest)
    if measured != wanted:
        timed.seconds *= wanted / measured
        timed.cpu *= wanted / measured
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


def run_round(
    run: DialectRun,
    server_url: str,
    sizes: Sizes,
    inputs: Inputs,
    implementations: tuple[str, ...],
    *,
    number: int = 0,
    orm_share: float = 1.0,
    profile: tuple[str, ...] = (),
    echo: Callable[[str], None] = print,
    factories: dict[str, Callable[[str, str], Any]] = FACTORIES,
) -> None:
    """One round: every operation, each implementation on its own freshly migrated database.

    The order rotates with the operation and the round, so no implementation
    always runs first (or right after another's garbage). The bare driver's
    and sqlstore's results are compared after each operation: they must be
    equal models, or the round raises.
    """
    dialect = run.dialect
    with ExitStack() as stack:
        urls: dict[str, str] = {}
        for impl in implementations:
            urls[impl] = stack.enter_context(scratch_database(server_url, "sqlstore_bench"))
            with sqlstore.connect(urls[impl]) as store:
                store.migrate()
        if not run.version:
            run.version = _version(dialect, urls[implementations[0]])
        workloads = {impl: factories[impl](dialect, urls[impl]) for impl in implementations}
        for workload in workloads.values():
            stack.callback(workload.close)
        measured: Round = {}
        for k, operation in enumerate(OPERATIONS):
            if operation.startswith("claim"):
                for impl in implementations:
                    add_tasks(urls[impl], sizes.rows(operation), seed=k)
            measured[operation] = {}
            shift = (k + number) % len(implementations)
            results: dict[str, Any] = {}
            for impl in implementations[shift:] + implementations[:shift]:
                timed = _timed(workloads[impl], operation, inputs, sizes, orm_share, impl)
                if impl in EVERY_ROUND:
                    results[impl] = digest(operation, timed.result)
                timed.result = None
                measured[operation][impl] = timed
                rows = f" (measured on {timed.rows})" if timed.rows else ""
                echo(
                    f"  {operation:14s} {impl:11s} {timed.seconds:8.3f} s wall "
                    f"{timed.cpu:8.3f} s CPU{rows}"
                )
            if set(EVERY_ROUND) <= set(results):
                name = f"{operation}: equal models, timed runs"
                run.checks[name] = compare_timed(operation, results["driver"], results["sqlstore"])
        run.rounds.append(measured)
        if number == 0 and set(EVERY_ROUND) <= set(urls):
            run.checks.update(compare_one_database(dialect, urls["sqlstore"], inputs, factories))
        for key in profile:
            operation, _, impl = key.partition(":")
            if impl in workloads and operation in ("get", "list"):
                name, args = _call(operation, inputs, sizes)
                method = getattr(workloads[impl], name)
                run.profiles[key] = _profile(lambda m=method, a=args: m(*a))


def run_dialect(
    dialect: str,
    server_url: str,
    sizes: Sizes,
    inputs: Inputs,
    *,
    implementations: tuple[str, ...] = IMPLEMENTATIONS,
    repeat: int = 1,
    profile: tuple[str, ...] = (),
    orm_share: float = 1.0,
    echo: Callable[[str], None] = print,
    factories: dict[str, Callable[[str, str], Any]] = FACTORIES,
) -> DialectRun:
    """``repeat`` rounds on one dialect: every implementation in the first, then driver and ours."""
    run = DialectRun(dialect, "")
    for number in range(max(1, repeat)):
        impls = (
            implementations
            if number == 0
            else tuple(i for i in implementations if i in EVERY_ROUND)
        )
        echo(f"-- {dialect}, round {number + 1} of {repeat}: {', '.join(impls)}")
        run_round(
            run,
            server_url,
            sizes,
            inputs,
            impls,
            number=number,
            orm_share=orm_share,
            profile=profile if number == 0 else (),
            echo=echo,
            factories=factories,
        )
    return run
