"""Cold start on SQLite: import, connect, every SQL file and the first query, in a fresh process."""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

import sqlstore
from sqlstore.dialects import scratch_database

# Run in a fresh interpreter: every step is timed from the first line the script runs.
_SCRIPT = """
import json, sys, time, uuid
t0 = time.perf_counter()
import sqlstore
t1 = time.perf_counter()
store = sqlstore.connect(sys.argv[1])
t2 = time.perf_counter()
queries = len(list(store.registry))
t3 = time.perf_counter()
from sqlstore.dao import GenerationDAO
with store.session(readonly=True) as session:
    GenerationDAO(session).get(uuid.UUID(int=1))
t4 = time.perf_counter()
store.close()
print(json.dumps({"import_ms": (t1 - t0) * 1e3, "connect_ms": (t2 - t1) * 1e3,
    "sql_files_ms": (t3 - t2) * 1e3, "first_query_ms": (t4 - t3) * 1e3,
    "total_ms": (t4 - t0) * 1e3, "queries": queries}))
"""

STEPS = ("import_ms", "connect_ms", "sql_files_ms", "first_query_ms", "total_ms")


def cold_start(runs: int = 7, echo: Callable[[str], None] = print) -> dict[str, Any]:
    """The median of ``runs`` fresh processes, each step apart, on a migrated SQLite file.

    ``process_ms`` is the whole child, interpreter start-up included, as a
    shell sees a CLI command; the steps start after the interpreter is up.
    """
    with scratch_database("sqlite:///bench.db", "sqlstore_cold") as url:
        with sqlstore.connect(url) as store:
            store.migrate()
        got: list[dict[str, float]] = []
        for _ in range(max(1, runs)):
            start = time.perf_counter()
            done = subprocess.run(
                [sys.executable, "-c", _SCRIPT, url], check=True, capture_output=True, text=True
            )
            figures = json.loads(done.stdout)
            figures["process_ms"] = (time.perf_counter() - start) * 1e3
            got.append(figures)
    out: dict[str, Any] = {
        key: statistics.median(g[key] for g in got) for key in (*STEPS, "process_ms")
    }
    out["runs"] = len(got)
    out["queries"] = got[0]["queries"]
    echo(
        "  cold start (median of {runs}): import {import_ms:.0f} ms, connect {connect_ms:.0f} ms, "
        "SQL files {sql_files_ms:.0f} ms, first query {first_query_ms:.0f} ms: "
        "{total_ms:.0f} ms ({process_ms:.0f} ms with the interpreter)".format(**out)
    )
    return out
