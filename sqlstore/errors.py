"""The sqlstore exception tree.

Every error sqlstore raises is a ``SqlstoreError``. Errors that come from the
database driver keep the driver's exception as ``__cause__``; errors that come
from a named query say which query and which file.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

__all__ = [
    "AlreadyExists",
    "ConcurrencyError",
    "ConfigError",
    "DataError",
    "DatabaseUnavailable",
    "ForeignKeyError",
    "IntegrityError",
    "InvalidInput",
    "InvalidTransition",
    "MigrationError",
    "NotFound",
    "ParameterError",
    "QueryError",
    "QueryNotFound",
    "SessionClosed",
    "SqlstoreError",
    "TransactionAborted",
]


class SqlstoreError(Exception):
    """Base class of every error sqlstore raises."""

    query: str | None = None
    path: Path | None = None

    def __init__(self, message: str, *, query: str | None = None, path: Path | None = None):
        self.message = message
        self.query = query
        self.path = path
        super().__init__(message)

    def __str__(self) -> str:
        if self.query is None:
            return self.message
        where = f"{self.query} ({self.path})" if self.path else self.query
        return f"{where}: {self.message}"


class ConfigError(SqlstoreError):
    """A bad database URL, an unknown scheme or an unreachable database."""


class DatabaseUnavailable(SqlstoreError):
    """The connection to the database was lost or could not be made."""


class QueryError(SqlstoreError):
    """A named query could not be loaded, found or run."""


class QueryNotFound(QueryError):
    """No query has the requested name; the message names the closest ones."""

    def __init__(self, name: str, closest: Iterable[str] = (), *, dialect: str | None = None):
        self.name = name
        self.closest = tuple(closest)
        message = f"no query named {name!r}"
        if dialect:
            message += f" for {dialect}"
        if self.closest:
            message += "; did you mean " + ", ".join(repr(c) for c in self.closest) + "?"
        super().__init__(message)


class ParameterError(QueryError):
    """A named query was given a missing or unexpected parameter."""

    def __init__(
        self,
        query: str,
        *,
        missing: Iterable[str] = (),
        unexpected: Iterable[str] = (),
        path: Path | None = None,
    ):
        self.missing = tuple(sorted(missing))
        self.unexpected = tuple(sorted(unexpected))
        parts = []
        if self.missing:
            parts.append("missing parameter " + ", ".join(f":{p}" for p in self.missing))
        if self.unexpected:
            parts.append("unexpected parameter " + ", ".join(f":{p}" for p in self.unexpected))
        super().__init__("; ".join(parts), query=query, path=path)


class NotFound(SqlstoreError):
    """A row the caller asked for is not there."""


class InvalidInput(SqlstoreError, ValueError):
    """An argument was refused before anything was sent to the database."""


class InvalidTransition(SqlstoreError):
    """A status change that makes no sense from the row's current status."""

    def __init__(self, entity: str, key: object, current: str, requested: str):
        self.entity = entity
        self.key = key
        self.current = current
        self.requested = requested
        super().__init__(f"{entity} {key} cannot go from {current!r} to {requested!r}")


class IntegrityError(SqlstoreError):
    """The database refused a write that breaks a constraint."""

    constraint: str | None = None


class AlreadyExists(IntegrityError):
    """A unique constraint was violated."""


class ForeignKeyError(IntegrityError):
    """A foreign key points at a missing row, or a referenced row is still in use."""


class DataError(SqlstoreError):
    """The database refused a value (wrong type, out of range, invalid bytes)."""


class ConcurrencyError(SqlstoreError):
    """A lock timeout, deadlock or serialization failure; the work may be retried."""


class TransactionAborted(SqlstoreError):
    """The database aborted this session's transaction; nothing of it will be committed.

    Every later call in the session raises it, and so does leaving the block.
    ``first`` is the error that aborted the transaction.
    """

    def __init__(self, first: BaseException):
        self.first = first
        super().__init__(f"the transaction was aborted and rolled back, nothing committed: {first}")


class SessionClosed(SqlstoreError):
    """A session was used after its block ended; no connection was touched."""


class MigrationError(SqlstoreError):
    """A migration could not be read, applied or rolled back."""


def not_a_session(what: object) -> TypeError:
    """The ``TypeError`` for a session block used as a session: it shows the ``with`` form."""
    awaited = hasattr(type(what), "__aenter__")
    form = (
        "async with store.session() as session:"
        if awaited
        else "with sqlstore.get_session() as session:  (or store.session())"
    )
    return TypeError(
        f"{type(what).__name__} opens a session; it is not one. Write\n    {form}\n"
        "        ...  # DAO calls on `session`\n"
        "The block commits when it ends and rolls back if it raises: there is no "
        "commit(), rollback() or close() to call."
    )
