"""PostgreSQL through psycopg 3 and a ``psycopg_pool`` connection pool.

Every connection's session time zone is UTC and carries the statement
timeout, both set in the startup packet (no extra round trip). Dicts and
``Json`` values are sent as JSONB; lists are sent as arrays, which is what
``= ANY(:list)`` wants.
"""

from __future__ import annotations

import itertools
import re
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, NoReturn

import psycopg
import psycopg.errors as pgerr
from psycopg.rows import dict_row
from psycopg.types.json import JsonbDumper, set_json_loads
from psycopg_pool import ConnectionPool, PoolTimeout
from pydantic_core import from_json

from sqlstore.config import Settings, redact
from sqlstore.dialects._values import json_text
from sqlstore.dialects.base import Connection, Dialect, Row, StatementProblem
from sqlstore.errors import (
    AlreadyExists,
    ConcurrencyError,
    ConfigError,
    DatabaseUnavailable,
    DataError,
    ForeignKeyError,
    IntegrityError,
    ParameterError,
    QueryError,
    SqlstoreError,
)
from sqlstore.queries import Query
from sqlstore.sqltext import Code, Literal_, Param, Statement
from sqlstore.types import Json

__all__ = ["PostgreSQLDialect"]


def _jsonb(value: Any) -> bytes:
    # Refused as psycopg's DataError (mapped with the query's name), as the
    # SQLite dialect refuses the same values.
    try:
        return json_text(value).encode()
    except ValueError as exc:  # also UnicodeEncodeError: a lone surrogate
        raise psycopg.DataError(str(exc)) from exc


class _DictDumper(JsonbDumper):
    def dump(self, obj: Any) -> bytes:
        return _jsonb(obj)


class _JsonDumper(JsonbDumper):
    def dump(self, obj: Any) -> bytes:
        return _jsonb(obj.value)


_ERROR_CLASSES: tuple[tuple[type[BaseException], type[SqlstoreError]], ...] = (
    (pgerr.UniqueViolation, AlreadyExists),
    (pgerr.ForeignKeyViolation, ForeignKeyError),
    (psycopg.IntegrityError, IntegrityError),
    (pgerr.SerializationFailure, ConcurrencyError),
    (pgerr.DeadlockDetected, ConcurrencyError),
    (pgerr.LockNotAvailable, ConcurrencyError),
    (pgerr.QueryCanceled, ConcurrencyError),
    (psycopg.DataError, DataError),
    # e.g. a value too large for an index row: the value's fault, not the server's.
    (pgerr.ProgramLimitExceeded, DataError),
    (UnicodeEncodeError, DataError),
    (pgerr.UndefinedTable, QueryError),
    (pgerr.UndefinedColumn, QueryError),
    (psycopg.OperationalError, DatabaseUnavailable),
    (psycopg.InterfaceError, DatabaseUnavailable),
    (PoolTimeout, DatabaseUnavailable),
)


def _raise_mapped(exc: BaseException, query: Query | None) -> NoReturn:
    """Re-raise a driver error as sqlstore's own, chaining the cause."""
    cls: type[SqlstoreError] = QueryError
    for driver_cls, ours in _ERROR_CLASSES:
        if isinstance(exc, driver_cls):
            cls = ours
            break
    else:
        if isinstance(exc, psycopg.ProgrammingError) and "cannot adapt" in str(exc):
            cls = DataError
    message = redact(str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__)
    err = cls(message, query=query.name if query else None, path=query.path if query else None)
    diag = getattr(exc, "diag", None)
    if isinstance(err, IntegrityError) and diag is not None:
        err.constraint = diag.constraint_name
    raise err from exc


@contextmanager
def _mapped(query: Query | None) -> Iterator[None]:
    try:
        yield
    except (psycopg.Error, PoolTimeout) as exc:
        _raise_mapped(exc, query)
    except UnicodeEncodeError as exc:
        # Text with a lone surrogate. Only a statement's own parameters: the
        # transaction's block (query None) is the caller's code, left alone.
        if query is None:
            raise
        _raise_mapped(exc, query)


# What _mapped maps for a statement of a query, caught directly on the hot paths.
_STATEMENT_ERRORS = (psycopg.Error, PoolTimeout, UnicodeEncodeError)


