"""PostgreSQL connections terminated under a running app.

An app process runs sessions in a loop while the parent terminates every
server session of the database (``pg_terminate_backend``), as a server
restart would, several times. The machine's PostgreSQL itself is never
restarted: other things use it. The call that was running must raise
sqlstore's ``DatabaseUnavailable``, and the very next session must work
without restarting the app: the pool checks a connection before lending it
and replaces a dead one.
"""

from __future__ import annotations

import threading
import time

from sqlstore import Store, connect
from sqlstore.dao import GenerationDAO
from stress.common import Run, Worker, count_tagged


def run(ctx: Run) -> None:
    """Terminate the app's connections until ``faults`` calls failed; audit what it saw."""
    if "postgresql" not in ctx.options.dialects:
        return
    with ctx.migrated("postgresql") as (url, store):
        app = Worker("app", url=url, seed=1)
        terminations, seen = 0, 0
        try:
            app.expect("ready")
            try:
                # Terminate until the app has seen `faults` failed calls: a termination
                # that lands while its connection idles in the pool is healed unseen.
                while seen < ctx.options.faults and terminations < 20 * ctx.options.faults:
                    time.sleep(0.1)
                    with store.session() as session:
                        session.fetch_all("stress.terminate_others")
                    terminations += 1
                    if app.poll("fault", timeout=0.5) is not None:
                        seen += 1
                time.sleep(0.2)
                done = app.finish(timeout=60)
            except RuntimeError:
                # The app stopped early (a recovery failed): report what it saw.
                ended = [e for e in app.skipped if e.get("event") == "done"]
                if not ended:
                    raise
                done = {**ended[-1], "returncode": app.proc.wait(timeout=30)}
        finally:
            app.stop()
        failures = done["failures"]
        kinds = sorted({f["type"] for f in failures})
        ctx.check(
            f"every server session of the running app terminated {terminations} times: "
            f"{len(failures)} calls failed",
            len(failures) >= ctx.options.faults and done["returncode"] == 0,
            f"{ctx.options.faults} wanted",
        )
        ctx.check(
            "each failed call raised DatabaseUnavailable",
            kinds == ["DatabaseUnavailable"],
            "; ".join(f"{f['type']}: {f['message']}" for f in failures[:2])[:300],
        )
        ctx.check(
            "and the next session worked, without restarting the app",
            not done["unrecovered"] and done["sessions"] > len(failures),
            f"{done['sessions']:,} sessions ran; unrecovered: {done['unrecovered'][:1]}",
        )
        rows = count_tagged(store, "app-1")
        # A commit cut off mid-way may or may not have landed; nothing else may.
        ctx.check(
            "no session half-applied",
            done["sessions"] <= rows <= done["sessions"] + len(failures),
            f"{rows:,} rows for {done['sessions']:,} sessions",
        )
        ctx.figures.faults_survived += len(failures)
        ctx.figures.rows_written += rows
        _restart_while_idle(ctx, url, store)


def _restart_while_idle(ctx: Run, url: str, admin: Store) -> None:
    """Every idle pooled connection dies at once; the next session must not wait them out."""
    idle = 5
    with connect(url) as app:
        barrier = threading.Barrier(idle)

        def hold() -> None:
            with app.session():
                barrier.wait(timeout=10)

        threads = [threading.Thread(target=hold) for _ in range(idle)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        with admin.session() as session:
            pids = [row["pid"] for row in session.fetch_all("stress.terminate_others")]
        ended = len(pids)
        # As after a restart, the killed processes are gone before the app goes on.
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            with admin.session() as session:
                if not session.fetch_value("stress.backends_alive", pids=pids):
                    break
            time.sleep(0.005)
        started = time.monotonic()
        try:
            with app.session() as session:
                GenerationDAO(session).count()
            outcome = "worked"
        except Exception as exc:
            outcome = f"{type(exc).__name__}: {exc}"
        seconds = time.monotonic() - started
    ctx.check(
        f"all {ended} idle pooled connections killed at once: the next session works at once",
        outcome == "worked" and seconds < 2,
        f"{outcome} in {seconds:.2f} s",
    )
    ctx.figures.faults_survived += 1
