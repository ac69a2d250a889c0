"""The benchmark runs, at tiny sizes, on both dialects: it cannot rot unnoticed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.__main__ import main
from bench.common import IMPLEMENTATIONS, OPERATIONS, Sizes


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_benchmark_runs_and_sqlstore_builds_the_bare_drivers_models(
    dialect: str, tmp_path: Path, request: pytest.FixtureRequest, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "bench-results.json"
    args = ["--scale", "0.001", "--repeat", "2", "--dialect", dialect, "--output", str(output)]
    if dialect == "postgresql":
        args += ["--postgres-url", request.getfixturevalue("sqlstore_postgres_server")]
    assert main(args) == 0

    doc = json.loads(output.read_text())
    results = doc["results"][dialect]
    assert set(results) == set(OPERATIONS)  # the task queue exists: claim runs too
    for operation in OPERATIONS:
        assert set(results[operation]) == set(IMPLEMENTATIONS), operation
        assert all(seconds > 0 for seconds in results[operation].values()), operation
    # Read through both on the same database, the models are equal (times
    # included); the timed runs built equal models but for their times.
    checks = doc["checks"][dialect]
    assert checks["get: equal models, one database"] is True
    assert checks["list pending: equal models, one database"] is True
    assert checks["list processing: equal models, one database"] is True
    assert checks["bulk insert stored what it was given"] is True
    assert checks and all(checks.values()), checks
    extras = doc["extras"][dialect]
    assert extras["keyset_equals_offset"] is True
    assert extras["stream"]["seconds"] > 0 and extras["list_all"]["traced_peak_mib"] > 0
    targets = doc["targets"][dialect]
    assert any(t["target"].startswith("list: faster") for t in targets)

    out = capsys.readouterr().out
    assert "seconds (ratio to the bare driver)" in out
    assert "targets on" in out


def test_sizes_scale_and_stay_consistent() -> None:
    assert Sizes.scaled(1) == Sizes()
    double = Sizes.scaled(2)
    assert double.insert == 40_000 and double.stream == 200_000
    tiny = Sizes.scaled(0.0001)
    assert tiny.claim % 10 == 0 and tiny.get <= tiny.insert
    assert tiny.list <= tiny.insert + tiny.insert_bulk