class PGConnection(Connection):
    """A pooled psycopg connection inside one transaction."""

    def __init__(self, raw: psycopg.Connection[Any]):
        self.raw = raw
        self._names = itertools.count(1)
        self._small: psycopg.Cursor[Row] | None = None

    def _small_cursor(self) -> psycopg.Cursor[Row]:
        # One cursor for the session's single-row statements, as hand-written
        # code keeps one: creating and closing one per statement costs more
        # than the statement's own Python work.
        if self._small is None or self._small.closed:
            self._small = self.raw.cursor(row_factory=dict_row)
        return self._small

    def execute(self, query: Query, params: Mapping[str, Any]) -> int:
        """Run a statement; return the number of rows it changed."""
        try:
            cur = self._small_cursor()
            cur.execute(query.sql, params)
            return cur.rowcount
        except _STATEMENT_ERRORS as exc:
            _raise_mapped(exc, query)

    def fetch_all(self, query: Query, params: Mapping[str, Any]) -> list[Row]:
        """Run a statement and return every row."""
        with _mapped(query), self.raw.cursor(row_factory=dict_row) as cur:
            cur.execute(query.sql, params)
            return cur.fetchall()

    def fetch_one(self, query: Query, params: Mapping[str, Any]) -> Row | None:
        """Run a statement and return its first row, or ``None``."""
        try:
            cur = self._small_cursor()
            cur.execute(query.sql, params)
            return cur.fetchone()
        except _STATEMENT_ERRORS as exc:
            _raise_mapped(exc, query)

    def iterate(
        self, query: Query, params: Mapping[str, Any], batch_size: int
    ) -> Iterator[list[Row]]:
        """Yield rows in batches from a server-side cursor."""
        name = f"sqlstore_cur{next(self._names)}"
        with _mapped(query), self.raw.cursor(name, row_factory=dict_row) as cur:
            cur.itersize = batch_size
            cur.execute(query.sql, params)
            while rows := cur.fetchmany(batch_size):
                yield rows

    def execute_many(self, query: Query, rows: Iterable[Mapping[str, Any]]) -> int:
        """Run a statement once per parameter set (pipelined); return the rows changed."""
        with _mapped(query), self.raw.cursor() as cur:
            cur.executemany(query.sql, rows)
            return cur.rowcount

    def copy_in(self, query: Query, rows: Iterable[Sequence[Any]]) -> int:
        """Stream rows through the query's ``COPY ... FROM STDIN``, each row its columns in order.

        A row of another length than the column list is a ``ParameterError``.
        """
        if query.params:
            raise QueryError(
                "a COPY statement takes no parameters", query=query.name, path=query.path
            )
        columns = _copy_columns(query.statement)
        count = 0
        # The text as written: with no parameters psycopg sends it as it is, so
        # pyformat's doubled % must not be used.
        text = query.statement.named()
        with _mapped(query), self.raw.cursor() as cur, cur.copy(text) as copy:
            for row in rows:
                if columns is not None and len(row) != len(columns):
                    extra = [f"value{i}" for i in range(len(columns) + 1, len(row) + 1)]
                    raise ParameterError(
                        query.name, missing=columns[len(row) :], unexpected=extra, path=query.path
                    )
                copy.write_row(row)
                count += 1
        return count

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """A nested transaction: rolled back alone if its block raises."""
        with _mapped(None), self.raw.transaction():
            yield

    def check(self, query: Query) -> StatementProblem | None:
        """``PREPARE`` parses, analyses and types the statement without running it."""
        name = f"sqlstore_check{next(self._names)}"
        text = f"PREPARE {name} AS {_numbered(query.statement)}"
        try:
            with self.raw.transaction():
                self.raw.execute(text)
        except (psycopg.OperationalError, psycopg.InterfaceError) as exc:
            _raise_mapped(exc, query)
        except psycopg.Error as exc:
            pos = exc.diag.statement_position
            line = text[: int(pos) - 1].count("\n") + 1 if pos else None
            return StatementProblem(str(exc).strip().splitlines()[0], line)
        # A prepared statement outlives the transaction: always deallocate it.
        with _mapped(query):
            self.raw.execute(f"DEALLOCATE {name}")
        return None

    def plan(
        self,
        query: Query,
        params: Mapping[str, Any] | None = None,
        *,
        prefer_indexes: bool = False,
    ) -> list[str]:
        """``EXPLAIN`` with the values given, else ``EXPLAIN EXECUTE`` of a generic plan."""
        if params is not None:
            with _mapped(query), self.raw.cursor() as cur:
                cur.execute("EXPLAIN " + query.sql, params)
                return [str(row[0]) for row in cur.fetchall()]
        name = f"sqlstore_plan{next(self._names)}"
        nulls = ", ".join(["NULL"] * len(query.params))
        settings = ["plan_cache_mode = force_generic_plan", "jit = off"]
        if prefer_indexes:
            # A disabled seq scan still happens when nothing else can serve the query.
            settings.append("enable_seqscan = off")
        prepared = False
        try:
            with _mapped(query), self.raw.transaction() as tx:
                for setting in settings:
                    self.raw.execute(f"SET LOCAL {setting}")
                self.raw.execute(f"PREPARE {name} AS {_numbered(query.statement)}")
                prepared = True
                run = f"EXECUTE {name}({nulls})" if nulls else f"EXECUTE {name}"
                lines = [str(r[0]) for r in self.raw.execute(f"EXPLAIN (COSTS OFF) {run}")]
                # Rolling the savepoint back also undoes the SET LOCALs.
                raise psycopg.Rollback(tx)
        finally:
            if prepared:
                with _mapped(query):
                    self.raw.execute(f"DEALLOCATE {name}")
        return lines

    def count_rows(self, table: str) -> int:
        """``COUNT(*)`` of a table whose name is quoted as an identifier."""
        from psycopg import sql

        stmt = sql.SQL("SELECT COUNT(*) FROM {}").format(sql.Identifier(table))
        with _mapped(None):
            row = self.raw.execute(stmt).fetchone()
        return int(row[0]) if row else 0


