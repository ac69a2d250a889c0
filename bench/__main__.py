"""``python -m bench``: run the benchmark, print the tables, write bench-results.json."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

from bench.aio_throughput import concurrent_gets
from bench.claims import claim_throughput
from bench.coldstart import cold_start
from bench.common import IMPLEMENTATIONS, Inputs, Sizes
from bench.extras import run_extras
from bench.fleet import pgbouncer_fleet
from bench.partition import partition_costs
from bench.replicas import replica_throughput
from bench.report import print_targets, table, write_json
from bench.runner import DialectRun, run_dialect
from bench.search import search_latency
from bench.workloads_async import ASYNC_FACTORIES
from sqlstore.errors import SqlstoreError
from tools.pgbouncer import binary as pgbouncer_binary

DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"
#: The sections of a run: the operations, cold start (SQLite), claim throughput (PostgreSQL),
#: the operations awaited (with concurrent gets on PostgreSQL), full-text search, claims
#: through PgBouncer against direct (PostgreSQL), a partitioned task table (PostgreSQL),
#: and read throughput through 0, 1 and 2 replicas (PostgreSQL, a private cluster).
SECTIONS = (
    "operations",
    "cold-start",
    "claim-throughput",
    "async",
    "search",
    "pgbouncer",
    "partition",
    "replicas",
)
ASYNC_LABEL = {
    "sqlite": "async, sqlstore.aio (a thread per connection) against sqlite3 on a thread by hand",
    "postgresql": "async, sqlstore.aio against psycopg AsyncConnection by hand",
}


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    p.add_argument("--scale", type=float, default=1.0, help="multiply every size (default 1)")
    p.add_argument("--quick", action="store_true", help="a small run: --scale 0.1")
    p.add_argument(
        "--dialect", choices=("sqlite", "postgresql", "both"), default="both", help="default both"
    )
    p.add_argument(
        "--impl",
        action="append",
        choices=IMPLEMENTATIONS,
        help="run only these implementations (repeatable; the driver always runs)",
    )
    p.add_argument(
        "--repeat",
        type=int,
        default=5,
        help="rounds of the bare driver and sqlstore, in rotating order; the ratios are the "
        "median and the least of the rounds' (default %(default)s; the ORMs, far slower, run "
        "in the first round only)",
    )
    p.add_argument(
        "--only",
        choices=SECTIONS,
        action="append",
        help="run only these sections (repeatable; default all of them)",
    )
    p.add_argument("--no-extras", action="store_true", help="skip streaming and deep pages")
    p.add_argument(
        "--claim-tasks",
        type=int,
        default=20_000,
        help="tasks the claim-throughput workers drain (default %(default)s)",
    )
    p.add_argument(
        "--claim-workers", type=int, default=8, help="claim-throughput worker processes (default 8)"
    )
    p.add_argument(
        "--pgbouncer-clients",
        type=int,
        default=100,
        help="connections the claim workers hold through PgBouncer and direct (default 100)",
    )
    p.add_argument(
        "--partition-finished",
        type=int,
        default=1_000_000,
        help="finished tasks in the partition section's table (default %(default)s; scaled)",
    )
    p.add_argument(
        "--partition-open",
        type=int,
        default=10_000,
        help="queued tasks in the partition section's table (default %(default)s; scaled)",
    )
    p.add_argument(
        "--aio-coroutines",
        type=int,
        default=500,
        help="concurrent get coroutines on a pool of 10 (PostgreSQL; default %(default)s)",
    )
    p.add_argument(
        "--aio-gets",
        type=int,
        default=40,
        help="gets each of those coroutines makes, one session each (default %(default)s; "
        "scaled down with --scale)",
    )
    p.add_argument(
        "--search-transcripts",
        type=int,
        default=100_000,
        help="transcripts the search section searches (default %(default)s; scaled with --scale)",
    )
    p.add_argument(
        "--replica-threads",
        type=int,
        default=8,
        help="threads reading through read-only sessions in the replicas section (default 8)",
    )
    p.add_argument(
        "--cold-runs", type=int, default=7, help="fresh processes timed for cold start (default 7)"
    )
    p.add_argument(
        "--orm-share",
        type=float,
        default=0.2,
        help="the share of the rows the ORMs run in row-at-a-time operations, their time "
        "scaled up (default %(default)s; a full run of the ORMs takes minutes)",
    )
    p.add_argument("--full-orm", action="store_true", help="the ORMs run every row: --orm-share 1")
    p.add_argument(
        "--sqlite-dir",
        default="/dev/shm" if Path("/dev/shm").is_dir() else None,
        help="where the SQLite files go (default %(default)s, a RAM disk: disk flushes cost "
        "every implementation the same and would only add noise to the ratios)",
    )
    p.add_argument(
        "--postgres-url",
        default=os.environ.get("SQLSTORE_TEST_POSTGRES_URL") or DEFAULT_POSTGRES,
        help="a server where scratch databases may be created "
        "(default $SQLSTORE_TEST_POSTGRES_URL or %(default)s)",
    )
    p.add_argument("--output", type=Path, default=Path("bench-results.json"))
    p.add_argument(
        "--profile",
        action="append",
        default=[],
        metavar="OP:IMPL",
        help="cProfile a read operation once more after the run, e.g. get:sqlstore",
    )
    return p


def _postgres_unavailable(url: str) -> str | None:
    from sqlstore import connect

    try:
        connect(url).close()
    except SqlstoreError as exc:
        return str(exc)
    return None


def _async(
    dialect: str, url: str, sizes: Sizes, inputs: Inputs, args: argparse.Namespace, scale: float
) -> DialectRun:
    """The operations through ``sqlstore.aio`` against async code by hand; concurrent gets."""
    print(f"\n== {dialect}, {ASYNC_LABEL[dialect]}")
    run = run_dialect(
        dialect,
        url,
        sizes,
        inputs,
        implementations=("driver", "sqlstore"),
        repeat=max(1, args.repeat),
        factories=ASYNC_FACTORIES,
    )
    run.mode = "async"
    run.version = f"{run.version}, {ASYNC_LABEL[dialect]}"
    if dialect == "postgresql":
        run.extras["concurrent_gets"] = concurrent_gets(
            url,
            coroutines=max(1, args.aio_coroutines),
            per=max(1, round(args.aio_gets * min(1.0, scale))),
            rounds=max(1, min(3, args.repeat)),
        )
    return run


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; 0 when it ran (targets missed are reported, not failures)."""
    args = _parser().parse_args(argv)
    scale = 0.1 if args.quick else args.scale
    sizes = Sizes.scaled(scale)
    impls = tuple(i for i in IMPLEMENTATIONS if i == "driver" or not args.impl or i in args.impl)
    orm_share = 1.0 if args.full_orm else min(1.0, max(0.01, args.orm_share))
    if args.sqlite_dir:
        tempfile.tempdir = args.sqlite_dir  # scratch_database makes its SQLite file there
    print(f"sizes (scale {scale:g}): {sizes}")
    print(
        f"SQLite files in {tempfile.gettempdir()}; the ORMs run {orm_share:.0%} of the "
        "row-at-a-time operations, scaled up"
    )
    started = time.perf_counter()
    inputs = Inputs.build(sizes)
    servers = {"sqlite": "sqlite:///bench.db", "postgresql": args.postgres_url}
    wanted = ("sqlite", "postgresql") if args.dialect == "both" else (args.dialect,)
    sections = set(args.only or SECTIONS)
    runs: list[DialectRun] = []
    async_runs: list[DialectRun] = []
    skipped: dict[str, str] = {}
    for dialect in wanted:
        if dialect == "postgresql":
            why = _postgres_unavailable(args.postgres_url)
            if why:
                skipped[dialect] = f"PostgreSQL skipped: {why}"
                print(skipped[dialect])
                continue
        print(f"\n== {dialect}")
        if "operations" in sections:
            run = run_dialect(
                dialect,
                servers[dialect],
                sizes,
                inputs,
                implementations=impls,
                repeat=max(1, args.repeat),
                profile=tuple(args.profile),
                orm_share=orm_share,
            )
            if not args.no_extras:
                run.extras = run_extras(servers[dialect], sizes)
        else:
            run = DialectRun(dialect, dialect)
        if dialect == "sqlite" and "cold-start" in sections:
            run.extras["cold_start"] = cold_start(args.cold_runs)
        if dialect == "postgresql" and "claim-throughput" in sections:
            run.extras["claim_throughput"] = claim_throughput(
                servers[dialect],
                tasks=max(10, round(args.claim_tasks * min(1.0, scale))),
                workers=args.claim_workers,
                rounds=max(1, min(3, args.repeat)),
            )
        if dialect == "postgresql" and "pgbouncer" in sections and pgbouncer_binary() is None:
            run.skipped["pgbouncer"] = "pgbouncer is not installed (apt-get install pgbouncer)"
            print(f"pgbouncer section skipped: {run.skipped['pgbouncer']}")
        elif dialect == "postgresql" and "pgbouncer" in sections:
            run.extras["pgbouncer"] = pgbouncer_fleet(
                servers[dialect],
                tasks=max(10, round(args.claim_tasks * min(1.0, scale))),
                workers=args.claim_workers,
                clients=max(args.claim_workers, args.pgbouncer_clients),
                rounds=max(1, min(3, args.repeat)),
            )
        if dialect == "postgresql" and "partition" in sections:
            run.extras["partition"] = partition_costs(
                servers[dialect],
                finished=max(100, round(args.partition_finished * scale)),
                queued=max(50, round(args.partition_open * scale)),
                repeat=max(5, round(200 * min(1.0, scale))),
            )
        if dialect == "postgresql" and "replicas" in sections:
            print("read throughput through read replicas (a private primary and two replicas)")
            run.extras["replicas"] = replica_throughput(
                threads=max(1, args.replica_threads),
                per=max(50, round(500 * min(1.0, scale))),
                rounds=max(1, min(3, args.repeat)),
            )
        if "search" in sections:
            run.extras["search"] = search_latency(
                servers[dialect], transcripts=max(100, round(args.search_transcripts * scale))
            )
        runs.append(run)
        if "async" in sections:
            async_runs.append(_async(dialect, servers[dialect], sizes, inputs, args, scale))
    for run in runs + async_runs:
        print()
        if run.rounds:
            print(table(run, sizes))
        print()
        print(print_targets(run))
        for key, text in run.profiles.items():
            print(f"\nprofile of {key} on {run.dialect}:\n{text}")
    write_json(args.output, runs, sizes, skipped, orm_share=orm_share, async_runs=async_runs)
    print(f"\nwrote {args.output} in {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
