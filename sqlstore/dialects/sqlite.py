"""SQLite through the stdlib ``sqlite3`` driver.

Connections run with ``isolation_level=None`` so that sqlstore, not the driver,
says when a transaction starts: ``BEGIN IMMEDIATE`` for a write session (the
write lock is taken up front, so two writers queue on the busy timeout
instead of failing mid-transaction), plain ``BEGIN`` for a read-only one.
Every connection turns ``foreign_keys`` on; the database runs in WAL mode.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlsplit
from uuid import UUID

from sqlstore.config import Settings
from sqlstore.dialects import register
from sqlstore.dialects._migrations import MigrationDriver
from sqlstore.dialects._sqlite_connection import connection, strict_calls
from sqlstore.dialects._sqlite_errors import DRIVER_ERRORS as _DRIVER_ERRORS
from sqlstore.dialects._sqlite_errors import raise_mapped as _raise_mapped
from sqlstore.dialects._sqlite_files import (
    DatabaseFile,
    check_before_commit,
    write_ahead,
)
from sqlstore.dialects._sqlite_inspect import whole_scans
from sqlstore.dialects._sqlite_migrations import SQLiteMigrationDriver
from sqlstore.dialects.base import Connection, Dialect, Indexes, Transaction
from sqlstore.errors import (
    ConfigError,
    DatabaseUnavailable,
    TransactionAborted,
)
from sqlstore.search import Clause, to_fts5
from sqlstore.sqltext import Statement
from sqlstore.types import Json, to_utc

__all__ = ["SQLiteDialect"]


@register
class SQLiteDialect(Dialect):
    """SQLite: one file, WAL mode, a small pool of idle connections."""

    name = "sqlite"
    schemes: ClassVar[tuple[str, ...]] = ("sqlite", "sqlite3")
    yoyo_scheme = "sqlite"
    embedded = True
    plan_names_aliases = True
    single_writer = True

    def __init__(self, settings: Settings):
        super().__init__(settings)
        self._strict = strict_calls()
        url = settings.url
        if url.is_memory:
            # A shared-cache in-memory database outlives a single connection
            # (and yoyo's connection sees it) as long as one stays open.
            self._memory = "file::memory:?cache=shared"
            self._file: DatabaseFile | None = None
        else:
            path = url.path
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise ConfigError(f"cannot create the folder for {url}: {exc}") from None
            self._file = DatabaseFile(path)
        # Idle connections for write sessions ([False]) and read-only ones ([True]),
        # the last used on top. A read-only one keeps query_only on for good: no
        # PRAGMA per session. list.append and list.pop need no lock of their own.
        self._idle: dict[bool, list[sqlite3.Connection]] = {False: [], True: []}
        self._lock = threading.Lock()
        self._all: list[sqlite3.Connection] = []
        self._pinned = self._connect(readonly=False)
        if not url.is_memory:
            self._idle[False].append(self._pinned)

    def _connect(self, *, readonly: bool) -> sqlite3.Connection:
        options: dict[str, Any] = {
            "isolation_level": None,
            "check_same_thread": False,
            "timeout": self.settings.busy_timeout,
            "cached_statements": 256,
        }
        try:
            if self._file is not None:
                # Read-only if the file cannot be written; refuses a replaced file.
                raw = self._file.connect(**options)
            else:
                raw = sqlite3.connect(self._memory, uri=True, **options)
                raw.execute("PRAGMA foreign_keys = ON")
                write_ahead(raw)
            if readonly:
                raw.execute("PRAGMA query_only = ON")
        except sqlite3.Error as exc:
            raise ConfigError(f"cannot open SQLite database {self.settings.url}: {exc}") from exc
        with self._lock:
            self._all.append(raw)
        return raw

    @staticmethod
    def render(statement: Statement) -> str:
        """``:name`` placeholders; ``= ANY(:list)`` becomes a ``json_each`` IN-list."""
        return statement.named(lists_as_json_each=True)

    @classmethod
    def describe_param(cls, name: str, *, is_list: bool) -> str:
        """``:name``; a list is sent as JSON to ``json_each``."""
        return f":{name}" + (" (a list, sent as JSON to json_each)" if is_list else "")

    @classmethod
    def search_query(cls, clause: Clause) -> str:
        """A parsed full-text query as an FTS5 ``MATCH`` expression."""
        return to_fts5(clause)

    @classmethod
    def whole_scans(cls, plan: Sequence[str], indexes: Indexes) -> list[str]:
        """``SCAN`` nodes, with or without an index: SQLite names the alias."""
        return whole_scans(plan, indexes)

    @classmethod
    def value_reader(cls, kind: str) -> Callable[[Any], Any] | None:
        """UUIDs, times and JSON are stored as text, booleans as 0/1 (see the README's table)."""
        return _READERS.get(kind)

    @classmethod
    def migration_driver(cls, yoyo_url: str) -> MigrationDriver:
        """An ``flock`` on ``<database>.migrate-lock``; ``BEGIN IMMEDIATE``."""
        # As yoyo reads the URL: the path after the third slash, unquoted as it is.
        return SQLiteMigrationDriver(urlsplit(yoyo_url).path[1:])

    @classmethod
    @contextmanager
    def scratch_database(cls, settings: Settings, prefix: str) -> Iterator[str]:
        """An empty file in a new temporary folder, removed afterwards.

        Empty, not absent: like a server's new database, it is there (a
        command that only reads refuses a file that is not).
        """
        with tempfile.TemporaryDirectory(prefix=prefix) as folder:
            path = Path(folder) / "scratch.db"
            path.touch()
            yield f"{cls.schemes[0]}:///{path}"

    @classmethod
    @contextmanager
    def clone_database(cls, settings: Settings, prefix: str) -> Iterator[str]:
        """A copy of the database file in a new temporary folder, removed afterwards."""
        with tempfile.TemporaryDirectory(prefix=prefix) as folder:
            path = Path(folder) / settings.url.path.name
            try:
                shutil.copyfile(settings.url.path, path)
            except OSError as exc:
                raise ConfigError(f"cannot copy {settings.url}: {exc.strerror}") from exc
            yield f"{cls.schemes[0]}:///{path}"

    def _other_kind(self, readonly: bool) -> sqlite3.Connection:
        """An idle connection of the other kind, switched; else a new one.

        A connection already open goes on reading the file the store opened,
        also after that file was deleted or replaced (a new one would not).
        """
        try:
            raw = self._idle[not readonly].pop()
        except IndexError:
            return self._connect(readonly=readonly)
        try:
            raw.execute("PRAGMA query_only = ON" if readonly else "PRAGMA query_only = OFF")
        except _DRIVER_ERRORS as exc:
            self._idle[not readonly].append(raw)
            _raise_mapped(exc, None)
        return raw

    def transaction(self, *, readonly: bool = False) -> Transaction:
        """A connection in a new transaction: committed on success, else rolled back."""
        idle = self._idle[readonly]
        try:
            raw = idle.pop()
        except IndexError:
            raw = self._other_kind(readonly)
        return _Transaction(self, raw, readonly, idle)

    def close(self) -> None:
        """Close every connection."""
        with self._lock:
            conns, self._all = self._all, []
        for raw in conns:
            raw.close()
        self._idle = {False: [], True: []}


class _Transaction(Transaction):
    """One session's transaction on a pooled sqlite3 connection."""

    __slots__ = ("_dialect", "_idle", "_raw", "_readonly")

    def __init__(
        self,
        dialect: SQLiteDialect,
        raw: sqlite3.Connection,
        readonly: bool,
        idle: list[sqlite3.Connection],
    ):
        self._dialect, self._raw, self._readonly, self._idle = dialect, raw, readonly, idle

    def begin(self) -> Connection:
        """``BEGIN IMMEDIATE`` for a write session (the write lock up front), else ``BEGIN``."""
        begin = "BEGIN" if self._readonly else "BEGIN IMMEDIATE"
        # try/except, not _mapped: a context manager costs more than the statement.
        try:
            self._raw.execute(begin)
        except _DRIVER_ERRORS as exc:
            self.give_back()
            _raise_mapped(exc, None)
        return connection(self._raw, begin, strict=self._dialect._strict)

    def commit(self) -> None:
        """``COMMIT``, unless SQLite ended the transaction or the file was replaced."""
        raw, conn = self._raw, self.conn
        if conn.failure is not None or not raw.in_transaction:
            # Never commit what is left of a transaction SQLite ended by itself:
            # the statements after it ran outside it, one by one.
            raise TransactionAborted(conn.failure or DatabaseUnavailable("transaction lost"))
        check_before_commit(self._dialect._file, raw, self._readonly)
        try:
            raw.execute("COMMIT")
        except _DRIVER_ERRORS as exc:
            _raise_mapped(exc, None)

    def abandon(self, error: BaseException) -> None:
        """Nothing more to do: ``give_back`` rolls back what is open."""

    def give_back(self) -> None:
        """Roll back what is left open, and put the connection back in the pool."""
        raw = self._raw
        try:
            if raw.in_transaction:
                raw.execute("ROLLBACK")
        finally:
            self._idle.append(raw)


def _utc(text: str) -> datetime:
    return to_utc(datetime.fromisoformat(text))


def _json(text: str) -> Json:
    return Json(json.loads(text))


_READERS: dict[str, Callable[[Any], Any]] = {
    "uuid": UUID,
    "timestamp": _utc,
    "json": _json,
    "boolean": bool,
}
