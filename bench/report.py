"""The tables, the targets and bench-results.json."""

from __future__ import annotations

import json
import os
import platform
import sqlite3
import statistics
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from bench.common import IMPLEMENTATIONS, LABELS, OPERATIONS, Sizes
from bench.runner import DialectRun

#: The issue's targets.
AT_MOST_BASELINE = 1.10
ORM_FASTER = 2.5
COLD_START_MS = 150.0


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cores": os.cpu_count(),
        "cpu": cpu,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "sqlite": sqlite3.sqlite_version,
    }


def judged_by(dialect: str) -> str:
    """SQLite is judged by client CPU time (it runs in the process); PostgreSQL by wall time."""
    return "cpu" if dialect == "sqlite" else "seconds"


def ratios(
    run: DialectRun, operation: str, impl: str, kind: str, base: str = "driver"
) -> list[float]:
    """``impl`` over ``base`` in each round that ran both (``kind``: "cpu" or "seconds")."""
    out = []
    for measured in run.rounds:
        got = measured.get(operation, {})
        if impl in got and base in got and getattr(got[base], kind) > 0:
            out.append(getattr(got[impl], kind) / getattr(got[base], kind))
    return out


def spread(values: list[float]) -> tuple[float, float] | None:
    """The median and the least of ``values``."""
    return (statistics.median(values), min(values)) if values else None


def _median(run: DialectRun, operation: str, impl: str, kind: str) -> float | None:
    got = [getattr(r[operation][impl], kind) for r in run.rounds if impl in r.get(operation, {})]
    return statistics.median(got) if got else None


def _x(pair: tuple[float, float] | None) -> str:
    return "-" if pair is None else f"{pair[0]:.2f}x ({pair[1]:.2f}x)"


def table(run: DialectRun, sizes: Sizes) -> str:
    """Per operation: the baseline's times, and each implementation's ratios to it (markdown)."""
    orms = [i for i in IMPLEMENTATIONS[2:] if any(i in r for r in run.rounds[0].values())]
    kind = judged_by(run.dialect)
    head = [
        "operation",
        "rows",
        "driver wall ms",
        "driver CPU ms",
        "sqlstore CPU: median (min)",
        "sqlstore wall: median (min)",
        *(f"{o} {'CPU' if kind == 'cpu' else 'wall'}" for o in orms),
    ]
    lines = [
        f"{run.version}: {len(run.rounds)} rounds; ratios to the bare driver, per round",
        "| " + " | ".join(head) + " |",
        "|---|" + "---:|" * (len(head) - 1),
    ]
    for operation in OPERATIONS:
        if not any(operation in r for r in run.rounds):
            continue
        wall, cpu = (_median(run, operation, "driver", k) for k in ("seconds", "cpu"))
        cells = [
            LABELS[operation],
            f"{sizes.rows(operation):,}",
            "-" if wall is None else f"{wall * 1000:.1f}",
            "-" if cpu is None else f"{cpu * 1000:.1f}",
            _x(spread(ratios(run, operation, "sqlstore", "cpu"))),
            _x(spread(ratios(run, operation, "sqlstore", "seconds"))),
        ]
        for orm in orms:
            r = ratios(run, operation, orm, kind)
            scaled = (
                "*"
                if run.rounds[0].get(operation, {}).get(orm, None)
                and (run.rounds[0][operation][orm].rows)
                else ""
            )
            cells.append(f"{r[0]:.2f}x{scaled}" if r else "-")
        lines.append("| " + " | ".join(cells) + " |")
    if orms:
        lines.append(
            "ORMs: one round; * run on a share of the rows, the time scaled up to the full size"
        )
    return "\n".join(lines)


