"""What ``sqlstore.migrate`` needs from the driver, per dialect.

The migrator runs each migration on yoyo's backend connection; this module
holds the few things that differ between the dialects there:

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
import json
import os
import socket
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sqlstore.errors import MigrationError

__all__ = ["HeldLock", "MigrationDriver", "migration_driver"]

#: How often a waiting process tries the lock again.
_POLL = 0.05


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


def _busy(timeout: float, holder: str | None) -> MigrationError:
    who = f"held by {holder}" if holder else "held by another process"
    return MigrationError(
        f"the migration lock is {who}, and was not released within {timeout:g} s; "
        "it is released when that process or its connection ends "
        "(no 'sqlstore break-lock' needed): wait for it, or stop it"
    )


# SQLite ----------------------------------------------------------------------------------

#: An in-memory database is private to its process: a lock of the process serves.
_memory_lock = threading.Lock()
_memory_holder: dict[str, str] = {}


def _describe(info: dict[str, Any]) -> str:
    what = info.get("doing") or "migrating"
    since = info.get("since")
    started = ""
    if isinstance(since, str):
        with contextlib.suppress(ValueError):
            seconds = (datetime.now(UTC) - datetime.fromisoformat(since)).total_seconds()
            started = f", for {max(seconds, 0):.0f} s"
    return f"pid {info.get('pid', '?')} on {info.get('host', '?')} ({what}{started})"


def _info(what: str, since: str) -> dict[str, Any]:
    return {"pid": os.getpid(), "host": socket.gethostname(), "doing": what, "since": since}


class _SQLiteFileLock(HeldLock):
    def __init__(self, fd: int, doing: str):
        self._fd = fd
        self._since = datetime.now(UTC).isoformat()
        self.doing(doing)

    def doing(self, what: str) -> None:
        # Best effort: the lock is the flock, this text only explains it.
        with contextlib.suppress(OSError):
            data = json.dumps(_info(what, self._since)).encode()
            os.ftruncate(self._fd, 0)
            os.pwrite(self._fd, data, 0)

    def release(self) -> None:
        with contextlib.suppress(OSError):
            os.ftruncate(self._fd, 0)
        with contextlib.suppress(OSError):
            os.close(self._fd)  # closing the file drops the flock


class _MemoryLock(HeldLock):
    def __init__(self, doing: str):
        self._since = datetime.now(UTC).isoformat()
        self.doing(doing)

    def doing(self, what: str) -> None:
        _memory_holder["text"] = _describe(_info(what, self._since))

    def release(self) -> None:
        _memory_holder.clear()
        _memory_lock.release()


class SQLiteMigrationDriver(MigrationDriver):
    """SQLite: an ``flock`` on ``<database>.migrate-lock``; ``BEGIN IMMEDIATE``."""

    def __init__(self, database: str):
        self.memory = database in ("", ":memory:")
        #: Never deleted: a process may hold a lock on the file it opened, and
        #: another would then lock a new file of the same name.
        self.lock_path = Path(f"{database}.migrate-lock")

    def prepare(self, backend: Any, timeout: float) -> None:
        """Wait up to ``timeout`` for the app's writers (yoyo's connection waits 5 s)."""
        backend.connection.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")

    def _open(self) -> int:
        flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0)
        try:
            return os.open(self.lock_path, flags, 0o644)
        except PermissionError:
            try:  # A read-only folder: lock the file that is there, explain nothing.
                return os.open(self.lock_path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
            except OSError as exc:
                raise MigrationError(
                    f"cannot open the migration lock file {self.lock_path}: {exc.strerror}"
                ) from exc
        except OSError as exc:
            raise MigrationError(
                f"cannot open the migration lock file {self.lock_path}: {exc.strerror}"
            ) from exc

    def acquire(self, backend: Any, timeout: float, doing: str) -> HeldLock:
        """Take the lock, polling until ``timeout``; the error says who holds it."""
        deadline = time.monotonic() + timeout
        if self.memory:
            if not _memory_lock.acquire(timeout=max(timeout, 0)):
                raise _busy(timeout, _memory_holder.get("text"))
            return _MemoryLock(doing)
        import fcntl

        fd = self._open()
        try:
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    return _SQLiteFileLock(fd, doing)
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise _busy(timeout, self._read_holder(fd)) from None
                    time.sleep(_POLL)
        except BaseException:
            os.close(fd)
            raise

    @staticmethod
    def _read_holder(fd: int) -> str | None:
        try:
            info = json.loads(os.pread(fd, 4096, 0) or b"null")
        except (OSError, ValueError):
            return None
        return _describe(info) if isinstance(info, dict) else None

    def holder(self, backend: Any) -> str | None:
        """Probe the lock with a shared flock, creating nothing."""
        if self.memory:
            if _memory_lock.locked():
                return _memory_holder.get("text") or "another thread of this process"
            return None
        import fcntl

        try:
            fd = os.open(self.lock_path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
        except FileNotFoundError:
            return None
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
            except BlockingIOError:
                return self._read_holder(fd) or "another process"
            fcntl.flock(fd, fcntl.LOCK_UN)
            return None
        finally:
            os.close(fd)

    def begin(self, backend: Any) -> None:
        """``BEGIN IMMEDIATE``: the write lock first, so DDL never waits halfway."""
        backend.execute("BEGIN IMMEDIATE")

    def commit(self, backend: Any) -> None:
        """Commit; an error if SQLite already ended the transaction by itself."""
        if not backend.connection.in_transaction:
            raise MigrationError(
                "SQLite rolled the migration's transaction back by itself (disk full, "
                "I/O error?): nothing of it was committed"
            )
        backend.execute("COMMIT")


# PostgreSQL ------------------------------------------------------------------------------

#: The advisory lock's two int4 keys: "sqls", "migr". One lock per database.
_KEYS = (0x73716C73, 0x6D696772)

_HOLDER_SQL = f"""
SELECT
    l.pid,
    a.application_name,
    a.state,
    CAST(a.client_addr AS text),
    EXTRACT(EPOCH FROM (now() - a.state_change))
