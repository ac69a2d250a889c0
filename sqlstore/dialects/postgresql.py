"""PostgreSQL through psycopg 3 and a ``psycopg_pool`` connection pool.

Every connection's session time zone is UTC and carries the statement
timeout, both set in the startup packet (no extra round trip). Dicts and
``Json`` values are sent as JSONB; lists are sent as arrays, which is what
``= ANY(:list)`` wants.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, NoReturn

import psycopg
import psycopg.errors as pgerr
from psycopg.rows import dict_row
from psycopg.types.json import JsonbDumper
from psycopg_pool import ConnectionPool, PoolTimeout

from sqlstore.config import Settings, redact
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
from sqlstore.types import Json, dumps_json

__all__ = ["PostgreSQLDialect"]


class _DictDumper(JsonbDumper):
    def dump(self, obj: Any) -> bytes:
        return dumps_json(obj).encode()


class _JsonDumper(JsonbDumper):
    def dump(self, obj: Any) -> bytes:
        return dumps_json(obj.value).encode()


_ERROR_CLASSES: tuple[tuple[type[BaseException], type[SqlstoreError]], ...] = (
    (pgerr.UniqueViolation, AlreadyExists),
    (pgerr.ForeignKeyViolation, ForeignKeyError),
    (psycopg.IntegrityError, IntegrityError),
    (pgerr.SerializationFailure, ConcurrencyError),
    (pgerr.DeadlockDetected, ConcurrencyError),
    (pgerr.LockNotAvailable, ConcurrencyError),
    (pgerr.QueryCanceled, ConcurrencyError),
    (psycopg.DataError, DataError),
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


class PGConnection(Connection):
    """A pooled psycopg connection inside one transaction."""

    def __init__(self, raw: psycopg.Connection[Any]):
        self.raw = raw
        self._names = itertools.count(1)

    def execute(self, query: Query, params: Mapping[str, Any]) -> int:
        """Run a statement; return the number of rows it changed."""
        with _mapped(query), self.raw.cursor() as cur:
            cur.execute(query.sql, params)
            return cur.rowcount

    def fetch_all(self, query: Query, params: Mapping[str, Any]) -> list[Row]:
        """Run a statement and return every row."""
        with _mapped(query), self.raw.cursor(row_factory=dict_row) as cur:
            cur.execute(query.sql, params)
            return cur.fetchall()

    def fetch_one(self, query: Query, params: Mapping[str, Any]) -> Row | None:
        """Run a statement and return its first row, or ``None``."""
        with _mapped(query), self.raw.cursor(row_factory=dict_row) as cur:
            cur.execute(query.sql, params)
            return cur.fetchone()

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
        """Stream rows through the query's ``COPY ... FROM STDIN``."""
        count = 0
        with _mapped(query), self.raw.cursor() as cur, cur.copy(query.sql) as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
        return count

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """A nested transaction: rolled back alone if its block raises."""
        with _mapped(None), self.raw.transaction():
            yield


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
            check=ConnectionPool.check_connection,
            name="sqlstore",
            open=False,
        )
        self.pool.open(wait=True, timeout=settings.connect_timeout)

    @staticmethod
    def _configure(conn: psycopg.Connection[Any]) -> None:
        conn.adapters.register_dumper(dict, _DictDumper)
        conn.adapters.register_dumper(Json, _JsonDumper)

    def render(self, statement: Statement) -> str:
        """``%(name)s`` placeholders with every literal ``%`` doubled."""
        return statement.pyformat()

    @contextmanager
    def transaction(self, *, readonly: bool = False) -> Iterator[Connection]:
        """A pooled connection in a new transaction: committed on success, else rolled back."""
        with _mapped(None), self.pool.connection() as raw:
            raw.read_only = readonly
            with raw.transaction():
                yield PGConnection(raw)

    def close(self) -> None:
        """Close the pool."""
        self.pool.close()


def _admin_kwargs(settings: Settings) -> dict[str, Any]:
    url = settings.url
    kwargs: dict[str, Any] = {"dbname": url.database, "autocommit": True}
    for key, value in (
        ("user", url.username),
        ("password", url.password),
        ("host", url.host),
        ("port", url.port),
    ):
        if value is not None:
            kwargs[key] = value
    return kwargs


def create_database(settings: Settings, name: str) -> None:
    """Create an empty database on the server ``settings`` points at."""
    from psycopg import sql

    with _mapped(None), psycopg.connect(**_admin_kwargs(settings)) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def drop_database(settings: Settings, name: str) -> None:
    """Drop a database, closing any session still on it."""
    from psycopg import sql

    with _mapped(None), psycopg.connect(**_admin_kwargs(settings)) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
