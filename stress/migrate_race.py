"""Concurrent ``migrate`` on a fresh database, and stale migration locks.

Two processes released at the same moment migrate one empty database: both
must finish, and between them apply each migration exactly once. Then a
migration lock left behind by a dead process (a lock row for a pid that no
longer runs, and a process SIGKILLed while migrating) must stop ``migrate``
with a message naming ``sqlstore break-lock``, and that one command must
clear it.
"""

from __future__ import annotations

import time
from collections import Counter

from sqlstore import Store, connect
from sqlstore.errors import MigrationError, QueryError
from sqlstore.paths import builtin_dir
from sqlstore.types import utcnow
from stress.common import STRESS_SQL, Run, Worker, go_all, run_together, sqlstore_cli

#: How long a blocked ``migrate`` waits for the lock here (the default is 60 s).
LOCK_WAIT = 0.5


def run(ctx: Run) -> None:
    """The race on each dialect, then both kinds of stale lock."""
    for dialect in ctx.options.dialects:
        for r in range(ctx.options.rounds):
            _race(ctx, dialect, r)
        _stale_row(ctx, dialect)
        _killed_while_migrating(ctx, dialect)


def _race(ctx: Run, dialect: str, r: int) -> None:
    with ctx.database(dialect) as url:
        workers = [Worker("migrate", url=url) for _ in range(2)]
        results, _ = run_together(workers)
        errors = [x["error"] for x in results if x["error"]]
        applied = Counter(m for x in results for m in x["applied"])
        with connect(url) as store:
            states = store.migration_status()
        ids = [s.id for s in states]
        ctx.check(
            f"{dialect} round {r + 1}: two processes migrate a fresh database at once",
            not errors and all(x["returncode"] == 0 for x in results),
            "; ".join(errors)[:300]
            or " + ".join(str(len(x["applied"])) for x in results) + " applied",
        )
        ctx.check(
            "each migration applied exactly once, and all of them",
            sorted(applied) == sorted(ids)
            and set(applied.values()) == {1}
            and all(s.applied for s in states),
            f"{dict(applied)}",
        )


def _blocked(store: Store) -> str:
    """Try to migrate past the lock; the error message, or '' if it got through."""
    store.migrator.lock_timeout = LOCK_WAIT
    try:
        store.migrate()
    except MigrationError as exc:
        return str(exc)
    return ""


def _break_lock(ctx: Run, url: str, store: Store, what: str) -> None:
    message = _blocked(store)
    ctx.check(
        f"{what}: migrate stops and names the command that clears it",
        "sqlstore break-lock" in message,
        message[:200] or "migrate went through a held lock",
    )
    done = sqlstore_cli(url, "break-lock")
    ctx.check(
        "`sqlstore break-lock` clears it",
        done.returncode == 0 and "cleared" in done.stdout,
        (done.stdout + done.stderr).strip()[:200],
    )
    store.migrator.lock_timeout = LOCK_WAIT
    try:
        again = f"{len(store.migrate())} applied"
    except MigrationError as exc:
        again = str(exc)
    with store.session(readonly=True) as session:
        held = session.fetch_all("stress.migration_lock")
    states = store.migration_status()
    ctx.check(
        "the next migrate runs, and leaves no lock behind",
        again.endswith(" applied") and not held and all(s.applied for s in states),
        again[:200],
    )
    ctx.figures.faults_survived += 1


def _stale_row(ctx: Run, dialect: str) -> None:
    with ctx.migrated(dialect) as (url, store):
        dead = Worker("migrate", url=url)
        dead.kill()
        with store.session() as session:
            session.execute("stress.fake_migration_lock", ctime=utcnow(), pid=dead.pid)
        _break_lock(ctx, url, store, f"{dialect}: a lock row of a dead process")


def _killed_while_migrating(ctx: Run, dialect: str) -> None:
    with ctx.database(dialect) as url:
        worker = Worker("migrate", url=url, slow=True)
        try:
            go_all([worker])
            with connect(url, sql_dirs=[STRESS_SQL]) as store:
                deadline = time.monotonic() + 60
                while not _slow_running(store, dialect) and time.monotonic() < deadline:
                    time.sleep(0.05)
                time.sleep(0.2)
                worker.kill()
                with store.session(readonly=True) as session:
                    held = [r["pid"] for r in session.fetch_all("stress.migration_lock")]
                    tables = {r["table_name"] for r in session.fetch_all("catalog.tables")}
                ctx.check(
                    f"{dialect}: a process SIGKILLed while migrating leaves its lock",
                    held == [worker.pid],
                    f"lock held by {held}",
                )
                ctx.check("and none of its half-applied migration", "stress_slow" not in tables)
                _break_lock(ctx, url, store, f"{dialect}: the killed process's lock")
        finally:
            worker.stop()


def _slow_running(store: Store, dialect: str) -> bool:
    """True once every built-in migration is applied: the slow one is running."""
    folder = builtin_dir("migrations") / dialect
    builtin = len(list(folder.glob(f"*.{dialect}.sql")))
    try:
        with store.session(readonly=True) as session:
            return int(session.fetch_value("stress.applied_migrations")) >= builtin
    except QueryError:  # yoyo has not made its tables yet
        return False
