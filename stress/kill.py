"""SIGKILL in the middle of a batch insert: all of the batch or none of it, and no repair.

A worker writes a long batch of generations in one session; the parent kills
it with SIGKILL (no cleanup runs) at a random moment after the batch began.
The batch must be there whole or not at all, SQLite's integrity check must
pass, and the next process must work on the same files without any repair.
"""

from __future__ import annotations

import random
import time

from stress.common import Run, Worker, count_tagged


def run(ctx: Run) -> None:
    """``kills`` rounds per dialect, each followed by a normal run on the same database."""
    opts = ctx.options
    rng = random.Random(7)
    for dialect in opts.dialects:
        with ctx.migrated(dialect) as (url, store):
            outcomes: list[str] = []
            for k in range(opts.kills):
                tag = f"killed-{k}"
                worker = Worker(
                    "batch", url=url, rows=opts.batch, tag=tag, progress_at=opts.batch // 10
                )
                try:
                    worker.expect("ready")
                    worker.expect("progress")
                    # Somewhere in the rest of the batch, or in its commit.
                    time.sleep(rng.uniform(0.0, 0.5))
                    worker.kill()
                finally:
                    worker.stop()
                found = count_tagged(store, tag)
                outcomes.append("all" if found == opts.batch else "none" if found == 0 else "part")
                ctx.check(
                    f"{dialect}: batch {k + 1} killed halfway is all there or not at all",
                    found in (0, opts.batch),
                    f"{found:,} of {opts.batch:,} rows",
                )
                if dialect == "sqlite":
                    with store.session(readonly=True) as session:
                        verdict = [
                            str(r["integrity_check"])
                            for r in session.fetch_all("catalog.integrity_check")
                        ]
                    ctx.check(
                        "PRAGMA integrity_check passes", verdict == ["ok"], "; ".join(verdict)[:200]
                    )
                after = Worker("write", url=url, rows=50, batch=10, tag=f"after-{k}", seed=k)
                try:
                    after.expect("ready")
                    after.go()
                    done = after.finish()
                finally:
                    after.stop()
                ctx.check(
                    "the next process works on the same database without repair",
                    not done["errors"] and count_tagged(store, f"after-{k}") == 50,
                    "; ".join(done["errors"][:2]),
                )
                ctx.figures.faults_survived += 1
                ctx.figures.rows_written += found + done["written"]
            ctx.say(f"   {dialect}: killed batches left {', '.join(outcomes)}")