FROM pg_catalog.pg_locks AS l
LEFT JOIN pg_catalog.pg_stat_activity AS a ON a.pid = l.pid
WHERE
    l.locktype = 'advisory'
    AND l.granted
    AND l.database = (SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database())
    AND l.classid = {_KEYS[0]}
    AND l.objid = {_KEYS[1]}
    AND l.objsubid = 2
"""


class _PGAdvisoryLock(HeldLock):
    def __init__(self, conn: Any, doing: str):
        self._conn = conn
        self.doing(doing)

    def doing(self, what: str) -> None:
        # application_name is what pg_stat_activity shows every other session
        # (63 bytes at most); set outside any transaction, so it stays set.
        text = f"sqlstore pid {os.getpid()}: {what}"
        with contextlib.suppress(Exception):
            self._conn.execute("SELECT set_config('application_name', %s, false)", [text])

    def release(self) -> None:
        with contextlib.suppress(Exception):
            self._conn.execute(f"SELECT pg_advisory_unlock({_KEYS[0]}, {_KEYS[1]})")


class PostgreSQLMigrationDriver(MigrationDriver):
    """PostgreSQL: a session-level advisory lock on yoyo's connection; plain ``BEGIN``."""

    def prepare(self, backend: Any, timeout: float) -> None:
        """Have the server notice a dead client even in the middle of a long statement."""
        # PostgreSQL 14+: without it a killed migrate's backend runs its
        # statement to the end (holding the lock) before it sees the client gone.
        with contextlib.suppress(backend.DatabaseError):
            backend.connection.execute("SET client_connection_check_interval = 1000")

    def acquire(self, backend: Any, timeout: float, doing: str) -> HeldLock:
        """``pg_try_advisory_lock`` until ``timeout``; the error names the holder."""
        conn = backend.connection
        deadline = time.monotonic() + timeout
        while True:
            row = conn.execute(f"SELECT pg_try_advisory_lock({_KEYS[0]}, {_KEYS[1]})").fetchone()
            if row and row[0]:
                return _PGAdvisoryLock(conn, doing)
            if time.monotonic() >= deadline:
                raise _busy(timeout, self.holder(backend))
            time.sleep(_POLL)

    def holder(self, backend: Any) -> str | None:
        """The holding backend's pid, client, application name and state, from the catalog."""
        row = backend.connection.execute(_HOLDER_SQL).fetchone()
        if not row:
            return None
        pid, app, state, client, seconds = row
        text = f"PostgreSQL backend pid {pid}"
        if client:
            text += f" (client {client})"
        details = [str(app) if app else "", str(state) if state else ""]
        if seconds is not None and state:
            details[-1] += f" for {float(seconds):.0f} s"
        shown = "; ".join(d for d in details if d)
        return f"{text}: {shown}" if shown else text

    def begin(self, backend: Any) -> None:
        """``BEGIN``: yoyo's connection is in autocommit mode between migrations."""
        backend.execute("BEGIN")

    def commit(self, backend: Any) -> None:
        """``COMMIT``, refusing the ROLLBACK a server sends for an aborted transaction."""
        status = backend.execute("COMMIT").statusmessage
        if status != "COMMIT":
            raise MigrationError(
                f"the database answered the migration's COMMIT with {status}: "
                "nothing of it was committed"
            )


def migration_driver(yoyo_url: str) -> MigrationDriver:
    """The migration driver for the database yoyo's URL names."""
    parts = urlsplit(yoyo_url)
    scheme = parts.scheme.lower()
    if scheme == "sqlite":
        # As yoyo reads it: the path after the third slash, unquoted as it is.
        return SQLiteMigrationDriver(parts.path[1:])
    if scheme.startswith("postgres"):
        return PostgreSQLMigrationDriver()
    raise MigrationError(f"sqlstore cannot migrate a {scheme!r} database")


@contextlib.contextmanager
def held(driver: MigrationDriver, backend: Any, timeout: float, doing: str) -> Iterator[HeldLock]:
    """The migration lock for the block; released however the block ends."""
    lock = driver.acquire(backend, timeout, doing)
    try:
        yield lock
    finally:
        lock.release()
