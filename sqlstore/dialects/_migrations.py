"""What ``sqlstore.migrate`` needs from the driver, per dialect: the interface.

The migrator runs each migration on yoyo's backend connection; a dialect's
``MigrationDriver`` (``_sqlite_migrations``, ``_pg_migrations``) holds the few
things that differ between the dialects there:

- the migration lock, which dies with its holder: on PostgreSQL a
  session-level advisory lock on the migrating connection (the server drops
  it when that connection ends, whatever ended it); on SQLite an ``flock`` on
  a file beside the database (the kernel drops it when the process dies), or
  a lock of this process for an in-memory database, which no other process
  can see;
- what the holder is doing, for the message a waiting process gives;
- the transaction that holds a migration and its record: ``BEGIN IMMEDIATE``
  on SQLite (take the write lock first, so no upgrade can fail halfway), and
  a COMMIT that the server answers with ROLLBACK is an error.
"""

from __future__ import annotations

import contextlib
import os
import socket
from abc import ABC, abstractmethod
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from sqlstore.errors import MigrationError

__all__ = [
    "POLL",
    "HeldLock",
    "MigrationDriver",
    "busy",
    "describe",
    "held",
    "holder_info",
    "migration_driver",
]

#: How often a waiting process tries the lock again.
POLL = 0.05


class HeldLock(ABC):
    """The migration lock, held: say what the holder does, then release it."""

    @abstractmethod
    def doing(self, what: str) -> None:
        """Publish what the holder is doing now (e.g. ``applying 0002_media.sqlite``)."""

    @abstractmethod
    def release(self) -> None:
        """Release the lock (never raises: the connection may be gone already)."""


class MigrationDriver(ABC):
    """The per-dialect part of running migrations on yoyo's connection."""

    @abstractmethod
    def prepare(self, backend: Any, timeout: float) -> None:
        """Set up yoyo's fresh connection for migrating (waits, liveness checks)."""

    @abstractmethod
    def acquire(self, backend: Any, timeout: float, doing: str) -> HeldLock:
        """Take the migration lock within ``timeout`` seconds, else ``MigrationError``."""

    @abstractmethod
    def holder(self, backend: Any) -> str | None:
        """Who holds the migration lock and what it is doing; ``None`` when it is free."""

    @abstractmethod
    def begin(self, backend: Any) -> None:
        """Start the transaction that holds one migration and its record."""

    def commit(self, backend: Any) -> None:
        """Commit it; ``MigrationError`` if the database did not."""
        backend.execute("COMMIT")

    def rollback(self, backend: Any) -> None:
        """Roll it back; quietly, if the connection or the transaction is gone already."""
        with contextlib.suppress(Exception):
            backend.execute("ROLLBACK")


def busy(timeout: float, holder: str | None) -> MigrationError:
    who = f"held by {holder}" if holder else "held by another process"
    return MigrationError(
        f"the migration lock is {who}, and was not released within {timeout:g} s; "
        "it is released when that process or its connection ends "
        "(no 'sqlstore break-lock' needed): wait for it, or stop it"
    )


def describe(info: dict[str, Any]) -> str:
    what = info.get("doing") or "migrating"
    since = info.get("since")
    started = ""
    if isinstance(since, str):
        with contextlib.suppress(ValueError):
            seconds = (datetime.now(UTC) - datetime.fromisoformat(since)).total_seconds()
            started = f", for {max(seconds, 0):.0f} s"
    return f"pid {info.get('pid', '?')} on {info.get('host', '?')} ({what}{started})"


def holder_info(what: str, since: str) -> dict[str, Any]:
    return {"pid": os.getpid(), "host": socket.gethostname(), "doing": what, "since": since}


def migration_driver(yoyo_url: str) -> MigrationDriver:
    """The migration driver for the database yoyo's URL names."""
    from sqlstore.dialects import dialect_for_scheme

    dialect = dialect_for_scheme(urlsplit(yoyo_url).scheme)
    if dialect is None:
        raise MigrationError(f"sqlstore cannot migrate a {urlsplit(yoyo_url).scheme!r} database")
    return dialect.migration_driver(yoyo_url)


@contextlib.contextmanager
def held(driver: MigrationDriver, backend: Any, timeout: float, doing: str) -> Iterator[HeldLock]:
    """The migration lock for the block; released however the block ends."""
    lock = driver.acquire(backend, timeout, doing)
    try:
        yield lock
    finally:
        lock.release()
