"""SQLite through the stdlib ``sqlite3`` driver.

Connections run with ``isolation_level=None`` so that sqlstore, not the driver,
says when a transaction starts: ``BEGIN IMMEDIATE`` for a write session (the
write lock is taken up front, so two writers queue on the busy timeout
instead of failing mid-transaction), plain ``BEGIN`` for a read-only one.
Every connection turns ``foreign_keys`` on; the database runs in WAL mode.
"""

from __future__ import annotations

import itertools
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime
from enum import Enum
from queue import Empty, LifoQueue
from typing import Any, NoReturn
from uuid import UUID

from sqlstore.config import Settings
from sqlstore.dialects.base import Connection, Dialect, Row
from sqlstore.errors import (
    AlreadyExists,
    ConcurrencyError,
    ConfigError,
    DatabaseUnavailable,
    DataError,
    ForeignKeyError,
    IntegrityError,
    QueryError,
    SqlstoreError,
)
from sqlstore.queries import Query
from sqlstore.sqltext import Statement
from sqlstore.types import Json, dumps_json, format_utc

__all__ = ["SQLiteDialect"]

_PASSTHROUGH = (str, int, float, bytes, type(None))


def adapt(value: Any) -> Any:
    """A Python value as SQLite stores it (see the dialect table in the README)."""
    if isinstance(value, _PASSTHROUGH):
        return value
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, datetime):
        return format_utc(value)
    if isinstance(value, Json):
        return dumps_json(value.value)
    if isinstance(value, dict | list | tuple | set | frozenset):
        return dumps_json(value)
    return value


def _adapt_params(params: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v if isinstance(v, _PASSTHROUGH) else adapt(v) for k, v in params.items()}


# Extended result codes (https://sqlite.org/rescode.html); Python 3.11 does
# not know the name of every one, so match the numbers.
_CONSTRAINT_ERRORS: dict[int, type[SqlstoreError]] = {
    2067: AlreadyExists,  # SQLITE_CONSTRAINT_UNIQUE
    1555: AlreadyExists,  # SQLITE_CONSTRAINT_PRIMARYKEY
    787: ForeignKeyError,  # SQLITE_CONSTRAINT_FOREIGNKEY
    3091: DataError,  # SQLITE_CONSTRAINT_DATATYPE: a STRICT table refused the type
}


def _raise_mapped(exc: BaseException, query: Query | None) -> NoReturn:
    """Re-raise a driver error as sqlstore's own, chaining the cause."""
    code = getattr(exc, "sqlite_errorname", "") or ""
    message = str(exc)
    cls: type[SqlstoreError]
    if isinstance(exc, sqlite3.IntegrityError):
        cls = _CONSTRAINT_ERRORS.get(getattr(exc, "sqlite_errorcode", 0), IntegrityError)
    elif code.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        cls = ConcurrencyError
    elif (
        isinstance(exc, sqlite3.DataError | OverflowError)
        or code
        in (
            "SQLITE_TOOBIG",
            "SQLITE_MISMATCH",
            "SQLITE_RANGE",
        )
        or (isinstance(exc, sqlite3.ProgrammingError) and "binding parameter" in message)
    ):
        cls = DataError
    elif code.startswith(("SQLITE_CANTOPEN", "SQLITE_NOTADB", "SQLITE_IOERR", "SQLITE_CORRUPT")):
        cls = DatabaseUnavailable
    else:
        cls = QueryError
    err = cls(message, query=query.name if query else None, path=query.path if query else None)
    if isinstance(err, IntegrityError) and ": " in message:
        err.constraint = message.split(": ", 1)[1]
    raise err from exc


@contextmanager
def _mapped(query: Query | None) -> Iterator[None]:
    try:
        yield
    except (sqlite3.Error, OverflowError) as exc:
        _raise_mapped(exc, query)


