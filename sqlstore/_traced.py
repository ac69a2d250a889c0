# Generated from sqlstore/aio/_traced.py (`make generate`): edit that file, not this one.
"""A session's connection with each statement logged or spanned (``sqlstore.tracing``).

A session wraps its connection in this only when its store's tracing says,
as the session begins, that something is to be recorded; otherwise it never
sees this class and its statements pay nothing for it. Every other call
(the call brackets, savepoints, the checker's) goes to the connection as it is.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from typing import Any

from sqlstore.dialects.base import Connection, Row, Wrapping
from sqlstore.queries import Query
from sqlstore.tracing import SessionTrace

__all__ = ["TracedConnection"]


class TracedConnection(Wrapping):
    """Forwards to ``conn``; each statement timed, then logged or spanned by ``trace``."""

    def __init__(self, conn: Connection, trace: SessionTrace):
        self._conn = conn
        self._wrapped = conn
        self._trace = trace
        self.brackets = conn.brackets

    def __getattr__(self, name: str) -> Any:
        return getattr(self._wrapped, name)

    def begin_call(self, multi: bool) -> None:
        """Mark where a call starts (``Connection.begin_call``)."""
        self._wrapped.begin_call(multi)

    def end_call(self) -> None:
        """The call that began last succeeded (``Connection.end_call``)."""
        self._wrapped.end_call()

    def undo_call(self, exc: BaseException) -> bool:
        """Undo the failed call that began last (``Connection.undo_call``)."""
        return self._wrapped.undo_call(exc)

    def execute(self, query: Query, params: Mapping[str, Any]) -> int:
        """Run a statement; return the number of rows it changed."""
        with self._trace.statement(query, params) as traced:
            traced.rows = count = self._wrapped.execute(query, params)
        return count

    def fetch_all(self, query: Query, params: Mapping[str, Any]) -> list[Row]:
        """Run a statement and return every row."""
        with self._trace.statement(query, params) as traced:
            rows = self._wrapped.fetch_all(query, params)
            traced.rows = len(rows)
        return rows

    def fetch_one(self, query: Query, params: Mapping[str, Any]) -> Row | None:
        """Run a statement and return its first row, or ``None``."""
        with self._trace.statement(query, params) as traced:
            row = self._wrapped.fetch_one(query, params)
            traced.rows = 0 if row is None else 1
        return row

    def iterate(
        self, query: Query, params: Mapping[str, Any], batch_size: int
    ) -> Iterator[list[Row]]:
        """Yield rows in batches; the stream is one statement, recorded when it ends."""
        with self._trace.statement(query, params) as traced:
            traced.rows = 0
            for batch in self._wrapped.iterate(query, params, batch_size):
                traced.rows += len(batch)
                yield batch

    def execute_many(self, query: Query, rows: Iterable[Mapping[str, Any]]) -> int:
        """Run a statement once per parameter set; return the rows changed."""
        # The rows are not shown: they are read once, by the driver.
        with self._trace.statement(query, None) as traced:
            traced.rows = count = self._wrapped.execute_many(query, rows)
        return count

    def copy_in(self, query: Query, rows: Iterable[Sequence[Any]]) -> int:
        """Load rows in bulk; return the count."""
        with self._trace.statement(query, None) as traced:
            traced.rows = count = self._wrapped.copy_in(query, rows)
        return count

    def savepoint(self) -> AbstractContextManager[None]:
        """A nested transaction (``Connection.savepoint``)."""
        return self._wrapped.savepoint()
