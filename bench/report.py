"""The tables, the targets and bench-results.json."""

from __future__ import annotations

import json
import os
import platform
import sqlite3
from dataclasses import asdict
from pathlib import Path
from typing import Any

from bench.common import IMPLEMENTATIONS, LABELS, OPERATIONS, Sizes
from bench.runner import DialectRun


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


def _ratio(run: DialectRun, operation: str, impl: str, base: str = "driver") -> float | None:
    got = run.results.get(operation, {})
    if impl not in got or base not in got or got[base].seconds <= 0:
        return None
    return got[impl].seconds / got[base].seconds


def table(run: DialectRun, sizes: Sizes) -> str:
    """Seconds per operation and implementation, with the ratio to the bare driver."""
    impls = [i for i in IMPLEMENTATIONS if any(i in r for r in run.results.values())]
    head = f"{'operation':17s} {'rows':>7s}" + "".join(f" {i:>17s}" for i in impls)
    lines = [run.version + ": seconds (ratio to the bare driver)", head, "-" * len(head)]
    mem = ["peak MiB (resident growth)", head, "-" * len(head)]
    for operation in OPERATIONS:
        if operation in run.skipped:
            lines.append(f"{LABELS[operation]:17s} skipped: {run.skipped[operation]}")
            continue
        got = run.results.get(operation)
        if not got:
            continue
        cells, mcells = [], []
        for impl in impls:
            if impl not in got:
                cells.append(f" {'-':>17s}")
                mcells.append(f" {'-':>17s}")
                continue
            ratio = _ratio(run, operation, impl)
            text = f"{got[impl].seconds:.3f}" + ("*" if got[impl].rows else "")
            if impl != "driver" and ratio is not None:
                text += f" ({ratio:.2f}x)"
            cells.append(f" {text:>17s}")
            peak = got[impl].peak_mib
            mcells.append(f" {'?' if peak is None else f'{peak:.1f}':>17s}")
        row = f"{LABELS[operation]:17s} {sizes.rows(operation):7d}"
        lines.append(row + "".join(cells))
        mem.append(row + "".join(mcells))
    if any(m.rows for r in run.results.values() for m in r.values()):
        lines.append("* run on a share of the rows, the seconds scaled up to the full size")
    return "\n".join([*lines, "", *mem])


def targets(run: DialectRun) -> list[dict[str, Any]]:
    """Each of the issue's targets on this dialect: held or not, with the figures."""
    out: list[dict[str, Any]] = []

    def add(target: str, holds: bool | None, detail: str) -> None:
        out.append({"target": target, "holds": holds, "detail": detail})

    for operation in OPERATIONS:
        ratio = _ratio(run, operation, "sqlstore")
        if ratio is not None:
            add(f"{operation}: sqlstore <= 1.10x driver", ratio <= 1.10, f"{ratio:.2f}x")
        orm = _ratio(run, operation, "sqlalchemy", base="sqlstore")
        if orm is not None:
            add(f"{operation}: sqlstore >= 2x faster than SQLAlchemy", orm >= 2, f"{orm:.1f}x")
    ratio = _ratio(run, "list", "sqlstore")
    if ratio is not None:
        add("list: faster than the one-dict-at-a-time loop", ratio < 1, f"{ratio:.2f}x")
    ratio = _ratio(run, "insert_bulk", "sqlstore")
    if ratio is not None:
        if run.dialect == "postgresql":
            add("bulk: COPY >= 2.5x faster than executemany", 1 / ratio >= 2.5, f"{1 / ratio:.1f}x")
        else:
            add("bulk: at least as fast as executemany", ratio <= 1.0, f"{ratio:.2f}x")
    ex = run.extras
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
    for name, ok in run.checks.items():
        add(f"check: {name}", ok, "equal" if ok else "DIFFERENT")
    return out


def print_targets(run: DialectRun) -> str:
    """The targets as lines of text."""
    lines = [f"targets on {run.version}:"]
    for t in targets(run):
        mark = "ok  " if t["holds"] else "MISS"
        lines.append(f"  {mark} {t['target']}: {t['detail']}")
    return "\n".join(lines)


def write_json(
    path: Path,
    runs: list[DialectRun],
    sizes: Sizes,
    skipped: dict[str, str],
    *,
    orm_share: float = 1.0,
) -> None:
    """bench-results.json: per dialect, per operation, per implementation: seconds."""
    doc: dict[str, Any] = {
        "machine": machine(),
        "sizes": asdict(sizes),
        "orm_share": orm_share,
        "results": {},
        "peak_mib": {},
        "skipped": {**{d: {"*": why} for d, why in skipped.items()}},
        "checks": {},
        "extras": {},
        "targets": {},
    }
    for run in runs:
        doc["machine"][run.dialect] = run.version
        doc["results"][run.dialect] = {
            op: {impl: m.seconds for impl, m in by_impl.items()}
            for op, by_impl in run.results.items()
        }
        doc["peak_mib"][run.dialect] = {
            op: {impl: m.peak_mib for impl, m in by_impl.items()}
            for op, by_impl in run.results.items()
        }
        if run.skipped:
            doc["skipped"][run.dialect] = run.skipped
        doc["checks"][run.dialect] = run.checks
        doc["extras"][run.dialect] = run.extras
        doc["targets"][run.dialect] = targets(run)
    path.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
