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
from sqlstore.dialects._pg_aio_replica_session import AsyncReplicaTransaction
from sqlstore.dialects._pg_aio_replicas import AsyncReplicas, position_wanted
from sqlstore.dialects.base_async import AsyncDialect, AsyncTransaction

__all__ = ["AsyncPGDialect"]


class AsyncPGDialect(AsyncDialect):
    """A ``psycopg_pool.AsyncConnectionPool`` of UTC sessions, opened by ``open``."""

    def __init__(self, settings: Settings):
        super().__init__(settings)
        self.pool: AsyncPool | None = None
        self.replicas = AsyncReplicas(settings) if settings.replicas else None
        self._record = None if self.replicas is None else self.replicas.record

    async def open(self) -> None:
        """Open the pool after one direct connection (a wrong password is a ``ConfigError``)."""
        if self.pool is None:
            self.pool = await open_pool(self.settings)
            if self.replicas is not None:
                await self.replicas.open()

    def transaction(self, *, readonly: bool = False) -> AsyncTransaction:
        """A pooled connection in a new transaction: committed on success, else rolled back.

        With replicas, a read-only one runs on a healthy replica (``_pg_aio_replica_session``).
        """
        assert self.pool is not None, "open() first"
        if readonly and self.replicas is not None:
            return AsyncReplicaTransaction(self.replicas, self.pool, self.settings, None)
        return AsyncPGTransaction(self.pool, self.settings, readonly, self._record)

    def read_transaction(self, after: str | None, read_your_writes: bool) -> AsyncTransaction:
        """On a replica that has replayed ``after`` (and the last commit), else the primary."""
        assert self.pool is not None, "open() first"
        wanted = position_wanted(after, self.replicas, read_your_writes)
        if self.replicas is None:
            return self.transaction(readonly=True)
        return AsyncReplicaTransaction(self.replicas, self.pool, self.settings, wanted)

    async def close(self) -> None:
        """Close the pool (and the replicas')."""
        if self.replicas is not None:
            await self.replicas.close()
        pool, self.pool = self.pool, None
        if pool is not None:
            await pool.close()
