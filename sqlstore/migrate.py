"""Migrations: yoyo's folders and tables, each migration applied and recorded in one transaction.

Each dialect has its own folder (``migrations/sqlite``, ``migrations/postgresql``)
and an app adds folders of the same shape. Migration ids carry the dialect
(``0001_generations.sqlite``) because yoyo keeps one process-wide registry of
ids.

yoyo reads the files and owns the tables that say what is applied
(``_yoyo_migration``, ``_yoyo_log``), so the stock ``yoyo`` command reads the
same state. yoyo's own ``apply`` commits a migration's steps and its record
in two transactions; here the migrator drives yoyo's backend itself, and a
transactional migration's steps, its yoyo records and sqlstore's record
(``_yoyo_sqlstore``: folder, checksum, dependencies) commit in one
transaction on one connection. The migration lock (see
``sqlstore.dialects._migrations``) is taken before anything is read, and
dies with the process or connection that holds it.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from yoyo import internalmigrations, read_migrations
from yoyo.backends import get_backend_class
from yoyo.connections import parse_uri
from yoyo.exceptions import BadMigration, MigrationConflict
from yoyo.migrations import default_migration_table

from sqlstore._migration_rules import (
    Applied,
    MigrationState,
    Record,
    checksum,
    folder_of,
    refuse_changed,
    refuse_dependents,
    refuse_empty,
    refuse_empty_rollback,
    when,
)
from sqlstore.config import redact
from sqlstore.dialects._migrations import HeldLock, MigrationDriver, held, migration_driver
from sqlstore.errors import MigrationError
from sqlstore.types import utcnow

__all__ = ["RECORD_TABLE", "MigrationState", "Migrator"]

log = logging.getLogger("sqlstore.migrate")

#: sqlstore's record of each applied migration. Named under yoyo's prefix: every
#: catalog query and schema comparison already leaves yoyo's bookkeeping out.
RECORD_TABLE = "_yoyo_sqlstore"

_CREATE_RECORDS = f"""
CREATE TABLE IF NOT EXISTS {RECORD_TABLE} (
    migration_id VARCHAR(191) NOT NULL PRIMARY KEY,
    folder TEXT NOT NULL,
    checksum VARCHAR(64) NOT NULL,
    depends TEXT NOT NULL,
    recorded_at_utc VARCHAR(40) NOT NULL
)"""
_DELETE_RECORD = f"DELETE FROM {RECORD_TABLE} WHERE migration_id = :migration_id"
_INSERT_RECORD = (
    f"INSERT INTO {RECORD_TABLE} (migration_id, folder, checksum, depends, recorded_at_utc)"
    " VALUES (:migration_id, :folder, :checksum, :depends, :recorded_at_utc)"
)
_SELECT_RECORDS = f"SELECT migration_id, folder, checksum, depends FROM {RECORD_TABLE}"


class Migrator:
    """Apply, roll back and report the migrations in ``dirs`` on one database."""

    def __init__(self, yoyo_url: str, dirs: Sequence[Path], *, lock_timeout: float = 60.0):
        self._url = yoyo_url
        self.dirs = [Path(d) for d in dirs]
        self.lock_timeout = lock_timeout
        for d in self.dirs:
            if not d.is_dir():
                raise MigrationError(f"migration folder {d} does not exist")
        self._driver: MigrationDriver = migration_driver(yoyo_url)

    # The connection, the lock and the transaction -------------------------------------

    @contextlib.contextmanager
    def _backend(self) -> Iterator[Any]:
        """A yoyo backend on a new connection; driver and yoyo errors become MigrationError."""
        try:
            parsed = parse_uri(self._url)
            # Not yoyo's get_backend: its init_database writes (a probe table, the
            # lock table) before any lock could be held.
            backend = get_backend_class(parsed.scheme.lower())(parsed, default_migration_table)
        except Exception as exc:
            raise MigrationError(
                f"cannot open the database for migrations: {redact(str(exc))}"
            ) from exc
        # Both dialects roll DDL back with the transaction: yoyo must not try to
        # undo a failed migration's steps by hand.
        backend.has_transactional_ddl = True
        try:
            yield backend
        except (BadMigration, MigrationConflict, backend.DatabaseError) as exc:
            raise MigrationError(redact(str(exc))) from exc
        finally:
            with contextlib.suppress(Exception):
                backend.connection.close()

    @contextlib.contextmanager
    def _locked(self, backend: Any, doing: str) -> Iterator[HeldLock]:
        """The migration lock; then yoyo's tables, and no leftover of yoyo's own lock."""
        with held(self._driver, backend, self.lock_timeout, doing) as lock:
            # Only now: on SQLite even a PRAGMA waits for another migrator's DDL.
            self._driver.prepare(backend, self.lock_timeout)
            # yoyo's row lock is replaced by ours: a killed process would leave the row.
            backend._is_locked = True
            try:
                self._wait_for_yoyo_lock(backend)
                if backend.lock_table not in self._tables(backend):
                    # The stock yoyo command expects it, as it would have made it.
                    backend.create_lock_table()
                backend.ensure_internal_schema_updated()
                # Up to date now: spare yoyo's check before each of its writes.
                backend._internal_schema_updated = True
                yield lock
            finally:
                backend._is_locked = False

    def _wait_for_yoyo_lock(self, backend: Any) -> None:
        """Wait (within the lock timeout) while yoyo's lock table holds a row."""
        deadline = time.monotonic() + self.lock_timeout
        while backend.lock_table in self._tables(backend):
            row = backend.execute(
                backend.format_sql("SELECT pid, CAST(ctime AS TEXT) FROM {0.lock_table_quoted}")
            ).fetchone()
            if row is None:
                return
            if time.monotonic() >= deadline:
                raise MigrationError(
                    f"yoyo's lock table holds a lock of process {row[0]} since {row[1]} UTC: "
                    "a stock 'yoyo' command running now, or one killed before it released it "
                    "(or an older sqlstore); if no yoyo command is running, clear it with "
                    "'sqlstore break-lock'"
                )
            time.sleep(0.1)

    @contextlib.contextmanager
    def _transaction(self, backend: Any) -> Iterator[None]:
        """One transaction on yoyo's connection: committed if the block ends, else rolled back."""
        self._driver.begin(backend)
        # yoyo's steps see a transaction and nest theirs as savepoints.
        backend._in_transaction = True
        try:
            yield
        except BaseException:
            self._driver.rollback(backend)
            raise
        finally:
            backend._in_transaction = False
        try:
            self._driver.commit(backend)
        except BaseException:
            self._driver.rollback(backend)
            raise

    @staticmethod
    def _tables(backend: Any) -> set[str]:
        return set(backend.list_tables())

    # Reading -----------------------------------------------------------------------------

    def _migrations(self) -> Any:
        try:
            return read_migrations(*(str(d) for d in self.dirs))
        except MigrationConflict as exc:
            raise MigrationError(f"two migrations share an id: {exc}") from exc

    def _applied(self, backend: Any) -> dict[str, Applied]:
        """The applied migrations by yoyo hash, oldest first (yoyo's tables up to date)."""
        if backend.migration_table not in self._tables(backend):
            return {}
        rows = backend.execute(
            backend.format_sql(
                # As text: yoyo's SQLite connection would parse the column with a converter.
                "SELECT migration_hash, migration_id, CAST(applied_at_utc AS TEXT)"
                " FROM {0.migration_table_quoted} ORDER BY applied_at_utc"
            )
        ).fetchall()
        return {h: Applied(mid, when(at)) for h, mid, at in rows}

    def _records(self, backend: Any) -> dict[str, Record]:
        if RECORD_TABLE not in self._tables(backend):
            return {}
        return {
            mid: Record(folder, digest, frozenset(depends.split()))
            for mid, folder, digest, depends in backend.execute(_SELECT_RECORDS).fetchall()
        }

    # Checks, before anything is changed ---------------------------------------------------

    @staticmethod
    def _load(migrations: Iterable[Any]) -> None:
        for m in migrations:
            try:
                m.load()
            except OSError as exc:
                raise MigrationError(f"cannot read {m.path}: {exc.strerror}") from exc

    # What tests hook -----------------------------------------------------------------------

    def _before_record(self, migration_id: str) -> None:
        """Nothing: the tests' helper process overrides it to die between steps and record."""

    # Applying ------------------------------------------------------------------------------

    def _record(self, backend: Any, m: Any) -> None:
        backend.execute(_CREATE_RECORDS)
        backend.execute(_DELETE_RECORD, {"migration_id": m.id})
        backend.execute(
            _INSERT_RECORD,
            {
                "migration_id": m.id,
                "folder": str(folder_of(m)),
                "checksum": checksum(m),
                "depends": " ".join(sorted(d.id for d in m.depends)),
                "recorded_at_utc": utcnow().isoformat(),
            },
        )

    def _apply_one(self, backend: Any, lock: HeldLock, m: Any) -> None:
        log.info("applying %s", m.id)
        lock.doing(f"applying {m.id}")
        if m.use_transactions:
            with self._transaction(backend):
                m.process_steps(backend, "apply")
                self._before_record(m.id)
                backend.log_migration(m, "apply")
                backend.mark_one(m, log=False)
                self._record(backend, m)
            return
        # "-- transactional: false": the steps commit as they run, as with yoyo.
        m.process_steps(backend, "apply")
        self._before_record(m.id)
        with self._transaction(backend):
            backend.log_migration(m, "apply")
            backend.mark_one(m, log=False)
            self._record(backend, m)

    def _states(
        self, migrations: Any, applied: dict[str, Applied], records: dict[str, Record]
    ) -> list[MigrationState]:
        states = []
        for m in migrations:
            done = applied.get(m.hash)
            record = records.get(m.id)
            states.append(
                MigrationState(
                    m.id,
                    done is not None,
                    done.at if done else None,
                    folder_of(m),
                    changed=bool(done and record and record.checksum != checksum(m)),
                )
            )
        ids = {m.id for m in migrations}
        for a in applied.values():
            if a.id not in ids:
                record = records.get(a.id)
                folder = Path(record.folder) if record else None
                states.append(MigrationState(a.id, True, a.at, folder, missing=True))
        return states

    def apply(self) -> list[str]:
        """Apply every pending migration, in dependency order; return their ids.

        Each transactional migration commits with its record, or not at all.
        Nothing is applied if a pending migration is empty or an applied one's
        file changed.
        """
        done: list[str] = []
        with self._backend() as backend, self._locked(backend, "reading the migrations") as lock:
            migrations = self._migrations()
            self._load(migrations)
            applied = self._applied(backend)
            records = self._records(backend)
            known = {m.id: m for m in migrations}
            pending = backend.to_apply(migrations)
            refuse_empty(pending)
            refuse_changed(self._states(migrations, applied, records), known)
            # A database migrated before sqlstore kept records: record what is there.
            unrecorded = [m for m in migrations if m.hash in applied and m.id not in records]
            if unrecorded:
                lock.doing("recording checksums")
                with self._transaction(backend):
                    for m in unrecorded:
                        self._record(backend, m)
            current = ""
            try:
                for m in pending:
                    current = m.id
                    self._apply_one(backend, lock, m)
                    done.append(m.id)
                for hook in migrations.post_apply if done else ():
                    current = hook.id
                    lock.doing(f"running {hook.id}")
                    with self._transaction(backend):
                        hook.process_steps(backend, "apply")
            except (BadMigration, backend.DatabaseError) as exc:
                raise self._failed("applying", current, done, exc, backend.DatabaseError) from exc
        return done

    @staticmethod
    def _failed(
        verb: str, mid: str, done: list[str], exc: BaseException, database_error: type[Exception]
    ) -> MigrationError:
        # yoyo's savepoint rollback on a dead connection raises anew: say what failed first.
        first: BaseException = exc
        while isinstance(first.__context__, database_error):
            first = first.__context__
        before = f"; the {len(done)} before it in this run stay done" if done else ""
        message = " ".join(redact(str(first)).split())
        return MigrationError(
            f"{verb} {mid} failed, nothing of it was committed{before}: {message}"
        )

    def rollback(self, steps: int | None = 1) -> list[str]:
        """Roll back the last ``steps`` applied migrations (all with ``None``), dependants first.

        Refused, with nothing rolled back, if an applied migration that stays
        depends on one of them, or if a rollback file holds no statement.
        """
        done: list[str] = []
        with self._backend() as backend, self._locked(backend, "reading the migrations") as lock:
            migrations = self._migrations()
            self._load(migrations)
            applied = self._applied(backend)
            records = self._records(backend)
            order = backend.to_rollback(migrations)
            chosen = list(order if steps is None else order[:steps])
            refuse_dependents(chosen, {m.id: m for m in migrations}, applied, records)
            refuse_empty_rollback(chosen)
            current = ""
            try:
                for m in chosen:
                    current = m.id
                    log.info("rolling back %s", m.id)
                    lock.doing(f"rolling back {m.id}")
                    self._rollback_one(backend, m)
                    done.append(m.id)
            except (BadMigration, backend.DatabaseError) as exc:
                raise self._failed(
                    "rolling back", current, done, exc, backend.DatabaseError
                ) from exc
        return done

    def _rollback_one(self, backend: Any, m: Any) -> None:
        def unrecord() -> None:
            backend.log_migration(m, "rollback")
            backend.unmark_one(m, log=False)
            backend.execute(_CREATE_RECORDS)
            backend.execute(_DELETE_RECORD, {"migration_id": m.id})

        if m.use_transactions:
            with self._transaction(backend):
                m.process_steps(backend, "rollback")
                self._before_record(m.id)
                unrecord()
            return
        m.process_steps(backend, "rollback")
        self._before_record(m.id)
        with self._transaction(backend):
            unrecord()

    def accept_changed(self, ids: Sequence[str]) -> list[str]:
        """Record the current files of applied migrations whose files changed (a reviewed edit).

        Only for an edit that changes nothing in the database (a comment, a
        rollback fix): the migration is not run again.
        """
        with self._backend() as backend, self._locked(backend, "recording checksums"):
            migrations = self._migrations()
            self._load(migrations)
            known = {m.id: m for m in migrations}
            applied = self._applied(backend)
            applied_ids = {a.id for a in applied.values()}
            for mid in ids:
                if mid not in known:
                    raise MigrationError(f"no migration {mid!r} in this store's folders")
                if mid not in applied_ids:
                    raise MigrationError(f"{mid} is not applied: there is nothing to accept")
            with self._transaction(backend):
                for mid in ids:
                    self._record(backend, known[mid])
        return list(ids)

    # Reporting -----------------------------------------------------------------------------

    def status(self) -> list[MigrationState]:
        """Every migration of the store's folders in order, then applied ones of no folder.

        Reads only: a database never migrated stays untouched.
        """
        with self._backend() as backend:
            migrations = self._migrations()
            self._load(migrations)
            tables = self._tables(backend)
            if backend.migration_table in tables and internalmigrations.needs_upgrading(backend):
                # A table of yoyo < 6: upgrading it writes, so under the lock.
                with self._locked(backend, "upgrading yoyo's tables"):
                    pass
            return self._states(migrations, self._applied(backend), self._records(backend))

    def lock_holder(self) -> str | None:
        """Who holds the migration lock, and what it is doing; ``None`` when it is free."""
        with self._backend() as backend:
            return self._driver.holder(backend)

    def break_lock(self) -> int:
        """Remove yoyo's lock rows left behind by a killed process; return how many.

        sqlstore's own lock needs no breaking: it goes with its holder.
        """
        with self._backend() as backend:
            if backend.lock_table not in self._tables(backend):
                return 0
            count = backend.format_sql("SELECT COUNT(*) FROM {0.lock_table_quoted}")
            if not backend.execute(count).fetchone()[0]:
                return 0  # nothing to write: no wait on a live migrator's transaction
            self._driver.begin(backend)
            try:
                removed = backend.execute(
                    backend.format_sql("DELETE FROM {0.lock_table_quoted}")
                ).rowcount
            except BaseException:
                self._driver.rollback(backend)
                raise
            self._driver.commit(backend)
            return max(int(removed), 0)
