"""The benchmark runs, at tiny sizes, on both dialects: it cannot rot unnoticed."""

from __future__ import annotations

import gc
import json
import multiprocessing
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

import bench.claims
import bench.fleet
from bench.__main__ import ASYNC_LABEL, main
from bench.checks import ModelsDiffer, same
from bench.claims import claim_throughput
from bench.coldstart import cold_start
from bench.common import IMPLEMENTATIONS, OPERATIONS, Sizes, generations
from bench.replicas import replica_throughput
from bench.report import targets
from bench.runner import DialectRun
from tests.bench_faults import MESSAGE, OneWorkerFails
from tests.pg_replica import ReplicaCluster


@pytest.fixture(autouse=True)
def _suite_heap_frozen() -> Iterator[None]:
    """The suite's own objects left out of the bench's collections while it runs.

    The bench collects garbage before each measurement, as it must in a process
    of its own; in the suite's process each collection also walks every object
    pytest and the modules before hold, 0.1 to 0.3 s each, about 50 per run.
    Frozen, a collection walks only what the bench made, as in ``make bench``.
    """
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _run_bench(dialect: str, tmp_path: Path, request: pytest.FixtureRequest, *args: str) -> Any:
    """Run the bench at a tiny size on ``dialect`` with ``args``; its bench-results.json."""
    output = tmp_path / "bench-results.json"
    argv = ["--scale", "0.001", "--dialect", dialect, "--output", str(output), *args]
    if dialect == "postgresql":
        argv += ["--postgres-url", request.getfixturevalue("sqlstore_postgres_server")]
    assert main(argv) == 0
    return json.loads(output.read_text())


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_benchmark_runs_and_sqlstore_builds_the_bare_drivers_models(
    dialect: str, tmp_path: Path, request: pytest.FixtureRequest, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = _run_bench(dialect, tmp_path, request, "--repeat", "2", "--only", "operations")
    results = doc["results"][dialect]
    assert set(results) == set(OPERATIONS)  # the task queue exists: both claims run too
    for operation in OPERATIONS:
        assert set(results[operation]) == set(IMPLEMENTATIONS), operation
        # Two rounds of the driver and sqlstore, one of each ORM; wall and CPU both taken.
        assert len(results[operation]["driver"]["wall"]) == 2
        assert len(results[operation]["sqlstore"]["cpu"]) == 2
        assert len(results[operation]["sqlalchemy"]["wall"]) == 1
        for figures in results[operation].values():
            assert all(s > 0 for s in figures["wall"]) and all(s >= 0 for s in figures["cpu"])
        ratio = doc["ratios"][dialect][operation]["sqlstore"]
        assert 0 < ratio["cpu_min"] <= ratio["cpu_median"]
        assert 0 < ratio["wall_min"] <= ratio["wall_median"]
    # Every operation's models were compared (a difference would have raised),
    # and one database read both ways gave equal models, times included.
    checks = doc["checks"][dialect]
    for operation in OPERATIONS:
        assert checks[f"{operation}: equal models, timed runs"] is True
    assert checks["get: equal models, one database"] is True
    assert checks["list pending: equal models, one database"] is True
    assert checks["bulk insert stored what it was given"] is True
    extras = doc["extras"][dialect]
    assert extras["keyset_equals_offset"] is True
    assert extras["stream"]["seconds"] > 0 and extras["list_all"]["traced_peak_mib"] > 0
    names = [t["target"] for t in doc["targets"][dialect]]
    assert any("at most 1.10x the baseline" in n for n in names)
    assert any("2.5x faster than the SQLAlchemy ORM" in n for n in names)

    out = capsys.readouterr().out
    assert "ratios to the bare driver, per round" in out
    assert "| target | held | figure |" in out


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_async_section_runs_and_sqlstore_aio_builds_the_hand_written_models(
    dialect: str, tmp_path: Path, request: pytest.FixtureRequest, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ("--repeat", "1", "--only", "async", "--aio-coroutines", "30", "--aio-gets", "2")
    doc = _run_bench(dialect, tmp_path, request, *args)
    assert not any(doc["results"].values())  # the blocking operations did not run
    section = doc["async"]
    results = section["results"][dialect]
    assert set(results) == set(OPERATIONS)
    for operation in OPERATIONS:
        assert set(results[operation]) == {"driver", "sqlstore"}, operation
        for figures in results[operation].values():
            assert len(figures["wall"]) == 1 and figures["wall"][0] > 0
        assert section["ratios"][dialect][operation]["sqlstore"]["wall_median"] > 0
    # Every operation's models were compared with the hand-written async code's.
    checks = section["checks"][dialect]
    for operation in OPERATIONS:
        assert checks[f"{operation}: equal models, timed runs"] is True
    assert checks["get: equal models, one database"] is True
    assert checks["bulk insert stored what it was given"] is True
    judged = {t["target"]: t["holds"] for t in section["targets"][dialect]}
    per_operation = [t for t in judged if t.startswith("async get by id")]
    if dialect == "postgresql":
        gets = section["extras"][dialect]["concurrent_gets"]
        assert gets["coroutines"] == 30 and gets["pool"] == 10 and gets["equal_models"] is True
        assert gets["sqlstore_gets_per_s"] > 0 and gets["driver_gets_per_s"] > 0
        assert gets["driver_autocommit_gets_per_s"] > 0 and gets["ratio"] > 0
        assert per_operation == ["async get by id: at most 1.10x the async baseline (wall)"]
        assert any("30 concurrent gets on a pool of 10" in t for t in judged)
    else:
        # SQLite's async path is reported with no target.
        assert per_operation == ["async get by id: no target (CPU)"]
        assert judged[per_operation[0]] is None
        assert "concurrent_gets" not in section["extras"][dialect]

    out = capsys.readouterr().out
    assert f"{ASYNC_LABEL[dialect]}: 1 rounds; ratios to the bare driver" in out


def test_a_model_that_differs_fails_the_run() -> None:
    a, b = generations(3, seed=1), generations(3, seed=1)
    same("insert", a, b)
    with pytest.raises(ModelsDiffer, match="model 2"):
        same("insert", a, [*b[:2], b[2].model_copy(update={"channels": 3 - b[2].channels})])
    with pytest.raises(ModelsDiffer, match="3 models against 2"):
        same("get", a, b[:2])
    with pytest.raises(ModelsDiffer):
        same("insert_bulk", 3, 2)


def test_cold_start_is_measured_in_a_fresh_process(tmp_path: Path) -> None:
    got = cold_start(runs=1, echo=lambda _: None)
    assert got["queries"] > 0
    assert 0 < got["import_ms"] < got["total_ms"] < got["process_ms"]
    run = DialectRun("sqlite", "SQLite", extras={"cold_start": got})
    assert any(t["target"].startswith("cold start") for t in targets(run))


def test_claim_throughput_drains_the_queue_exactly_once(sqlstore_postgres_server: str) -> None:
    got = claim_throughput(
        sqlstore_postgres_server, tasks=60, workers=2, rounds=1, echo=lambda _: None
    )
    assert got["driver_tasks_per_s"] > 0 and got["sqlstore_tasks_per_s"] > 0 and got["ratio"] > 0


def _raised_within(seconds: float, faulty: OneWorkerFails, section: Callable[[], Any]) -> Any:
    """What ``section`` raised, run on a thread with a deadline.

    A section still waiting on a failed worker after ``seconds`` fails the
    test instead of hanging the run.
    """
    raised: list[BaseException | None] = []

    def run() -> None:
        try:
            section()
            raised.append(None)
        except BaseException as exc:
            raised.append(exc)

    started = time.monotonic()
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    try:
        assert raised, f"the section still waits {time.monotonic() - started:.0f} s on"
    finally:
        for process in faulty.processes:
            if process.is_alive():
                process.kill()
    return raised[0]


@pytest.mark.parametrize(
    ("impl", "where"), [("driver", "connect"), ("sqlstore", "claim"), ("sqlstore", "exit")]
)
def test_a_failing_claim_worker_fails_the_section_at_once(
    impl: str, where: str, sqlstore_postgres_server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One worker fails (tests/bench_faults.py): the section raises its error, not a timeout."""
    # The section drains with the driver first, then with sqlstore: two workers each.
    context = multiprocessing.get_context("spawn")
    faulty = OneWorkerFails(context, 0 if impl == "driver" else 2, where)
    monkeypatch.setattr(
        bench.claims, "multiprocessing", SimpleNamespace(get_context=lambda _: faulty)
    )
    error = _raised_within(
        60,
        faulty,
        lambda: claim_throughput(
            sqlstore_postgres_server, tasks=60, workers=2, rounds=1, echo=lambda _: None
        ),
    )
    assert isinstance(error, RuntimeError), error
    said = "died with exit code 3" if where == "exit" else f"RuntimeError: {MESSAGE} ({where})"
    assert said in str(error) and f"claim worker ({impl})" in str(error)
    assert len(faulty.processes) == (2 if impl == "driver" else 4)


@pytest.mark.parametrize("where", ["claim", "exit"])
def test_a_failing_connection_holder_fails_the_fleet_section_at_once(
    where: str, sqlstore_postgres_server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The pgbouncer section's holders (bench/fleet.py) report as the claim workers do."""
    faulty = OneWorkerFails(multiprocessing.get_context("spawn"), 1, where)
    monkeypatch.setattr(
        bench.fleet, "multiprocessing", SimpleNamespace(get_context=lambda _: faulty)
    )

    def section() -> None:
        with bench.claims.migrated_database(sqlstore_postgres_server, "fleetfault") as template:
            bench.fleet._held(
                sqlstore_postgres_server,
                None,
                tasks=60,
                workers=2,
                clients=2,
                batch=10,
                template=template,
            )

    error = _raised_within(60, faulty, section)
    assert isinstance(error, RuntimeError), error
    said = "died with exit code 3" if where == "exit" else f"RuntimeError: {MESSAGE} ({where})"
    assert said in str(error), error


def test_pgbouncer_and_partition_sections_run(
    tmp_path: Path, request: pytest.FixtureRequest, capsys: pytest.CaptureFixture[str]
) -> None:
    request.getfixturevalue("pgbouncer")  # skips (or fails in CI) without pgbouncer
    args = ("--repeat", "1", "--only", "pgbouncer", "--only", "partition")
    tiny = ("--claim-workers", "2", "--pgbouncer-clients", "6", "--partition-finished", "400000")
    doc = _run_bench("postgresql", tmp_path, request, *args, *tiny)
    extras = doc["extras"]["postgresql"]
    bouncer = extras["pgbouncer"]
    assert bouncer["tasks"] == 20 and bouncer["workers"] == 2 and bouncer["ratio"] > 0
    assert bouncer["direct_tasks_per_s"] > 0 and bouncer["pgbouncer_tasks_per_s"] > 0
    held = bouncer["connections"]
    assert held["pgbouncer"]["client_connections"] == 6
    # Through the pooler two processes, each in one transaction at a time, need
    # about two server sessions, fewer than the connections they hold; direct,
    # every held connection is a backend.
    assert 1 <= held["pgbouncer"]["server_backends_peak"] < 6
    assert held["direct"]["server_backends_peak"] >= held["direct"]["client_connections"]
    parts = extras["partition"]
    assert parts["finished"] == 400 and parts["open"] == 50
    for layout in ("plain", "status", "time"):
        got = parts[layout]
        assert got["claim_10"]["median_ms"] > 0 and got["finish"]["median_ms"] > 0
        assert got["purge"]["rows"] > 0 and got["purge"]["seconds"] > 0
        assert any("Limit" in line for line in got["claim_plan"])
    assert any("Merge Append" in line for line in parts["status"]["claim_plan"])
    out = capsys.readouterr().out
    assert "through PgBouncer (transaction mode) against direct" in out
    assert "tasks laid out status" in out


def test_sizes_scale_and_stay_consistent() -> None:
    assert Sizes.scaled(1) == Sizes()
    double = Sizes.scaled(2)
    assert double.insert == 40_000 and double.stream == 200_000
    tiny = Sizes.scaled(0.0001)
    assert tiny.claim % 10 == 0 and tiny.get <= tiny.insert
    assert tiny.list <= tiny.insert + tiny.insert_bulk


def test_replicas_section_reads_through_0_1_and_2_replicas(replica_cluster: ReplicaCluster) -> None:
    printed: list[str] = []
    out = replica_throughput(
        threads=2, per=10, rounds=1, users=20, cluster=replica_cluster, echo=printed.append
    )
    assert set(out["gets_per_second"]) == {0, 1, 2}
    assert all(rate > 0 for rate in out["gets_per_second"].values())
    assert out["ratio_to_none"][0] == 1.0
    assert "shows the overhead" in printed[-1] and "not the gain" in printed[-1]
