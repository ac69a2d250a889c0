"""``AsyncStore``: a store whose sessions are awaited."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from types import TracebackType
from typing import TYPE_CHECKING, cast

from sqlstore._replica_urls import read_after
from sqlstore.aio.session import AsyncSession
from sqlstore.config import Settings, resolve
from sqlstore.dialects import dialect_class
from sqlstore.dialects.base_async import AsyncConnection, AsyncDialect, AsyncTransaction
from sqlstore.store import BaseStore, PathLike, SessionBlockBase, settings_with

if TYPE_CHECKING:
    from sqlstore.migrate import MigrationState

__all__ = ["AsyncStore", "connect"]


class AsyncStore(BaseStore):
    """One database awaited: its pool, the same query registry and migrations as ``Store``.

    Nothing connects until the first session (or ``open``, or ``async with``):
    a wrong address or password is then a ``ConfigError``, as ``connect`` makes
    it for a ``Store``.
    """

    def __init__(
        self,
        settings: Settings,
        *,
        sql_dirs: Sequence[PathLike] = (),
        migration_dirs: Sequence[PathLike] = (),
    ):
        super().__init__(settings, sql_dirs, migration_dirs)
        self.dialect: AsyncDialect = dialect_class(settings.url.dialect).open_async(settings)
        self._opened = False
        self._opening: asyncio.Lock | None = None

    async def open(self) -> None:
        """Connect (the first session does it if this was not awaited)."""
        if self._opened:
            return
        if self._opening is None:
            self._opening = asyncio.Lock()
        async with self._opening:
            if not self._opened:
                await self.dialect.open()
                self._opened = True

    def session(
        self, *, readonly: bool = False, read_your_writes: bool = False, after: str | None = None
    ) -> AbstractAsyncContextManager[AsyncSession]:
        """One transaction: committed when the block ends, rolled back if it raises.

        ``readonly``, ``read_your_writes`` and ``after``: as ``Store.session``.
        """
        block = _AsyncSessionBlock(self, readonly)
        block._after = read_after(readonly, read_your_writes, after)
        return block

    async def migrate(self) -> list[str]:
        """Apply every pending migration; return the ids applied (yoyo runs on a thread)."""
        return await asyncio.to_thread(self.migrator.apply)

    async def rollback(self, steps: int | None = 1) -> list[str]:
        """Roll back the last ``steps`` migrations (every one with ``None``)."""
        return await asyncio.to_thread(self.migrator.rollback, steps)

    async def migration_status(self) -> list[MigrationState]:
        """Every migration, applied or pending."""
        return await asyncio.to_thread(self.migrator.status)

    async def reset(self) -> None:
        """Drop everything and migrate again: for development databases only."""
        await self.rollback(None)
        await self.migrate()

    async def close(self) -> None:
        """Close every connection."""
        self._opened = False
        await self.dialect.close()

    async def __aenter__(self) -> AsyncStore:
        await self.open()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()


class _AsyncSessionBlock(SessionBlockBase):
    """``async with store.session():`` (see ``store._SessionBlock``)."""

    __slots__ = ()
    _store: AsyncStore

    async def __aenter__(self) -> AsyncSession:
        store = self._store
        if not store._opened:
            await store.open()
        self._transaction: AsyncTransaction
        if self._after is None:
            self._transaction = store.dialect.transaction(readonly=self._readonly)
        else:
            self._transaction = store.dialect.read_transaction(*self._after)
        conn = await self._transaction.__aenter__()
        trace = store.tracing.session()
        if trace is not None:
            from sqlstore.aio._traced import AsyncTracedConnection

            conn = cast(AsyncConnection, AsyncTracedConnection(conn, trace))
        self._session = AsyncSession(conn, store.registry, store.settings.url.dialect)
        return self._session

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        # The session is closed first: the transaction then commits or rolls back.
        self._session._close()
        await self._transaction.__aexit__(kind, error, traceback)
        self._session.commit_position = self._transaction.conn.commit_position


def connect(
    url: str | None = None,
    *,
    sql_dirs: Sequence[PathLike] = (),
    migration_dirs: Sequence[PathLike] = (),
    echo: bool | str | None = None,
    direct_url: str | None = None,
    replicas: Sequence[str] | None = None,
    max_replica_lag: float | None = None,
) -> AsyncStore:
    """An ``AsyncStore`` on ``url`` or the environment's database, as ``sqlstore.connect``."""
    return AsyncStore(
        settings_with(
            resolve(url, direct_url=direct_url, replicas=replicas, max_replica_lag=max_replica_lag),
            echo,
        ),
        sql_dirs=sql_dirs,
        migration_dirs=migration_dirs,
    )