class SQLiteConnection(Connection):
    """A sqlite3 connection inside one transaction."""

    def __init__(self, raw: sqlite3.Connection):
        self.raw = raw
        self._savepoints = itertools.count(1)

    def _cursor(self, query: Query, params: Mapping[str, Any]) -> sqlite3.Cursor:
        with _mapped(query):
            return self.raw.execute(query.sql, _adapt_params(params))

    def execute(self, query: Query, params: Mapping[str, Any]) -> int:
        """Run a statement; return the number of rows it changed."""
        return self._cursor(query, params).rowcount

    def fetch_all(self, query: Query, params: Mapping[str, Any]) -> list[Row]:
        """Run a statement and return every row."""
        cur = self._cursor(query, params)
        with _mapped(query):
            rows = cur.fetchall()
        if not rows:
            return []
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row, strict=False)) for row in rows]

    def fetch_one(self, query: Query, params: Mapping[str, Any]) -> Row | None:
        """Run a statement and return its first row, or ``None``."""
        cur = self._cursor(query, params)
        with _mapped(query):
            row = cur.fetchone()
            # Drain the statement so an UPDATE ... RETURNING finishes its work.
            cur.fetchall()
        if row is None:
            return None
        return dict(zip([d[0] for d in cur.description], row, strict=False))

    def iterate(
        self, query: Query, params: Mapping[str, Any], batch_size: int
    ) -> Iterator[list[Row]]:
        """Yield rows in batches; sqlite3 steps the statement as rows are fetched."""
        cur = self._cursor(query, params)
        names = [d[0] for d in cur.description or ()]
        while True:
            with _mapped(query):
                rows = cur.fetchmany(batch_size)
            if not rows:
                return
            yield [dict(zip(names, row, strict=False)) for row in rows]

    def execute_many(self, query: Query, rows: Iterable[Mapping[str, Any]]) -> int:
        """Run a statement once per parameter set; return the rows changed."""
        with _mapped(query):
            cur = self.raw.executemany(query.sql, (_adapt_params(r) for r in rows))
        return cur.rowcount

    def copy_in(self, query: Query, rows: Iterable[Sequence[Any]]) -> int:
        """SQLite has no COPY: ``executemany`` of the query's positional insert."""
        names = query.params
        return self.execute_many(query, (dict(zip(names, r, strict=False)) for r in rows))

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """A nested transaction: rolled back alone if its block raises."""
        name = f"sqlstore_sp{next(self._savepoints)}"
        with _mapped(None):
            self.raw.execute(f"SAVEPOINT {name}")
        try:
            yield
        except BaseException:
            with _mapped(None):
                self.raw.execute(f"ROLLBACK TO SAVEPOINT {name}")
                self.raw.execute(f"RELEASE SAVEPOINT {name}")
            raise
        with _mapped(None):
            self.raw.execute(f"RELEASE SAVEPOINT {name}")


class SQLiteDialect(Dialect):
    """SQLite: one file, WAL mode, a small pool of idle connections."""

    name = "sqlite"
    yoyo_scheme = "sqlite"

    def __init__(self, settings: Settings):
        super().__init__(settings)
        url = settings.url
        if url.is_memory:
            # A shared-cache in-memory database outlives a single connection
            # (and yoyo's connection sees it) as long as one stays open.
            self._target, self._uri = "file::memory:?cache=shared", True
        else:
            path = url.path
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise ConfigError(f"cannot create the folder for {url}: {exc}") from None
            self._target, self._uri = str(path), False
        self._idle: LifoQueue[sqlite3.Connection] = LifoQueue()
        self._lock = threading.Lock()
        self._all: list[sqlite3.Connection] = []
        self._pinned = self._connect()
        if not url.is_memory:
            self._idle.put(self._pinned)

    def _connect(self) -> sqlite3.Connection:
        try:
            raw = sqlite3.connect(
                self._target,
                uri=self._uri,
                isolation_level=None,
                check_same_thread=False,
                timeout=self.settings.busy_timeout,
                cached_statements=256,
            )
            raw.execute("PRAGMA foreign_keys = ON")
            # Readers never block the writer, and the writer never blocks readers.
            raw.execute("PRAGMA journal_mode = WAL")
            # In WAL mode NORMAL is still crash-safe; only a power cut may lose
            # the last commits, never corrupt the file.
            raw.execute("PRAGMA synchronous = NORMAL")
        except sqlite3.Error as exc:
            raise ConfigError(f"cannot open SQLite database {self.settings.url}: {exc}") from exc
        with self._lock:
            self._all.append(raw)
        return raw

    def render(self, statement: Statement) -> str:
        """``:name`` placeholders; ``= ANY(:list)`` becomes a ``json_each`` IN-list."""
        return statement.named(lists_as_json_each=True)

    @contextmanager
    def transaction(self, *, readonly: bool = False) -> Iterator[Connection]:
        """A connection in a new transaction: committed on success, else rolled back."""
        try:
            raw = self._idle.get_nowait()
        except Empty:
            raw = self._connect()
        try:
            with _mapped(None):
                if readonly:
                    raw.execute("PRAGMA query_only = ON")
                    raw.execute("BEGIN")
                else:
                    raw.execute("BEGIN IMMEDIATE")
            try:
                yield SQLiteConnection(raw)
            except BaseException:
                if raw.in_transaction:
                    raw.execute("ROLLBACK")
                raise
            with _mapped(None):
                raw.execute("COMMIT")
        finally:
            if raw.in_transaction:
                raw.execute("ROLLBACK")
            if readonly:
                raw.execute("PRAGMA query_only = OFF")
            self._idle.put(raw)

    def close(self) -> None:
        """Close every connection."""
        with self._lock:
            conns, self._all = self._all, []
        for raw in conns:
            raw.close()
        self._idle = LifoQueue()
