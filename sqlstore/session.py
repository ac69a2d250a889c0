# Generated from sqlstore/aio/session.py (`make generate`): edit that file, not this one.
"""A session: one transaction, running named queries."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from typing import Any, NoReturn, TypeVar

from sqlstore.dialects.base import Connection, Row
from sqlstore.errors import SessionClosed, SqlstoreError, TransactionAborted
from sqlstore.queries import Query, Registry

__all__ = ["Session"]

T = TypeVar("T")


class _Refusing:
    """Stands in for the connection of a session that may run nothing more."""

    def __init__(self, error: SqlstoreError | Callable[[], SqlstoreError]):
        self.error = error

    def __getattr__(self, name: str) -> NoReturn:
        error = self.error
        raise error if isinstance(error, SqlstoreError) else error()


def _closed() -> SessionClosed:
    # Made when a closed session is used, not each time one closes.
    return SessionClosed("this session's block has ended; open a new session")


class Session:
    """One transaction on one connection; every statement is a named query.

    Parameters are checked against the query before anything is sent: a
    missing or unexpected one is a ``ParameterError``. Every call is all or
    nothing: one that raises leaves the transaction as it was before it, so
    the caller may catch the error and go on (see the transaction rules in
    the docs). A session is usable only inside its block.
    """

    #: Where the primary's WAL stood after this session's COMMIT, when the store has read
    #: replicas (else None): pass it as ``store.session(readonly=True, after=...)`` to read
    #: on a replica only once it has replayed this commit, in any process.
    commit_position: str | None = None

    def __init__(self, connection: Connection, registry: Registry, dialect: str):
        self._conn: Connection = connection
        self._registry = registry
        # The registry's own mapping: one dict lookup per statement (the registry
        # explains a name that is not there).
        self._queries = registry.queries
        self._depth = 0
        self.dialect = dialect

    # The statements below look their query up in place (one frame less per
    # statement), and leave the parameters to the connection: each dialect's
    # plan checks the names as it binds them, before anything is sent.

    def _query(self, name: str) -> Query:
        return self._queries.get(name) or self._registry.get(name)

    def call(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        """Run ``fn(*args, **kwargs)`` as one call: if it raises, nothing it did is kept.

        Every public DAO method runs this way already; use it for a function
        of your own that runs several statements on this session.
        """
        return self._call(fn, True, args, kwargs)

    def _call(
        self,
        fn: Callable[..., T],
        multi: bool,
        args: Sequence[Any],
        kwargs: Mapping[str, Any],
    ) -> T:
        # multi=False: fn writes with one statement at most, which SQLite undoes by itself.
        if self._depth:
            return fn(*args, **kwargs)
        conn = self._conn
        brackets = conn.brackets
        self._depth = 1
        try:
            if brackets:
                conn.begin_call(multi)
            result = fn(*args, **kwargs)
        except BaseException as exc:
            self._failed(conn, exc)
            raise
        finally:
            self._depth = 0
        if brackets:
            conn.end_call()
        return result

    def _failed(self, conn: Connection, exc: BaseException) -> None:
        if not conn.undo_call(exc):
            first = conn.failure or exc
            self._conn = _Refusing(TransactionAborted(first))  # type: ignore[assignment]

    def _close(self) -> None:
        """End the session: from now on every call raises ``SessionClosed``."""
        self._conn.closed = True
        self._conn = _Refusing(_closed)  # type: ignore[assignment]

    def fetch_all(self, name: str, /, **params: Any) -> list[Row]:
        """Run the named query and return all rows as dicts."""
        return self._rows(name, params)

    def _rows(self, name: str, params: dict[str, Any]) -> list[Row]:
        # fetch_all with the parameters as a dict: a DAO helper's are one already.
        query = self._queries.get(name) or self._registry.get(name)
        if self._depth:
            return self._conn.fetch_all(query, params)
        return self._call(self._conn.fetch_all, False, (query, params), {})

    def fetch_one(self, name: str, /, **params: Any) -> Row | None:
        """Run the named query and return its first row, or ``None``."""
        return self._row(name, params)

    def _row(self, name: str, params: dict[str, Any]) -> Row | None:
        # fetch_one with the parameters as a dict: a DAO helper's are one already.
        query = self._queries.get(name) or self._registry.get(name)
        if self._depth:
            return self._conn.fetch_one(query, params)
        return self._call(self._conn.fetch_one, False, (query, params), {})

    def fetch_value(self, name: str, /, **params: Any) -> Any:
        """Run the named query and return the first column of its first row, or ``None``."""
        row = self.fetch_one(name, **params)
        return None if row is None else next(iter(row.values()))

    def iterate(self, name: str, /, batch_size: int = 1000, **params: Any) -> Iterator[list[Row]]:
        """Run the named query and yield its rows in batches, in bounded memory."""
        query = self._query(name)
        # Checked now, not when the first batch is asked for.
        query.check_params(params)
        return self._batches(self._conn.iterate(query, params, batch_size))

    def _batches(self, batches: Iterator[list[Row]]) -> Iterator[list[Row]]:
        # Each batch is fetched as a call of its own: the caller may run other
        # calls between two batches, and one that fails must not take the stream's
        # transaction with it.
        while (batch := self._call(next, False, (batches, None), {})) is not None:
            yield batch

    def execute(self, name: str, /, **params: Any) -> int:
        """Run the named statement and return the number of rows it changed."""
        query = self._queries.get(name) or self._registry.get(name)
        if self._depth:
            return self._conn.execute(query, params)
        return self._call(self._conn.execute, False, (query, params), {})

    def execute_many(self, name: str, rows: Iterable[Mapping[str, Any]], /) -> int:
        """Run the named statement once per parameter set; return the rows changed.

        All or nothing: a refused row leaves none of the others behind.
        """
        query = self._query(name)
        return self._call(self._conn.execute_many, True, (query, rows), {})

    def copy_in(self, name: str, rows: Iterable[Sequence[Any]], /) -> int:
        """Bulk-load rows through the named query (COPY on PostgreSQL); return the count.

        The query's PostgreSQL file is ``COPY <table> (<columns>) FROM STDIN``;
        its portable (or SQLite) file is an INSERT whose parameters name the
        same columns in the same order, run once per row. Each row is a
        sequence of values in that order, adapted as any parameter is; a row of
        another length is a ``ParameterError``. All or nothing, as ``execute_many``.
        """
        return self._call(self._conn.copy_in, True, (self._registry.get(name), rows), {})

    def savepoint(self) -> AbstractContextManager[None]:
        """A nested transaction: its block's writes go back alone if it raises."""
        return self._conn.savepoint()
