"""Concurrent ``migrate``, SIGKILLs at random instants, and locks that die with their holder.

Two processes released at the same moment migrate one empty database: both
must finish, and between them apply each migration exactly once.

Then ``migrate`` processes are SIGKILLed at random instants (``--migrate-kills``
per dialect): after each kill the database must hold exactly a prefix of the
migrations, each applied and recorded with the schema a clean migrate has at
that point, and the next ``migrate`` must finish by itself with the schema of
a clean one.

A process killed in the middle of a slow migration, and (PostgreSQL) a
migrating connection ended by the server, must leave no lock behind: the next
``migrate`` goes through without ``sqlstore break-lock``. A row in yoyo's old
lock table (left by an older sqlstore or a killed ``yoyo`` command) still
stops ``migrate`` with a message naming ``sqlstore break-lock``, and that one
command clears it.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from typing import Any

from sqlstore import Store, connect
from sqlstore.errors import MigrationError, QueryError
from sqlstore.types import utcnow
from stress.common import (
    STRESS_SQL,
    Run,
    Worker,
    go_all,
    run_together,
    sqlstore_cli,
)
from stress.snapshot import schema

#: How long a blocked ``migrate`` waits for the lock here (the default is 60 s).
LOCK_WAIT = 0.5
#: How long the next ``migrate`` may wait for a dead holder's lock to go: a
#: PostgreSQL server notices a killed client within about a second.
DEAD_HOLDER_WAIT = 30.0


def run(ctx: Run) -> None:
    """The race, random kills, dead holders and the old lock row, on each dialect."""
    for dialect in ctx.options.dialects:
        for r in range(ctx.options.rounds):
            _race(ctx, dialect, r)
        _random_kills(ctx, dialect)
        _killed_while_migrating(ctx, dialect)
        if dialect == "postgresql":
            _backend_terminated(ctx)
        _stale_row(ctx, dialect)


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


# The schema, and what a clean migrate has after each prefix ------------------------------


def _recorded(store: Store) -> set[str]:
    try:
        with store.session(readonly=True) as session:
            return {r["migration_id"] for r in session.fetch_all("stress.migration_records")}
    except QueryError:  # no migration recorded yet: sqlstore has not made its table
        return set()


def _prefixes(ctx: Run, dialect: str) -> tuple[list[str], list[dict[str, Any]]]:
    """A clean migrate's order, and the schema after each prefix of it."""
    with ctx.database(dialect) as url, connect(url, sql_dirs=[STRESS_SQL]) as store:
        order = store.migrate()
        after = [schema(store)]
        for _ in order:
            store.rollback(1)
            after.append(schema(store))
    after.reverse()
    return order, after


def _worker_seconds(ctx: Run, dialect: str) -> float:
    """How long a migrate worker takes on an empty database, from its release to its end."""
    with ctx.database(dialect) as url:
        worker = Worker("migrate", url=url)
        try:
            go_all([worker])
            started = time.monotonic()
            worker.finish()
            return time.monotonic() - started
        finally:
            worker.stop()


def _random_kills(ctx: Run, dialect: str) -> None:
    kills = ctx.options.migrate_kills
    if not kills:
        return
    order, after = _prefixes(ctx, dialect)
    # The kill lands anywhere from the release to a little past a clean run's end.
    window = _worker_seconds(ctx, dialect) * 1.2
    rng = random.Random(13)
    landed: Counter[int] = Counter()
    torn: list[str] = []
    stuck: list[str] = []
    for k in range(kills):
        with ctx.database(dialect) as url:
            worker = Worker("migrate", url=url)
            try:
                go_all([worker])
                # Reading the files comes first: two kills in three land in the later
                # half, where the migrations run and commit.
                time.sleep(rng.uniform(0 if k % 3 == 0 else window / 2, window))
                worker.kill()
            finally:
                worker.stop()
            with connect(url, sql_dirs=[STRESS_SQL]) as store:
                store.migrator.lock_timeout = DEAD_HOLDER_WAIT
                applied = {s.id for s in store.migration_status() if s.applied}
                n = len(applied)
                landed[n] += 1
                # The machine's speed varies: keep the window where migrations commit.
                if n == len(order):
                    window *= 0.85
                elif n == 0 and k % 3:
                    window *= 1.15
                if applied != set(order[:n]) or _recorded(store) != applied:
                    torn.append(f"kill {k + 1}: applied {sorted(applied)}, not all recorded")
                elif schema(store) != after[n]:
                    torn.append(f"kill {k + 1}: not a clean schema after {n} migration(s)")
                try:
                    rest = store.migrate()
                except MigrationError as exc:
                    stuck.append(f"kill {k + 1}: the next migrate failed: {exc}"[:300])
                    continue
                if (
                    rest != order[n:]
                    or schema(store) != after[-1]
                    or _recorded(store) != set(order)
                    or any(s.changed for s in store.migration_status())
                ):
                    stuck.append(f"kill {k + 1}: the next migrate did not leave a clean schema")
        ctx.figures.faults_survived += 1
    spread = ", ".join(f"{landed[n]}x {n}" for n in sorted(landed))
    ctx.check(
        f"{dialect}: {kills} migrate processes SIGKILLed at random instants each left a "
        "prefix of the migrations, each applied and recorded or neither, with a clean schema",
        not torn,
        "; ".join(torn[:3]) or f"migrations applied when killed: {spread}",
    )
    ctx.check(
        f"{dialect}: the next migrate finished by itself each time, as a clean migrate",
        not stuck,
        "; ".join(stuck[:3]),
    )


