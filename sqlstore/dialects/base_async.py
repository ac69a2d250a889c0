"""What a dialect gives ``sqlstore.aio``: the async twins of ``Connection`` and ``Transaction``.

The rules are those of ``dialects.base``, awaited. A dialect with a native
async driver implements these (PostgreSQL, on psycopg's ``AsyncConnection``);
any other gets them from ``Dialect.open_async``'s default, which runs its
blocking connections on a worker thread each (``_threaded``).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from types import TracebackType
from typing import Any

from sqlstore.config import Settings
from sqlstore.dialects.base import Row
from sqlstore.queries import Query

__all__ = ["AsyncConnection", "AsyncDialect", "AsyncTransaction"]


class AsyncConnection(ABC):
    """One connection inside the transaction of one ``AsyncSession`` (see ``base.Connection``)."""

    closed: bool = False
    failure: BaseException | None = None
    brackets: bool = True
    #: Where the primary's WAL stood after this transaction's COMMIT (with read replicas).
    commit_position: str | None = None

    @abstractmethod
    async def begin_call(self, multi: bool) -> None:
        """Mark where a call starts; ``multi``: it may write with more than one statement."""

    @abstractmethod
    async def end_call(self) -> None:
        """The call that began last succeeded."""

    @abstractmethod
    async def undo_call(self, exc: BaseException) -> bool:
        """Undo the failed (or cancelled) call that began last; False if the transaction is lost."""

    @abstractmethod
    async def execute(self, query: Query, params: Mapping[str, Any]) -> int:
        """Run a statement; return the number of rows it changed."""

    @abstractmethod
    async def fetch_all(self, query: Query, params: Mapping[str, Any]) -> list[Row]:
        """Run a statement and return every row."""

    @abstractmethod
    async def fetch_one(self, query: Query, params: Mapping[str, Any]) -> Row | None:
        """Run a statement and return its first row, or ``None``."""

    @abstractmethod
    def iterate(
        self, query: Query, params: Mapping[str, Any], batch_size: int
    ) -> AsyncIterator[list[Row]]:
        """Run a statement and yield its rows in batches, holding one batch at a time."""

    @abstractmethod
    async def execute_many(self, query: Query, rows: Iterable[Mapping[str, Any]]) -> int:
        """Run a statement once per parameter set; return the rows changed."""

    @abstractmethod
    async def copy_in(self, query: Query, rows: Iterable[Sequence[Any]]) -> int:
        """Load rows in bulk with the fastest path the dialect has; return the count."""

    @abstractmethod
    def savepoint(self) -> AbstractAsyncContextManager[None]:
        """A nested transaction: rolled back alone if its block raises."""


class AsyncTransaction(ABC):
    """One ``AsyncSession``'s transaction (see ``base.Transaction``)."""

    __slots__ = ("conn",)
    conn: AsyncConnection

    async def __aenter__(self) -> AsyncConnection:
        self.conn = await self.begin()
        return self.conn

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.conn.closed = True
        await self.end(error)

    @abstractmethod
    async def begin(self) -> AsyncConnection:
        """Begin the transaction on a pooled connection; give it back if that fails."""

    @abstractmethod
    async def end(self, error: BaseException | None) -> None:
        """Commit (no ``error``) or roll back, and give the connection back to its pool.

        Commit raises (``TransactionAborted``...) rather than commit what is not
        whole. The connection goes back to the pool whatever happens, a
        cancellation of the task included: the pool never loses one.
        """


class AsyncDialect(ABC):
    """A dialect's async side, opened by ``Dialect.open_async``: a pool and its transactions.

    Nothing connects until ``open`` (the store awaits it on first use).
    """

    def __init__(self, settings: Settings):
        self.settings = settings
        #: The dialect's name (``Dialect.name``).
        self.name: str = settings.url.dialect

    @abstractmethod
    async def open(self) -> None:
        """Connect: open the pool (a wrong address or password is a ``ConfigError`` here)."""

    @abstractmethod
    def transaction(self, *, readonly: bool = False) -> AsyncTransaction:
        """A connection in a new transaction: committed on success, else rolled back."""

    def read_transaction(self, after: str | None, read_your_writes: bool) -> AsyncTransaction:
        """A read-only transaction that sees the commit at ``after`` (see ``Dialect``'s)."""
        return self.transaction(readonly=True)

    @abstractmethod
    async def close(self) -> None:
        """Close every connection."""
