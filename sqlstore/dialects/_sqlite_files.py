"""The SQLite database file: opened read-only when it cannot be written, watched for replacement.

A database whose file (or folder, where WAL mode keeps its ``-wal`` and
``-shm`` files) cannot be written is opened read-only: reads work, and a
write raises ``DatabaseUnavailable`` saying the database is read-only.

A connection writes to the file it opened, even after that file was deleted
or replaced: SQLite would acknowledge the commit and the data would be lost
with the unlinked file. So the file's identity (device and inode) is taken
when the first connection opens it, checked before every write commits and
whenever another connection is opened (which then never creates a new file).
Reads on the connections already open go on: they see exactly what this
store committed, and checking them would cost a ``stat`` per session.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlstore.errors import DatabaseUnavailable

__all__ = ["DatabaseFile", "ReadOnlyDatabase", "check_before_commit", "write_ahead"]

# Extended result codes that say the file or its folder cannot be written.
_READ_ONLY_CODES = ("SQLITE_READONLY", "SQLITE_CANTOPEN")


class ReadOnlyDatabase(sqlite3.OperationalError):
    """A write to a database opened read-only (the dialect maps it to ``DatabaseUnavailable``)."""


class _ReadOnlyConnection(sqlite3.Connection):
    """A connection to a read-only file: a refused write says so, with the file's name."""

    why = ""

    def execute(self, sql: str, parameters: Any = (), /) -> sqlite3.Cursor:
        """``sqlite3.Connection.execute``; a write raises ``ReadOnlyDatabase``."""
        try:
            return super().execute(sql, parameters)
        except sqlite3.OperationalError as exc:
            raise self._refused(exc) from exc

    def executemany(self, sql: str, parameters: Any, /) -> sqlite3.Cursor:
        """``sqlite3.Connection.executemany``; a write raises ``ReadOnlyDatabase``."""
        try:
            return super().executemany(sql, parameters)
        except sqlite3.OperationalError as exc:
            raise self._refused(exc) from exc

    def _refused(self, exc: sqlite3.OperationalError) -> sqlite3.OperationalError:
        if not getattr(exc, "sqlite_errorname", "").startswith("SQLITE_READONLY"):
            return exc
        err = ReadOnlyDatabase(f"{self.why}: {exc}")
        err.sqlite_errorcode = exc.sqlite_errorcode
        err.sqlite_errorname = exc.sqlite_errorname
        return err


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return st.st_dev, st.st_ino


def _writable(path: Path) -> bool:
    """True if this process may write ``path``: its mode, an immutable flag, a read-only mount.

    Never by opening the file: closing a descriptor of it would drop every
    POSIX lock this process's SQLite connections hold on it.
    """
    return os.access(path, os.W_OK, effective_ids=os.access in os.supports_effective_ids)


