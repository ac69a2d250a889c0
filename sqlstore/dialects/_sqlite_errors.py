"""How sqlite3's errors become sqlstore's."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NoReturn

from sqlstore.dialects._sqlite_files import ReadOnlyDatabase
from sqlstore.dialects._values import INT_RANGE
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

__all__ = ["DRIVER_ERRORS", "mapped", "raise_mapped"]


# Extended result codes (https://sqlite.org/rescode.html); Python 3.11 does
# not know the name of every one, so match the numbers.
_CONSTRAINT_ERRORS: dict[int, type[SqlstoreError]] = {
    2067: AlreadyExists,  # SQLITE_CONSTRAINT_UNIQUE
    1555: AlreadyExists,  # SQLITE_CONSTRAINT_PRIMARYKEY
    787: ForeignKeyError,  # SQLITE_CONSTRAINT_FOREIGNKEY
    3091: DataError,  # SQLITE_CONSTRAINT_DATATYPE: a STRICT table refused the type
}


def raise_mapped(exc: BaseException, query: Query | None) -> NoReturn:
    """Re-raise a driver error as sqlstore's own, chaining the cause."""
    code = getattr(exc, "sqlite_errorname", "") or ""
    message = str(exc)
    cls: type[SqlstoreError]
    if isinstance(exc, sqlite3.IntegrityError):
        cls = _CONSTRAINT_ERRORS.get(getattr(exc, "sqlite_errorcode", 0), IntegrityError)
    elif code.startswith(("SQLITE_BUSY", "SQLITE_LOCKED", "SQLITE_INTERRUPT")):
        cls = ConcurrencyError
    elif isinstance(exc, OverflowError) and "SQLite INTEGER" in message:
        cls, message = DataError, INT_RANGE
    elif (
        isinstance(exc, sqlite3.DataError | OverflowError | UnicodeEncodeError)
        or code
        in (
            "SQLITE_TOOBIG",
            "SQLITE_MISMATCH",
            "SQLITE_RANGE",
        )
        or (isinstance(exc, sqlite3.ProgrammingError) and "binding parameter" in message)
    ):
        cls = DataError
    elif code == "SQLITE_FULL":
        cls, message = DatabaseUnavailable, f"disk full: {message}"
    elif code == "SQLITE_READONLY_DBMOVED":
        cls, message = DatabaseUnavailable, f"the database file was deleted or moved: {message}"
    elif isinstance(exc, ReadOnlyDatabase):
        cls = DatabaseUnavailable  # its message says why the database is read-only
    elif code.startswith("SQLITE_READONLY_"):
        # Plain SQLITE_READONLY is a write in a read-only session: a QueryError, as on PostgreSQL.
        cls, message = DatabaseUnavailable, f"the database is read-only: {message}"
    elif code.startswith(("SQLITE_CANTOPEN", "SQLITE_NOTADB", "SQLITE_IOERR", "SQLITE_CORRUPT")):
        cls = DatabaseUnavailable
    else:
        cls = QueryError
    err = cls(message, query=query.name if query else None, path=query.path if query else None)
    if isinstance(err, IntegrityError) and ": " in message:
        err.constraint = message.split(": ", 1)[1]
    raise err from exc


# UnicodeEncodeError: text with a lone surrogate, which UTF-8 cannot encode.
DRIVER_ERRORS = (sqlite3.Error, OverflowError, UnicodeEncodeError)


@contextmanager
def mapped(query: Query | None) -> Iterator[None]:
    try:
        yield
    except DRIVER_ERRORS as exc:
        raise_mapped(exc, query)
