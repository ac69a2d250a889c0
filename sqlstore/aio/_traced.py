"""A session's connection with each statement logged or spanned (``sqlstore.tracing``).

A session wraps its connection in this only when its store's tracing says,
as the session begins, that something is to be recorded; otherwise it never
sees this class and its statements pay nothing for it. Every other call
(the call brackets, savepoints, the checker's) goes to the connection as it is.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from typing import Any

from sqlstore.dialects.base import Row, Wrapping
from sqlstore.dialects.base_async import AsyncConnection
from sqlstore.queries import Query
from sqlstore.tracing import SessionTrace

__all__ = ["AsyncTracedConnection"]


class AsyncTracedConnection(Wrapping):
    """Forwards to ``conn``; each statement timed, then logged or spanned by ``trace``."""

    def __init__(self, conn: AsyncConnection, trace: SessionTrace):
        self._conn = conn
        self._wrapped = conn
        self._trace = trace
        self.brackets = conn.brackets

    def __getattr__(self, name: str) -> Any:
        return getattr(self._wrapped, name)

    async def begin_call(self, multi: bool) -> None:
        """Mark where a call starts (``Connection.begin_call``)."""
        await self._wrapped.begin_call(multi)

    async def end_call(self) -> None:
        """The call that began last succeeded (``Connection.end_call``)."""
        await self._wrapped.end_call()

    async def undo_call(self, exc: BaseException) -> bool:
        """Undo the failed call that began last (``Connection.undo_call``)."""
        return await self._wrapped.undo_call(exc)

    async def execute(self, query: Query, params: Mapping[str, Any]) -> int:
        """Run a statement; return the number of rows it changed."""
        with self._trace.statement(query, params) as traced:
            traced.rows = count = await self._wrapped.execute(query, params)
        return count

    async def fetch_all(self, query: Query, params: Mapping[str, Any]) -> list[Row]:
        """Run a statement and return every row."""
        with self._trace.statement(query, params) as traced:
            rows = await self._wrapped.fetch_all(query, params)
            traced.rows = len(rows)
        return rows

    async def fetch_one(self, query: Query, params: Mapping[str, Any]) -> Row | None:
        """Run a statement and return its first row, or ``None``."""
        with self._trace.statement(query, params) as traced:
            row = await self._wrapped.fetch_one(query, params)
            traced.rows = 0 if row is None else 1
        return row

    async def iterate(
        self, query: Query, params: Mapping[str, Any], batch_size: int
    ) -> AsyncIterator[list[Row]]:
        """Yield rows in batches; the stream is one statement, recorded when it ends."""
        with self._trace.statement(query, params) as traced:
            traced.rows = 0
            async for batch in self._wrapped.iterate(query, params, batch_size):
                traced.rows += len(batch)
                yield batch

    async def execute_many(self, query: Query, rows: Iterable[Mapping[str, Any]]) -> int:
        """Run a statement once per parameter set; return the rows changed."""
        # The rows are not shown: they are read once, by the driver.
        with self._trace.statement(query, None) as traced:
            traced.rows = count = await self._wrapped.execute_many(query, rows)
        return count

    async def copy_in(self, query: Query, rows: Iterable[Sequence[Any]]) -> int:
        """Load rows in bulk; return the count."""
        with self._trace.statement(query, None) as traced:
            traced.rows = count = await self._wrapped.copy_in(query, rows)
        return count

    def savepoint(self) -> AbstractAsyncContextManager[None]:
        """A nested transaction (``Connection.savepoint``)."""
        return self._wrapped.savepoint()