# Locks that die with their holder --------------------------------------------------------


def _lock_is_free(store: Store) -> bool:
    deadline = time.monotonic() + DEAD_HOLDER_WAIT
    while store.migrator.lock_holder() is not None and time.monotonic() < deadline:
        time.sleep(0.05)
    return store.migrator.lock_holder() is None


def _next_migrate_goes_through(ctx: Run, store: Store) -> None:
    """No break-lock: the next migrate takes the lock at once and leaves none behind."""
    store.migrator.lock_timeout = LOCK_WAIT
    try:
        again = f"{len(store.migrate())} applied"
    except MigrationError as exc:
        again = str(exc)
    with store.session(readonly=True) as session:
        rows = session.fetch_all("stress.migration_lock")
        tables = {r["table_name"] for r in session.fetch_all("catalog.tables")}
    ctx.check(
        "the next migrate runs without break-lock, and leaves no lock behind",
        again.endswith(" applied")
        and not rows
        and store.migrator.lock_holder() is None
        and all(s.applied for s in store.migration_status()),
        again[:200],
    )
    ctx.check("and none of the killed migration is there", "stress_slow" not in tables)
    ctx.figures.faults_survived += 1


def _slow_worker(ctx: Run, url: str) -> tuple[Worker, Store]:
    """A worker inside the slow migration (it holds the lock), and a store to watch it."""
    worker = Worker("migrate", url=url, slow=True)
    go_all([worker])
    store = connect(url, sql_dirs=[STRESS_SQL])
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        holder = store.migrator.lock_holder() or ""
        if "applying 0001_stress_slow" in holder:
            break
        time.sleep(0.05)
    time.sleep(0.2)
    return worker, store


def _killed_while_migrating(ctx: Run, dialect: str) -> None:
    with ctx.database(dialect) as url:
        worker, store = _slow_worker(ctx, url)
        try:
            holder = store.migrator.lock_holder() or ""
            store.migrator.lock_timeout = LOCK_WAIT
            try:
                store.migrate()
                blocked = "migrate went through a held lock"
            except MigrationError as exc:
                blocked = str(exc)
            ctx.check(
                f"{dialect}: a migrate that waits in vain names the holder and its migration",
                "applying 0001_stress_slow" in blocked and "pid" in blocked,
                blocked[:200],
            )
            worker.kill()
            ctx.check(
                f"{dialect}: a process SIGKILLed while migrating takes its lock with it",
                _lock_is_free(store),
                f"held by {holder}"[:200],
            )
            _next_migrate_goes_through(ctx, store)
        finally:
            worker.stop()
            store.close()


def _backend_terminated(ctx: Run) -> None:
    with ctx.database("postgresql") as url:
        worker, store = _slow_worker(ctx, url)
        try:
            with store.session() as session:
                ended = session.fetch_all("stress.terminate_others")
            done = worker.finish()
            ctx.check(
                "postgresql: the server ends the migrating connection: migrate fails, and says so",
                bool(ended) and "MigrationError" in str(done.get("error")),
                str(done.get("error"))[:200],
            )
            ctx.check("and its lock goes with the connection", _lock_is_free(store))
            _next_migrate_goes_through(ctx, store)
        finally:
            worker.stop()
            store.close()


def _stale_row(ctx: Run, dialect: str) -> None:
    """A row in yoyo's lock table from before: migrate stops, and break-lock clears it."""
    with ctx.migrated(dialect) as (url, store):
        dead = Worker("migrate", url=url)
        dead.kill()
        with store.session() as session:
            session.execute("stress.fake_migration_lock", ctime=utcnow(), pid=dead.pid)
        store.migrator.lock_timeout = LOCK_WAIT
        try:
            store.migrate()
            message = ""
        except MigrationError as exc:
            message = str(exc)
        ctx.check(
            f"{dialect}: a row left in yoyo's old lock table stops migrate, naming break-lock",
            "sqlstore break-lock" in message,
            message[:200] or "migrate went through a held lock",
        )
        done = sqlstore_cli(url, "break-lock")
        ctx.check(
            "`sqlstore break-lock` clears it",
            done.returncode == 0 and "cleared" in done.stdout,
            (done.stdout + done.stderr).strip()[:200],
        )
        _next_migrate_goes_through(ctx, store)
