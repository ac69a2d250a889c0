"""PostgreSQL's native async side: psycopg's ``AsyncConnection`` in an ``AsyncConnectionPool``.

What ``PostgreSQLDialect.open_async`` returns. The pool, its connections and
the transaction rules are those of the blocking side, from the same source
(``_pg_aio_connect``, ``_pg_aio_pool``, ``_pg_aio_connection``).
"""

from __future__ import annotations

from sqlstore.config import Settings
from sqlstore.dialects._pg_aio_connect import open_pool
from sqlstore.dialects._pg_aio_connection import AsyncPGTransaction
from sqlstore.dialects._pg_aio_pool import AsyncPool
from sqlstore.dialects.base_async import AsyncDialect, AsyncTransaction

__all__ = ["AsyncPGDialect"]


class AsyncPGDialect(AsyncDialect):
    """A ``psycopg_pool.AsyncConnectionPool`` of UTC sessions, opened by ``open``."""

    def __init__(self, settings: Settings):
        super().__init__(settings)
        self.pool: AsyncPool | None = None

    async def open(self) -> None:
        """Open the pool after one direct connection (a wrong password is a ``ConfigError``)."""
        if self.pool is None:
            self.pool = await open_pool(self.settings)

    def transaction(self, *, readonly: bool = False) -> AsyncTransaction:
        """A pooled connection in a new transaction: committed on success, else rolled back."""
        assert self.pool is not None, "open() first"
        return AsyncPGTransaction(self.pool, self.settings, readonly)

    async def close(self) -> None:
        """Close the pool."""
        pool, self.pool = self.pool, None
        if pool is not None:
            await pool.close()
