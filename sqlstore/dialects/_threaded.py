"""The async side of a dialect with a blocking driver: each connection on a thread of its own.

A session takes a lane (a worker thread) from a bounded set, and every step
of its transaction runs there, in order, on the dialect's own blocking
connection: the same code, the same rules, and the event loop never waits on
the driver. A step is never abandoned once submitted: a task cancelled while
one runs stops waiting for it, and what undoes the call or ends the
transaction runs after it on the same thread, so the connection always goes
back to its pool and no transaction stays open.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Generator, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager, asynccontextmanager
from typing import Any, TypeVar

from sqlstore.config import Settings
from sqlstore.dialects.base import Connection, Dialect, Row, Transaction, Wrapping
from sqlstore.dialects.base_async import AsyncConnection, AsyncDialect, AsyncTransaction
from sqlstore.errors import ConcurrencyError
from sqlstore.queries import Query

__all__ = ["ThreadedDialect"]

T = TypeVar("T")


class _Lane:
    """One worker thread: what is submitted runs there in order, and always runs."""

    __slots__ = ("_executor", "_last")

    def __init__(self, name: str):
        self._executor = ThreadPoolExecutor(1, thread_name_prefix=name)
        self._last: asyncio.Future[Any] | None = None

    def idle(self) -> bool:
        """Nothing submitted is still to run (a cancelled caller's step may be)."""
        return self._last is None or self._last.done()

    async def run(self, fn: Callable[..., T], /, *args: Any) -> T:
        """Run ``fn(*args)`` on the lane; a cancelled caller stops waiting, the step goes on."""
        return await asyncio.shield(self.submit(fn, *args))

    def submit(self, fn: Callable[..., Any], /, *args: Any) -> asyncio.Future[Any]:
        """Queue ``fn(*args)`` on the lane without waiting for it."""
        future = self._last = asyncio.wrap_future(self._executor.submit(fn, *args))
        # A caller cancelled while it ran no longer waits for its error: the
        # step that follows (undo, rollback) deals with it.
        future.add_done_callback(_seen)
        return future

    def drain(self) -> None:
        """Wait until every step submitted has run, then end the thread (blocking)."""
        self._executor.shutdown(wait=True)


def _seen(future: asyncio.Future[Any]) -> None:
    if not future.cancelled():
        future.exception()


class ThreadedDialect(AsyncDialect):
    """A blocking dialect, awaited: at most ``pool_size + max_overflow`` sessions at once."""

    def __init__(self, kind: type[Dialect], settings: Settings):
        super().__init__(settings)
        self._kind = kind
        self._size = max(1, settings.pool_size + settings.max_overflow)
        self.blocking: Dialect | None = None
        self._lanes: asyncio.LifoQueue[_Lane] | None = None
        self._all: list[_Lane] = []
        # One writer at a time (SQLite): write sessions queue here, first come
        # first served, rather than in the driver's busy handler, which sleeps
        # and retries and lets a busy process starve one of its own sessions.
        self._writer: asyncio.Lock | None = None

    async def open(self) -> None:
        """Open the blocking dialect on a worker thread; make the lanes."""
        if self.blocking is not None:
            return
        self.blocking = await asyncio.to_thread(self._kind, self.settings)
        if self._kind.single_writer:
            self._writer = asyncio.Lock()
        self._lanes = asyncio.LifoQueue()
        for n in range(self._size):
            lane = _Lane(f"sqlstore-{self._kind.name}-{n}")
            self._all.append(lane)
            self._lanes.put_nowait(lane)

    async def take_lane(self) -> _Lane:
        """A free lane, waiting up to ``connect_timeout``; ``ConcurrencyError`` if none frees."""
        assert self._lanes is not None, "open() first"
        try:
            return self._lanes.get_nowait()
        except asyncio.QueueEmpty:
            pass
        wait = self.settings.connect_timeout
        try:
            async with asyncio.timeout(wait):
                return await self._lanes.get()
        except TimeoutError:
            raise ConcurrencyError(
                f"the connection pool is exhausted: all {self._size} connections "
                f"(pool_size + max_overflow) stayed in use for {wait:.1f} s; "
                "end sessions sooner or raise pool_size"
            ) from None

    async def writer_turn(self) -> bool:
        """Wait for the write turn (True), up to ``busy_timeout``; False if writers need none."""
        if self._writer is None:
            return False
        wait = self.settings.busy_timeout
        try:
            async with asyncio.timeout(wait):
                await self._writer.acquire()
        except TimeoutError:
            raise ConcurrencyError(
                f"database is locked: another write session held it for {wait:.1f} s"
            ) from None
        return True

    def end_writer_turn(self) -> None:
        """Let the next write session begin."""
        assert self._writer is not None
        self._writer.release()

    def put_lane(self, lane: _Lane) -> None:
        """Give a lane back."""
        if self._lanes is not None:
            self._lanes.put_nowait(lane)

    def transaction(self, *, readonly: bool = False) -> AsyncTransaction:
        """A lane and a blocking connection on it, in a new transaction."""
        return _ThreadedTransaction(self, readonly)

    async def close(self) -> None:
        """Close every connection, once what cancelled sessions left on their lanes has run."""
        lanes, self._all, self._lanes = self._all, [], None
        for lane in lanes:
            await asyncio.to_thread(lane.drain)
        blocking, self.blocking = self.blocking, None
        if blocking is not None:
            await asyncio.to_thread(blocking.close)


class _ThreadedTransaction(AsyncTransaction):
    """The blocking dialect's transaction, each step on the session's lane."""

    __slots__ = ("_blocking", "_dialect", "_ended", "_lane", "_readonly", "_writing")

    def __init__(self, dialect: ThreadedDialect, readonly: bool):
        self._dialect, self._readonly = dialect, readonly
        self._ended = self._writing = False

    def _begin(self) -> Connection:
        assert self._dialect.blocking is not None, "open() first"
        self._blocking: Transaction = self._dialect.blocking.transaction(readonly=self._readonly)
        return self._blocking.__enter__()

    async def begin(self) -> AsyncConnection:
        """Take the write turn if writers need one, a lane, and begin on it."""
        dialect = self._dialect
        self._writing = not self._readonly and await dialect.writer_turn()
        try:
            lane = self._lane = await dialect.take_lane()
        except BaseException:
            self._free(None)
            raise
        try:
            conn = await lane.run(self._begin)
        except BaseException as exc:
            # Failed, or cancelled while it began: roll back once it has, then free the lane.
            self._finish(exc)
            raise
        return _ThreadedConnection(conn, lane)

    def _end(self, error: BaseException | None) -> None:
        blocking = getattr(self, "_blocking", None)
        if self._ended or getattr(blocking, "conn", None) is None:
            return  # ended already, or never begun (a failed begin gives its connection back)
        self._ended = True
        assert blocking is not None
        if error is None:
            blocking.__exit__(None, None, None)
        else:
            blocking.__exit__(type(error), error, error.__traceback__)

    def _finish(self, error: BaseException | None) -> asyncio.Future[Any]:
        """Queue the end of the transaction on the lane; the lane is freed once it has run."""
        done = self._lane.submit(self._end, error)
        done.add_done_callback(self._free)
        return done

    def _free(self, _: object) -> None:
        """Give back the lane (once the transaction has ended on it) and the write turn."""
        if getattr(self, "_lane", None) is not None:
            self._dialect.put_lane(self._lane)
        if self._writing:
            self._writing = False
            self._dialect.end_writer_turn()

    async def end(self, error: BaseException | None) -> None:
        """Commit or roll back on the lane; the lane is freed even if the caller is cancelled."""
        await asyncio.shield(self._finish(error))


class _ThreadedConnection(Wrapping, AsyncConnection):
    """A blocking ``Connection`` whose every step runs on its session's lane."""

    def __init__(self, conn: Connection, lane: _Lane):
        self._conn, self._lane = conn, lane
        self.brackets = conn.brackets
        self._inline = conn.cheap_brackets

    async def begin_call(self, multi: bool) -> None:
        """``Connection.begin_call``: here if it waits on nothing and the lane is idle."""
        if self._inline and self._lane.idle():
            self._conn.begin_call(multi)
        else:
            await self._lane.run(self._conn.begin_call, multi)

    async def end_call(self) -> None:
        """``Connection.end_call``: here if it waits on nothing and the lane is idle."""
        if self._inline and self._lane.idle():
            self._conn.end_call()
        else:
            await self._lane.run(self._conn.end_call)

    async def undo_call(self, exc: BaseException) -> bool:
        """``Connection.undo_call`` on the lane, after whatever the failed call left running."""
        return await self._lane.run(self._conn.undo_call, exc)

    async def execute(self, query: Query, params: Mapping[str, Any]) -> int:
        """``Connection.execute`` on the lane."""
        return await self._lane.run(self._conn.execute, query, params)

    async def fetch_all(self, query: Query, params: Mapping[str, Any]) -> list[Row]:
        """``Connection.fetch_all`` on the lane."""
        return await self._lane.run(self._conn.fetch_all, query, params)

    async def fetch_one(self, query: Query, params: Mapping[str, Any]) -> Row | None:
        """``Connection.fetch_one`` on the lane."""
        return await self._lane.run(self._conn.fetch_one, query, params)

    async def iterate(
        self, query: Query, params: Mapping[str, Any], batch_size: int
    ) -> AsyncIterator[list[Row]]:
        """``Connection.iterate``, each batch fetched on the lane."""
        batches = self._conn.iterate(query, params, batch_size)
        try:
            while (batch := await self._lane.run(next, batches, None)) is not None:
                yield batch
        finally:
            if isinstance(batches, Generator):
                self._lane.submit(batches.close)

    async def execute_many(self, query: Query, rows: Iterable[Mapping[str, Any]]) -> int:
        """``Connection.execute_many`` on the lane."""
        return await self._lane.run(self._conn.execute_many, query, rows)

    async def copy_in(self, query: Query, rows: Iterable[Sequence[Any]]) -> int:
        """``Connection.copy_in`` on the lane."""
        return await self._lane.run(self._conn.copy_in, query, rows)

    @asynccontextmanager
    async def savepoint(self) -> AsyncIterator[None]:
        """``Connection.savepoint``, entered and left on the lane."""
        block: AbstractContextManager[None] = self._conn.savepoint()
        await self._lane.run(block.__enter__)
        try:
            yield
        except BaseException as exc:
            # The blocking block rolls back and raises ``exc`` again (or its own error).
            await self._lane.run(block.__exit__, type(exc), exc, exc.__traceback__)
            raise
        await self._lane.run(block.__exit__, None, None, None)
