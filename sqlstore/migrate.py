"""A thin wrapper over yoyo-migrations.

Each dialect has its own folder (``migrations/sqlite``, ``migrations/postgresql``)
and an app adds folders of the same shape. Migration ids carry the dialect
(``0001_generations.sqlite``) because yoyo keeps one process-wide registry of
ids. yoyo's lock is taken before anything is read from the database.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from yoyo import get_backend, read_migrations
from yoyo.exceptions import BadMigration, LockTimeout, MigrationConflict

from sqlstore.config import redact
from sqlstore.errors import MigrationError
from sqlstore.types import to_utc

__all__ = ["MigrationState", "Migrator"]

log = logging.getLogger("sqlstore.migrate")


@dataclass(frozen=True)
class MigrationState:
    """One migration: its id, whether it is applied, and when."""

    id: str
    applied: bool
    applied_at: datetime | None


class Migrator:
    """Apply, roll back and report the migrations in ``dirs`` on one database."""

    def __init__(self, yoyo_url: str, dirs: Sequence[Path], *, lock_timeout: float = 60.0):
        self._url = yoyo_url
        self.dirs = [Path(d) for d in dirs]
        self.lock_timeout = lock_timeout
        for d in self.dirs:
            if not d.is_dir():
                raise MigrationError(f"migration folder {d} does not exist")

    @contextlib.contextmanager
    def _backend(self) -> Iterator[Any]:
        try:
            backend = get_backend(self._url)
        except Exception as exc:
            raise MigrationError(
                f"cannot open the database for migrations: {redact(str(exc))}"
            ) from exc
        try:
            yield backend
        except (BadMigration, LockTimeout, backend.DatabaseError) as exc:
            if isinstance(exc, LockTimeout):
                raise MigrationError(
                    "another process holds the migration lock; if it died, clear it with "
                    "'sqlstore break-lock'"
                ) from exc
            raise MigrationError(redact(str(exc))) from exc
        finally:
            backend.connection.close()

    def _migrations(self) -> Any:
        try:
            return read_migrations(*(str(d) for d in self.dirs))
        except MigrationConflict as exc:
            raise MigrationError(f"two migrations share an id: {exc}") from exc

    def apply(self) -> list[str]:
        """Apply every pending migration, in dependency order; return their ids."""
        with self._backend() as backend, backend.lock(timeout=self.lock_timeout):
            pending = backend.to_apply(self._migrations())
            for migration in pending:
                log.info("applying %s", migration.id)
            backend.apply_migrations(pending)
            return [m.id for m in pending]

    def rollback(self, steps: int | None = 1) -> list[str]:
        """Roll back the last ``steps`` applied migrations (all with ``None``)."""
        with self._backend() as backend, backend.lock(timeout=self.lock_timeout):
            applied = backend.to_rollback(self._migrations())
            chosen = applied if steps is None else applied[:steps]
            backend.rollback_migrations(chosen)
            return [m.id for m in chosen]

    def status(self) -> list[MigrationState]:
        """Every known migration, applied or pending, in order."""
        with self._backend() as backend:
            migrations = self._migrations()
            backend.ensure_internal_schema_updated()
            cursor = backend.execute(
                backend.format_sql(
                    # As text: yoyo's SQLite connection would parse the column with a converter.
                    "SELECT migration_hash, CAST(applied_at_utc AS TEXT)"
                    " FROM {0.migration_table_quoted}"
                )
            )
            applied = {row[0]: row[1] for row in cursor.fetchall()}
            states = []
            for m in migrations:
                when = applied.get(m.hash)
                if isinstance(when, str):
                    when = datetime.fromisoformat(when)
                states.append(
                    MigrationState(m.id, m.hash in applied, to_utc(when) if when else None)
                )
            return states

    def break_lock(self) -> None:
        """Remove a migration lock left behind by a killed process."""
        with self._backend() as backend:
            backend.break_lock()
