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
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from yoyo import internalmigrations, read_migrations
from yoyo.exceptions import BadMigration, MigrationConflict
from yoyo.migrations import ancestors

from sqlstore import _yoyo_backend as _yoyo
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
)
from sqlstore._yoyo_backend import RECORD_TABLE
from sqlstore.config import redact
from sqlstore.dialects._migrations import HeldLock, MigrationDriver, migration_driver
from sqlstore.errors import MigrationError
from sqlstore.paths import migration_dirs

__all__ = ["RECORD_TABLE", "MigrationState", "Migrator"]

log = logging.getLogger("sqlstore.migrate")


class Migrator:
    """Apply, roll back and report the migrations in ``dirs`` on one database."""

    def __init__(self, yoyo_url: str, dirs: Sequence[Path], *, lock_timeout: float = 60.0):
        self._url = yoyo_url
        self.dirs = migration_dirs(dirs)
        self.lock_timeout = lock_timeout
        self._driver: MigrationDriver = migration_driver(yoyo_url)

    def _locked(self, backend: Any, doing: str) -> AbstractContextManager[HeldLock]:
        return _yoyo.locked(self._driver, backend, self.lock_timeout, doing)

    def _transaction(self, backend: Any) -> AbstractContextManager[None]:
        return _yoyo.transaction(self._driver, backend)

    @contextlib.contextmanager
    def _read_locked(self, doing: str) -> Iterator[tuple[Any, HeldLock, Any]]:
        """A yoyo backend under the migration lock, and the folders' migrations, read."""
        with _yoyo.opened(self._url) as backend, self._locked(backend, doing) as lock:
            migrations = self._migrations()
            self._load(migrations)
            yield backend, lock, migrations

    # Reading -----------------------------------------------------------------------------

    def _migrations(self) -> Any:
        try:
            return read_migrations(*(str(d) for d in self.dirs))
        except MigrationConflict as exc:
            raise MigrationError(f"two migrations share an id: {exc}") from exc

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

    def _apply_one(self, backend: Any, lock: HeldLock, m: Any) -> None:
        log.info("applying %s", m.id)
        lock.doing(f"applying {m.id}")
        if m.use_transactions:
            with self._transaction(backend):
                m.process_steps(backend, "apply")
                self._before_record(m.id)
                backend.log_migration(m, "apply")
                backend.mark_one(m, log=False)
                _yoyo.write_record(backend, m)
            return
        # "-- transactional: false": the steps commit as they run, as with yoyo.
        m.process_steps(backend, "apply")
        self._before_record(m.id)
        with self._transaction(backend):
            backend.log_migration(m, "apply")
            backend.mark_one(m, log=False)
            _yoyo.write_record(backend, m)

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

    def apply(self, target: str | None = None) -> list[str]:
        """Apply every pending migration, in dependency order; return their ids.

        With ``target``, only that migration and the pending ones it depends
        on. Each transactional migration commits with its record, or not at
        all. Nothing is applied if a pending migration is empty or an applied
        one's file changed.
        """
        with self._read_locked("reading the migrations") as (backend, lock, migrations):
            applied = _yoyo.applied(backend)
            records = _yoyo.records(backend)
            known = {m.id: m for m in migrations}
            pending = list(backend.to_apply(migrations))
            if target is not None:
                wanted = {target} | {m.id for m in ancestors(_known(known, target), migrations)}
                pending = [m for m in pending if m.id in wanted]
            refuse_empty(pending)
            refuse_changed(self._states(migrations, applied, records), known)
            # A database migrated before sqlstore kept records: record what is there.
            unrecorded = [m for m in migrations if m.hash in applied and m.id not in records]
            if unrecorded:
                lock.doing("recording checksums")
                with self._transaction(backend):
                    for m in unrecorded:
                        _yoyo.write_record(backend, m)
            return self._apply_all(backend, lock, migrations, pending)

    def _apply_all(
        self, backend: Any, lock: HeldLock, migrations: Any, pending: list[Any]
    ) -> list[str]:
        """Apply ``pending`` in order, then yoyo's post-apply hooks if any ran."""
        done: list[str] = []
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

    def rollback(self, steps: int | None = 1, *, to: str | None = None) -> list[str]:
        """Roll back the last ``steps`` applied migrations (all with ``None``), dependants first.

        With ``to``, every migration rolled back before that one would be
        (those applied after it), leaving ``to`` applied. Refused, with
        nothing rolled back, if an applied migration that stays depends on
        one of them, or if a rollback file holds no statement.
        """
        with self._read_locked("reading the migrations") as (backend, lock, migrations):
            chosen = self._to_roll_back(backend, migrations, steps, to)
            return self._rollback_all(backend, lock, chosen)

    def _to_roll_back(
        self, backend: Any, migrations: Any, steps: int | None, to: str | None
    ) -> list[Any]:
        """The migrations to roll back, dependants first; refused if that strands one."""
        known = {m.id: m for m in migrations}
        order = list(backend.to_rollback(migrations))
        if to is not None:
            target = _known(known, to)
            if target not in order:
                raise MigrationError(f"{to} is not applied: there is nothing to roll back to")
            chosen = order[: order.index(target)]
        else:
            chosen = order if steps is None else order[:steps]
        refuse_dependents(chosen, known, _yoyo.applied(backend), _yoyo.records(backend))
        refuse_empty_rollback(chosen)
        return chosen

    def _rollback_all(self, backend: Any, lock: HeldLock, chosen: list[Any]) -> list[str]:
        done: list[str] = []
        current = ""
        try:
            for m in chosen:
                current = m.id
                log.info("rolling back %s", m.id)
                lock.doing(f"rolling back {m.id}")
                self._rollback_one(backend, m)
                done.append(m.id)
        except (BadMigration, backend.DatabaseError) as exc:
            raise self._failed("rolling back", current, done, exc, backend.DatabaseError) from exc
        return done

    def reapply(self, steps: int = 1) -> list[str]:
        """Roll back the last ``steps`` applied migrations and apply them again, under one lock.

        For a migration being written: it runs again from its current files,
        and its record is rewritten.
        """
        with self._read_locked("reapplying") as (backend, lock, migrations):
            chosen = self._to_roll_back(backend, migrations, steps, None)
            refuse_empty(chosen)
            self._rollback_all(backend, lock, chosen)
            return self._apply_all(backend, lock, migrations, chosen[::-1])

    def mark(self, ids: Sequence[str], *, applied: bool = True) -> list[str]:
        """Record migrations as applied (``applied=False``: as not applied) without running them.

        Refused, changing nothing, for an unknown id, a migration to mark whose
        dependency stays pending, or one to unmark that an applied migration
        staying (of any folder) depends on. Ids already in that state are skipped.
        """
        verb = "recording" if applied else "unrecording"
        with self._read_locked(f"{verb} migrations") as (backend, _, migrations):
            known = {m.id: m for m in migrations}
            done_hashes = set(_yoyo.applied(backend))
            chosen = [_known(known, mid) for mid in dict.fromkeys(ids)]
            chosen = [m for m in chosen if (m.hash in done_hashes) != applied]
            if applied:
                ids_now = {m.id for m in chosen} | {
                    m.id for m in migrations if m.hash in done_hashes
                }
                for m in chosen:
                    missing = sorted(d.id for d in m.depends if d.id not in ids_now)
                    if missing:
                        raise MigrationError(
                            f"cannot mark {m.id} applied: it depends on {', '.join(missing)}, "
                            "which is not applied; mark or apply that first. Nothing was marked"
                        )
            else:
                applied_now, records = _yoyo.applied(backend), _yoyo.records(backend)
                refuse_dependents(chosen, known, applied_now, records, "unmark")
            with self._transaction(backend):
                for m in chosen:
                    backend.log_migration(m, "mark" if applied else "unmark")
                    if applied:
                        backend.mark_one(m, log=False)
                        _yoyo.write_record(backend, m)
                    else:
                        backend.unmark_one(m, log=False)
                        _yoyo.delete_record(backend, m.id)
        return [m.id for m in chosen]

    def _rollback_one(self, backend: Any, m: Any) -> None:
        def unrecord() -> None:
            backend.log_migration(m, "rollback")
            backend.unmark_one(m, log=False)
            _yoyo.delete_record(backend, m.id)

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
        with self._read_locked("recording checksums") as (backend, _, migrations):
            known = {m.id: m for m in migrations}
            applied = _yoyo.applied(backend)
            applied_ids = {a.id for a in applied.values()}
            for mid in ids:
                if mid not in known:
                    raise MigrationError(f"no migration {mid!r} in this store's folders")
                if mid not in applied_ids:
                    raise MigrationError(f"{mid} is not applied: there is nothing to accept")
            with self._transaction(backend):
                for mid in ids:
                    _yoyo.write_record(backend, known[mid])
        return list(ids)

    # Reporting -----------------------------------------------------------------------------

    def status(self) -> list[MigrationState]:
        """Every migration of the store's folders in order, then applied ones of no folder.

        Reads only: a database never migrated stays untouched.
        """
        with _yoyo.opened(self._url) as backend:
            migrations = self._migrations()
            self._load(migrations)
            tables = _yoyo.tables(backend)
            if backend.migration_table in tables and internalmigrations.needs_upgrading(backend):
                # A table of yoyo < 6: upgrading it writes, so under the lock.
                with self._locked(backend, "upgrading yoyo's tables"):
                    pass
            return self._states(migrations, _yoyo.applied(backend), _yoyo.records(backend))

    def lock_holder(self) -> str | None:
        """Who holds the migration lock, and what it is doing; ``None`` when it is free."""
        with _yoyo.opened(self._url) as backend:
            return self._driver.holder(backend)

    def break_lock(self) -> int:
        """Remove yoyo's lock rows left behind by a killed process; return how many.

        sqlstore's own lock needs no breaking: it goes with its holder.
        """
        with _yoyo.opened(self._url) as backend:
            return _yoyo.break_yoyo_lock(self._driver, backend)


def _known(known: dict[str, Any], mid: str) -> Any:
    """The migration called ``mid`` in the store's folders, else ``MigrationError``."""
    try:
        return known[mid]
    except KeyError:
        raise MigrationError(f"no migration {mid!r} in this store's folders") from None
