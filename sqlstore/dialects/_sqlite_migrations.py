"""SQLite's part of running migrations: an ``flock`` beside the file; ``BEGIN IMMEDIATE``."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlstore.dialects._migrations import (
    POLL,
    HeldLock,
    MigrationDriver,
    busy,
    describe,
    holder_info,
)
from sqlstore.errors import MigrationError

__all__ = ["SQLiteMigrationDriver"]

#: An in-memory database is private to its process: a lock of the process serves.
_memory_lock = threading.Lock()
_memory_holder: dict[str, str] = {}


class _SQLiteFileLock(HeldLock):
    def __init__(self, fd: int, doing: str):
        self._fd = fd
        self._since = datetime.now(UTC).isoformat()
        self.doing(doing)

    def doing(self, what: str) -> None:
        # Best effort: the lock is the flock, this text only explains it.
        with contextlib.suppress(OSError):
            data = json.dumps(holder_info(what, self._since)).encode()
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
        _memory_holder["text"] = describe(holder_info(what, self._since))

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
                raise busy(timeout, _memory_holder.get("text"))
            return _MemoryLock(doing)

        fd = self._open()
        try:
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    return _SQLiteFileLock(fd, doing)
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise busy(timeout, self._read_holder(fd)) from None
                    time.sleep(POLL)
        except BaseException:
            os.close(fd)
            raise

    @staticmethod
    def _read_holder(fd: int) -> str | None:
        try:
            info = json.loads(os.pread(fd, 4096, 0) or b"null")
        except (OSError, ValueError):
            return None
        return describe(info) if isinstance(info, dict) else None

    def holder(self, backend: Any) -> str | None:
        """Probe the lock with a shared flock, creating nothing."""
        if self.memory:
            if _memory_lock.locked():
                return _memory_holder.get("text") or "another thread of this process"
            return None

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