def targets(run: DialectRun) -> list[dict[str, Any]]:
    """Each of the issue's targets on this dialect: held or not, with the figures."""
    out: list[dict[str, Any]] = []
    kind = judged_by(run.dialect)
    by = "CPU" if kind == "cpu" else "wall"

    def add(target: str, holds: bool | None, detail: str) -> None:
        out.append({"target": target, "holds": holds, "detail": detail})

    if run.mode == "async":
        _async_targets(run, add)
        return out
    for operation in OPERATIONS:
        pair = spread(ratios(run, operation, "sqlstore", kind))
        if pair is not None:
            add(
                f"{LABELS[operation]}: at most {AT_MOST_BASELINE:.2f}x the baseline ({by})",
                pair[0] <= AT_MOST_BASELINE,
                f"median {pair[0]:.2f}x, min {pair[1]:.2f}x",
            )
        orm = ratios(run, operation, "sqlalchemy", kind, base="sqlstore")
        if orm:
            add(
                f"{LABELS[operation]}: at least {ORM_FASTER}x faster than the SQLAlchemy ORM",
                orm[0] >= ORM_FASTER,
                f"{orm[0]:.1f}x",
            )
    pair = spread(ratios(run, "list", "sqlstore", kind))
    if pair is not None:
        add("list: into models no slower than the baseline", pair[0] <= 1.0, f"{pair[0]:.2f}x")
    if run.dialect == "postgresql":
        pair = spread(ratios(run, "insert_bulk", "sqlstore", "seconds"))
        if pair is not None:
            add(
                f"bulk: at COPY speed (at most {AT_MOST_BASELINE:.2f}x the hand-written COPY)",
                pair[0] <= AT_MOST_BASELINE,
                f"{pair[0]:.2f}x",
            )
    _extra_targets(run.extras, add)
    for name, ok in run.checks.items():
        add(f"check: {name}", ok, "equal" if ok else "DIFFERENT")
    return out


def _async_targets(run: DialectRun, add: Any) -> None:
    """The async issue's targets: PostgreSQL's are judged; SQLite's ratios are only reported."""
    kind = judged_by(run.dialect)
    by = "CPU" if kind == "cpu" else "wall"
    judged = run.dialect == "postgresql"
    for operation in OPERATIONS:
        pair = spread(ratios(run, operation, "sqlstore", kind))
        if pair is not None:
            what = f"at most {AT_MOST_BASELINE:.2f}x the async baseline" if judged else "no target"
            add(
                f"async {LABELS[operation]}: {what} ({by})",
                pair[0] <= AT_MOST_BASELINE if judged else None,
                f"median {pair[0]:.2f}x, min {pair[1]:.2f}x",
            )
    gets = run.extras.get("concurrent_gets")
    if gets:
        add(
            f"async: {gets['coroutines']} concurrent gets on a pool of {gets['pool']}, "
            f"at most {AT_MOST_BASELINE:.2f}x the time of psycopg async by hand",
            gets["ratio"] <= AT_MOST_BASELINE,
            f"{gets['ratio']:.2f}x ({gets['sqlstore_gets_per_s']:,.0f} against "
            f"{gets['driver_gets_per_s']:,.0f} gets/s; autocommit by hand "
            f"{gets['driver_autocommit_gets_per_s']:,.0f})",
        )
    for name, ok in run.checks.items():
        add(f"check: async {name}", ok, "equal" if ok else "DIFFERENT")


def _extra_targets(ex: dict[str, Any], add: Any) -> None:
    if "stream" in ex and "list_all" in ex:
        s, w = ex["stream"]["traced_peak_mib"], ex["list_all"]["traced_peak_mib"]
        add(
            f"stream {ex['rows']} rows in bounded memory",
            s <= 0.1 * w,
            f"stream peak {s:.1f} MiB vs {w:.1f} MiB holding them all",
        )
    if "deep_keyset_ms" in ex:
        first, deep = ex["first_page_ms"], ex["deep_keyset_ms"]
        add(
            "deep keyset page costs about the first page",
            deep <= 1.5 * first and bool(ex.get("keyset_equals_offset")),
            f"first {first:.2f} ms, keyset at row {ex['depth']} {deep:.2f} ms "
            f"(offset {ex['deep_offset_ms']:.2f} ms)",
        )
    cold = ex.get("cold_start")
    if cold:
        add(
            "cold start (import, connect, every SQL file, first query) "
            f"under {COLD_START_MS:.0f} ms",
            cold["total_ms"] < COLD_START_MS,
            f"{cold['total_ms']:.0f} ms median of {cold['runs']} runs",
        )
    claims = ex.get("claim_throughput")
    if claims:
        add(
            f"claim throughput: at most {AT_MOST_BASELINE:.2f}x the hand-written loop's time",
            claims["ratio"] <= AT_MOST_BASELINE,
            f"{claims['ratio']:.2f}x ({claims['sqlstore_tasks_per_s']:,.0f} against "
            f"{claims['driver_tasks_per_s']:,.0f} tasks/s)",
        )
    _fleet_figures(ex, add)


