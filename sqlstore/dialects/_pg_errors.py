"""How psycopg's errors become sqlstore's, and which ones end a transaction."""

from __future__ import annotations

import logging
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, NoReturn

import psycopg
import psycopg.errors as pgerr
from psycopg import pq
from psycopg_pool import PoolTimeout

from sqlstore.config import redact
from sqlstore.errors import (
    AlreadyExists,
    ConcurrencyError,
    DatabaseUnavailable,
    DataError,
    ForeignKeyError,
    IntegrityError,
    QueryError,
    SqlstoreError,
)
from sqlstore.queries import Query

__all__ = [
    "ABORTING",
    "STATEMENT_ERRORS",
    "PoolExhausted",
    "ServerUnreachable",
    "mapped",
    "quiet_refused_batches",
    "raise_mapped",
    "result_error",
]


class PoolExhausted(PoolTimeout):
    """Every connection of the pool stayed in use for the whole wait."""


class ServerUnreachable(PoolTimeout):
    """The pool could not open a connection: the server did not answer, or refused."""


_ERROR_CLASSES: tuple[tuple[type[BaseException], type[SqlstoreError]], ...] = (
    (pgerr.UniqueViolation, AlreadyExists),
    (pgerr.ForeignKeyViolation, ForeignKeyError),
    (psycopg.IntegrityError, IntegrityError),
    (pgerr.SerializationFailure, ConcurrencyError),
    (pgerr.DeadlockDetected, ConcurrencyError),
    (pgerr.LockNotAvailable, ConcurrencyError),
    (pgerr.QueryCanceled, ConcurrencyError),
    # The app holds every connection: the database is fine, the work may be retried.
    (PoolExhausted, ConcurrencyError),
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


def raise_mapped(exc: BaseException, query: Query | None) -> NoReturn:
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
    if isinstance(exc, pgerr.DiskFull):
        message = f"disk full: {message}"
    err = cls(message, query=query.name if query else None, path=query.path if query else None)
    diag = getattr(exc, "diag", None)
    if isinstance(err, IntegrityError) and diag is not None:
        err.constraint = diag.constraint_name
    raise err from exc


@contextmanager
def mapped(query: Query | None) -> Iterator[None]:
    try:
        yield
    except (psycopg.Error, PoolTimeout) as exc:
        raise_mapped(exc, query)
    except UnicodeEncodeError as exc:
        # Text with a lone surrogate. Only a statement's own parameters: the
        # transaction's block (query None) is the caller's code, left alone.
        if query is None:
            raise
        raise_mapped(exc, query)


# What mapped maps for a statement of a query, caught directly on the hot paths.
STATEMENT_ERRORS = (psycopg.Error, PoolTimeout, UnicodeEncodeError)


# Errors after which PostgreSQL's transaction is gone or must be retried whole:
# the session is failed rather than carried on (the transaction rules).
ABORTING = (
    psycopg.OperationalError,
    psycopg.InterfaceError,
    pgerr.SerializationFailure,
    pgerr.DeadlockDetected,
    pgerr.QueryCanceled,
)


def result_error(pgconn: pq.abc.PGconn, result: pq.abc.PGresult) -> psycopg.Error:
    """The error of a failed command run outside psycopg's cursors."""
    if pgconn.status != pq.ConnStatus.OK:
        message = pgconn.error_message.decode("utf-8", "replace").strip()
        return psycopg.OperationalError(message or "the connection was lost")
    return pgerr.error_from_result(result, encoding="utf-8")


# psycopg's executemany runs in a pipeline; when a row is refused, leaving that
# pipeline logs "error ignored terminating <Pipeline>" at WARNING although the
# refusal itself is raised (and mapped) to the caller. Those lines are dropped
# for sqlstore's own connections only.
_OURS: weakref.WeakSet[psycopg.Connection[Any] | psycopg.AsyncConnection[Any]] = weakref.WeakSet()


def _not_a_refused_batch(record: logging.LogRecord) -> bool:
    pipeline = record.args[0] if isinstance(record.args, tuple) and record.args else None
    connection = getattr(pipeline, "_conn", None)
    return not (
        record.msg.startswith("error ignored terminating")
        and connection is not None
        and connection in _OURS
    )


logging.getLogger("psycopg").addFilter(_not_a_refused_batch)


def quiet_refused_batches(conn: psycopg.Connection[Any] | psycopg.AsyncConnection[Any]) -> None:
    """Drop psycopg's warning about a refused batch on ``conn``: the refusal is raised."""
    _OURS.add(conn)
