"""Concurrent writers on one SQLite file, with default settings.

SQLite has one write lock per database. sqlstore begins every write session
with ``BEGIN IMMEDIATE`` (the lock is taken up front, waiting up to
``busy_timeout``) so writers queue instead of failing halfway with
"database is locked"; WAL mode keeps readers out of the queue.
"""

from __future__ import annotations

from stress.common import Run, Worker, count_tagged, run_together


def run(ctx: Run) -> None:
    """N processes insert M generations each, in small sessions, all at once."""
    opts = ctx.options
    with ctx.migrated("sqlite") as (url, store):
        tags = [f"writer-{n}" for n in range(opts.writers)]
        workers = [
            Worker("write", url=url, rows=opts.rows, batch=5, tag=tag, seed=n)
            for n, tag in enumerate(tags)
        ]
        results, seconds = run_together(workers)
        errors = [e for r in results for e in r["errors"]]
        ctx.check(
            f"{opts.writers} writers x {opts.rows} generations on SQLite: "
            "no error reached a caller",
            not errors and all(r["returncode"] == 0 for r in results),
            f"{len(errors)} errors, first: {errors[0]}" if errors else f"{seconds:.1f} s",
        )
        counts = [count_tagged(store, tag) for tag in tags]
        total = sum(counts)
        ctx.check(
            "every row is there",
            counts == [opts.rows] * opts.writers,
            f"{total:,} of {opts.writers * opts.rows:,} rows",
        )
        with store.session(readonly=True) as session:
            verdict = [r["integrity_check"] for r in session.fetch_all("catalog.integrity_check")]
        ctx.check("PRAGMA integrity_check passes", verdict == ["ok"], "; ".join(verdict)[:200])
        ctx.figures.rows_written += total