def _fleet_figures(ex: dict[str, Any], add: Any) -> None:
    """PgBouncer and partitioning: reported, with no target."""
    bouncer = ex.get("pgbouncer")
    if bouncer:
        add(
            f"claim throughput of {bouncer['workers']} processes through PgBouncer "
            "(transaction mode) against direct",
            None,
            f"{bouncer['ratio']:.2f}x the time ({bouncer['pgbouncer_tasks_per_s']:,.0f} against "
            f"{bouncer['direct_tasks_per_s']:,.0f} tasks/s)",
        )
        direct, pooled = bouncer["connections"]["direct"], bouncer["connections"]["pgbouncer"]
        add(
            f"client connections held by {bouncer['workers']} processes: the server's "
            "backends, direct and through PgBouncer",
            None,
            f"{direct['client_connections']} direct: {direct['server_backends_peak']} backends, "
            f"{direct['tasks_per_s']:,.0f} tasks/s; {pooled['client_connections']} through "
            f"PgBouncer: {pooled['server_backends_peak']} backends, "
            f"{pooled['tasks_per_s']:,.0f} tasks/s",
        )
    parts = ex.get("partition")
    if parts:
        for layout in ("plain", "status", "time"):
            got = parts.get(layout)
            if got:
                add(
                    f"tasks laid out {layout}: {parts['finished']:,} finished, "
                    f"{parts['open']:,} open (median ms)",
                    None,
                    f"claim of 10 {got['claim_10']['median_ms']:.2f}, insert "
                    f"{got['insert']['median_ms']:.2f}, get {got['get']['median_ms']:.2f}, "
                    f"finish {got['finish']['median_ms']:.2f}; purge of "
                    f"{got['purge']['rows']:,} old rows {got['purge']['seconds'] * 1000:.0f}",
                )


def print_targets(run: DialectRun) -> str:
    """The targets as a markdown table with a held/missed column."""
    lines = [f"targets on {run.version}:", "| target | held | figure |", "|---|---|---|"]
    for t in targets(run):
        mark = "reported" if t["holds"] is None else "held" if t["holds"] else "**missed**"
        lines.append(f"| {t['target']} | {mark} | {t['detail']} |")
    return "\n".join(lines)


def write_json(
    path: Path,
    runs: list[DialectRun],
    sizes: Sizes,
    skipped: dict[str, str],
    *,
    orm_share: float = 1.0,
    async_runs: Sequence[DialectRun] = (),
) -> None:
    """bench-results.json: per dialect and operation, each round's figures and the ratios.

    The async section (``async_runs``) is under "async", laid out the same way.
    """
    doc: dict[str, Any] = {
        "machine": machine(),
        "sizes": asdict(sizes),
        "orm_share": orm_share,
        "results": {},
        "ratios": {},
        "skipped": {**{d: {"*": why} for d, why in skipped.items()}},
        "checks": {},
        "extras": {},
        "targets": {},
    }
    for run in runs:
        doc["machine"][run.dialect] = run.version
        _add_run(doc, run)
    if async_runs:
        doc["async"] = {key: {} for key in ("results", "ratios", "checks", "extras", "targets")}
        for run in async_runs:
            _add_run(doc["async"], run)
    path.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")


def _add_run(doc: dict[str, Any], run: DialectRun) -> None:
    """One dialect's figures, ratios, checks, extras and targets into ``doc``."""
    results: dict[str, Any] = {}
    for operation in OPERATIONS:
        for impl in IMPLEMENTATIONS:
            got = [r[operation][impl] for r in run.rounds if impl in r.get(operation, {})]
            if got:
                results.setdefault(operation, {})[impl] = {
                    "wall": [m.seconds for m in got],
                    "cpu": [m.cpu for m in got],
                    "peak_mib": [m.peak_mib for m in got],
                    "scaled_from_rows": got[0].rows,
                }
    doc["results"][run.dialect] = results
    doc["ratios"][run.dialect] = {
        op: {
            impl: {
                f"{k}_{stat}": v
                for k, name in (("cpu", "cpu"), ("wall", "seconds"))
                if (pair := spread(ratios(run, op, impl, name)))
                for stat, v in zip(("median", "min"), pair, strict=True)
            }
            for impl in IMPLEMENTATIONS[1:]
            if ratios(run, op, impl, "cpu")
        }
        for op in OPERATIONS
    }
    if run.skipped:
        doc.setdefault("skipped", {})[run.dialect] = run.skipped
    doc["checks"][run.dialect] = run.checks
    doc["extras"][run.dialect] = run.extras
    doc["targets"][run.dialect] = targets(run)