class DatabaseFile:
    """One SQLite database file, as the dialect's connections open it."""

    def __init__(self, path: Path):
        self.path = path.absolute()
        #: Why the database is read-only; ``None`` while it can be written.
        self.read_only: str | None = None
        self._identity: tuple[int, int] | None = None
        # Each connection's total_changes when its last commit was checked: a
        # transaction that changed no row has nothing to lose and needs no stat.
        self._changes: dict[int, int] = {}

    def connect(self, **kwargs: Any) -> sqlite3.Connection:
        """A new connection; read-only (and saying why) if the file or folder cannot be written.

        ``kwargs`` go to ``sqlite3.connect``. Every connection after the first
        refuses a file that was deleted or replaced meanwhile, and never
        creates one.
        """
        first = self._identity is None
        if not first:
            self.check_unchanged()
        why = self._not_writable()
        if why is None:
            try:
                raw = self._open("rwc" if first else "rw", kwargs, write_ahead)
            except sqlite3.OperationalError as exc:
                code = getattr(exc, "sqlite_errorname", "")
                if not code.startswith(_READ_ONLY_CODES) or not self.path.exists():
                    raise
                why = f"the SQLite database {self.path} is read-only (its folder is not writable)"
            else:
                self.read_only = None
                return self._opened(first, raw)
        raw = self._open_read_only(why, kwargs)
        self.read_only = why
        return self._opened(first, raw)

    def _opened(self, first: bool, raw: sqlite3.Connection) -> sqlite3.Connection:
        """``raw``, once its file is known to be the one the store opened first."""
        if first:
            self._identity = _identity(self.path)
        else:
            try:
                self.check_unchanged()
            except DatabaseUnavailable:
                raw.close()
                raise
        self._changes[id(raw)] = raw.total_changes
        return raw

    def before_commit(self, raw: sqlite3.Connection) -> None:
        """Raise ``DatabaseUnavailable`` if ``raw``'s transaction wrote to a replaced file."""
        changes = raw.total_changes
        if self._changes.get(id(raw)) != changes:
            # Kept even when refused: the rollback that follows changes no count.
            self._changes[id(raw)] = changes
            self.check_unchanged()

    def check_unchanged(self) -> None:
        """Raise ``DatabaseUnavailable`` if the file was deleted or replaced since it was opened."""
        if self._identity is not None and _identity(self.path) != self._identity:
            raise DatabaseUnavailable(
                f"the SQLite database file {self.path} was deleted or replaced after it was "
                "opened; nothing more is written to it (open the store again)"
            )

    def _not_writable(self) -> str | None:
        """Why the database cannot be written, seen from the file system; ``None`` if it can."""
        if not self.path.exists():
            return None
        if not _writable(self.path):
            return f"the SQLite database {self.path} is read-only (its file is not writable)"
        wal, shm = (Path(f"{self.path}{suffix}") for suffix in ("-wal", "-shm"))
        if not (wal.exists() and shm.exists()) and not _writable(self.path.parent):
            return f"the SQLite database {self.path} is read-only (its folder is not writable)"
        return None

    def _open(
        self,
        mode: str,
        kwargs: dict[str, Any],
        setup: Callable[[sqlite3.Connection], None] | None = None,
        *,
        immutable: bool = False,
    ) -> sqlite3.Connection:
        """A connection in SQLite's ``mode`` (rwc, rw, ro), set up; closed again if that fails."""
        uri = f"{self.path.as_uri()}?mode={mode}"
        if immutable:
            uri += "&immutable=1"
        factory = sqlite3.Connection if mode != "ro" else _ReadOnlyConnection
        raw = sqlite3.connect(uri, uri=True, factory=factory, **kwargs)
        try:
            raw.execute("PRAGMA foreign_keys = ON")
            if setup is not None:
                setup(raw)
        except BaseException:
            raw.close()
            raise
        return raw

    def _open_read_only(self, why: str, kwargs: dict[str, Any]) -> sqlite3.Connection:
        """Open for reading: through the WAL if SQLite can, else as an immutable file."""
        try:
            # Reading the schema opens the file and its WAL index.
            raw = self._open("ro", kwargs, _read_schema)
        except sqlite3.OperationalError as exc:
            if not getattr(exc, "sqlite_errorname", "").startswith(_READ_ONLY_CODES):
                raise
            wal = Path(f"{self.path}-wal")
            if wal.exists() and wal.stat().st_size > 0:
                # Opened immutable, SQLite would not read the commits still in the WAL.
                raise sqlite3.OperationalError(
                    f"{why}, and its -wal file holds commits it cannot read without writing "
                    "its -shm file"
                ) from exc
            # The file alone is the database: read it without the WAL index. (Were
            # another process to write it meanwhile, these reads would not see it.)
            raw = self._open("ro", kwargs, immutable=True)
        if isinstance(raw, _ReadOnlyConnection):
            raw.why = why
        return raw


def _read_schema(raw: sqlite3.Connection) -> None:
    raw.execute("PRAGMA schema_version").fetchone()


def write_ahead(raw: sqlite3.Connection, wait: float = 5.0) -> None:
    """Put a connection in WAL mode with ``synchronous = NORMAL``."""
    # Readers never block the writer, and the writer never blocks readers.
    deadline = time.monotonic() + wait
    while True:
        try:
            raw.execute("PRAGMA journal_mode = WAL")
            break
        except sqlite3.OperationalError as exc:
            # Switching a new file to WAL needs it to itself, and SQLite answers
            # "locked" at once, without its busy timeout, while another
            # connection (another thread migrating) holds a lock.
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)
    # In WAL mode NORMAL is still crash-safe; only a power cut may lose the
    # last commits, never corrupt the file.
    raw.execute("PRAGMA synchronous = NORMAL")


def check_before_commit(file: DatabaseFile | None, raw: sqlite3.Connection, readonly: bool) -> None:
    """Before a session commits: refuse its writes if the database file was deleted or replaced."""
    if file is not None and not readonly:
        file.before_commit(raw)