_COPY_COLUMNS = re.compile(r"\s*COPY\s+[^\s(]+\s*\(([^)]*)\)\s*FROM\s+STDIN\b", re.IGNORECASE)


def _copy_columns(statement: Statement) -> tuple[str, ...] | None:
    """The column list of ``COPY table (a, b) FROM STDIN``; ``None`` if it names none."""
    # Comments blanked and quoted names reduced to a placeholder: plain SQL is matched.
    code = "".join(
        seg.text
        if isinstance(seg, Code)
        else " x "
        if isinstance(seg, Literal_) and seg.text[:1] == '"'
        else " "
        for seg in statement.segments
    )
    found = _COPY_COLUMNS.match(code)
    if found is None:
        return None
    return tuple(name.strip() for name in found.group(1).split(","))


def _numbered(statement: Statement) -> str:
    """The statement with ``$1``, ``$2``... for its parameters, as PREPARE takes it."""
    number = {name: i for i, name in enumerate(statement.params, 1)}
    return "".join(
        f"${number[seg.name]}" if isinstance(seg, Param) else seg.text for seg in statement.segments
    )


class PostgreSQLDialect(Dialect):
    """PostgreSQL: a psycopg_pool pool of UTC sessions."""

    name = "postgresql"
    yoyo_scheme = "postgresql+psycopg"

    def __init__(self, settings: Settings):
        super().__init__(settings)
        url = settings.url
        kwargs: dict[str, Any] = dict(url.options)
        kwargs.update(dbname=url.database, connect_timeout=max(1, round(settings.connect_timeout)))
        if url.username:
            kwargs["user"] = url.username
        if url.password is not None:
            kwargs["password"] = url.password
        if url.host:
            kwargs["host"] = url.host
        if url.port:
            kwargs["port"] = url.port
        options = "-c TimeZone=UTC"
        if settings.statement_timeout > 0:
            options += f" -c statement_timeout={round(settings.statement_timeout * 1000)}"
        kwargs["options"] = options
        # One direct connection first: a wrong host or password is a clear
        # ConfigError now, not a pool timeout later.
        try:
            psycopg.connect(**kwargs).close()
        except psycopg.Error as exc:
            detail = redact(" ".join(str(exc).split()))
            raise ConfigError(f"cannot connect to {url}: {detail}") from exc
        self.pool: ConnectionPool[psycopg.Connection[Any]] = ConnectionPool(
            kwargs=kwargs,
            min_size=1,
            max_size=max(1, settings.pool_size + settings.max_overflow),
            max_lifetime=settings.pool_recycle,
            timeout=settings.connect_timeout,
            configure=self._configure,
            name="sqlstore",
            open=False,
        )
        self.pool.open(wait=True, timeout=settings.connect_timeout)

    @staticmethod
    def _configure(conn: psycopg.Connection[Any]) -> None:
        conn.adapters.register_dumper(dict, _DictDumper)
        conn.adapters.register_dumper(Json, _JsonDumper)
        # pydantic's own JSON parser, several times faster than the json module:
        # parsing JSONB was most of the cost of listing rows into models.
        set_json_loads(from_json, conn)

    @staticmethod
    def render(statement: Statement) -> str:
        """``%(name)s`` placeholders with every literal ``%`` doubled."""
        return statement.pyformat()

    @contextmanager
    def transaction(self, *, readonly: bool = False) -> Iterator[Connection]:
        """A pooled connection in a new transaction: committed on success, else rolled back."""
        with _mapped(None), self._connection() as raw:
            raw.read_only = readonly
            with raw.transaction():
                yield PGConnection(raw)

    @contextmanager
    def _connection(self) -> Iterator[psycopg.Connection[Any]]:
        """A pooled connection that answers (``ConnectionPool.check_connection``).

        The check is a round trip on every session (about 60 us here). A check
        of the idle socket alone (readable once the server has hung up) was
        cheaper, but missed a backend that had been told to exit and had not
        yet: the stress suite's reconnect scenario then failed twice in a row.

        A dead one (the server restarted, or ended the session) goes back to
        the pool, which replaces it, and the next is tried at once. The pool's
        own ``check`` would sleep 1, 2, 4... seconds after each dead one, so a
        pool of idle connections killed by a restart outlasted the timeout.
        """
        deadline = time.monotonic() + self.settings.connect_timeout
        for _ in range(self.pool.max_size + 1):
            raw = self.pool.getconn(timeout=max(deadline - time.monotonic(), 0.001))
            try:
                ConnectionPool.check_connection(raw)
            except psycopg.Error:
                self.pool.putconn(raw)
                continue
            try:
                yield raw
            finally:
                self.pool.putconn(raw)
            return
        raise PoolTimeout(f"no working connection after {self.pool.max_size + 1} tries")

    def close(self) -> None:
        """Close the pool."""
        self.pool.close()
