"""The blocking store tests run again through ``sqlstore.aio``: a blocking face on the async API.

A test module marked ``both_apis`` runs each store test twice per dialect:
once on ``Store``, once on an ``AsyncStore`` of the same database seen
through ``BlockingStore``. Each call the test makes is awaited on an event
loop in a thread of its own, so that the test body stays as written: the
same calls, the same models, the same errors. A DAO built on a
``BlockingSession`` (``TaskDAO(session)``) is the ``sqlstore.aio.dao`` class
of the same name, awaited (see ``dao_new``).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Awaitable, Coroutine, Iterator
from contextlib import AbstractAsyncContextManager, contextmanager
from types import TracebackType
from typing import Any, TypeVar

import sqlstore.aio.dao
from sqlstore.aio import AsyncSession, AsyncStore

T = TypeVar("T")


class Loop:
    """An event loop on a thread of its own; ``run`` awaits a coroutine there and returns."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._thread.start()

    def run(self, awaitable: Awaitable[T]) -> T:
        """Await ``awaitable`` on the loop; its result, or its error."""

        async def wrapped() -> T:
            return await awaitable

        return asyncio.run_coroutine_threadsafe(wrapped(), self.loop).result()

    def close(self) -> None:
        """Stop the loop and its thread."""
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join()
        self.loop.close()


def _blocking(value: Any, loop: Loop) -> Any:
    """``value`` as a blocking caller sees it: awaited, iterated, or entered on the loop."""
    if isinstance(value, Coroutine):
        return loop.run(value)
    if isinstance(value, AsyncIterator):
        return _iterate(value, loop)
    if isinstance(value, AbstractAsyncContextManager):
        return _enter(value, loop)
    return value


def _iterate(stream: AsyncIterator[T], loop: Loop) -> Iterator[T]:
    sentinel = object()
    try:
        while (item := loop.run(anext(stream, sentinel))) is not sentinel:
            yield item  # type: ignore[misc]
    finally:
        aclose = getattr(stream, "aclose", None)
        if aclose is not None:
            loop.run(aclose())


@contextmanager
def _enter(block: AbstractAsyncContextManager[T], loop: Loop) -> Iterator[T]:
    value = loop.run(block.__aenter__())
    try:
        yield value
    except BaseException as exc:
        if not loop.run(block.__aexit__(type(exc), exc, exc.__traceback__)):
            raise
    else:
        loop.run(block.__aexit__(None, None, None))


class _Blocking:
    """Every method of the wrapped async object, blocking."""

    def __init__(self, target: Any, loop: Loop):
        self._target, self._loop = target, loop

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._target, name)
        if not callable(attr):
            return attr
        loop = self._loop

        def call(*args: Any, **kwargs: Any) -> Any:
            return _blocking(attr(*args, **kwargs), loop)

        return call


class BlockingSession(_Blocking):
    """An ``AsyncSession`` with ``Session``'s blocking methods."""

    def __init__(self, session: AsyncSession, loop: Loop):
        super().__init__(session, loop)
        self.async_session = session


class BlockingDAO(_Blocking):
    """A ``sqlstore.aio.dao`` DAO with the blocking DAO's methods."""


class _SessionBlock:
    def __init__(self, store: AsyncStore, loop: Loop, **options: Any):
        self._block = store.session(**options)
        self._loop = loop

    def __enter__(self) -> BlockingSession:
        return BlockingSession(self._loop.run(self._block.__aenter__()), self._loop)

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._loop.run(self._block.__aexit__(kind, error, traceback))


class BlockingStore(_Blocking):
    """An ``AsyncStore`` with ``Store``'s blocking methods and attributes."""

    def __init__(self, store: AsyncStore, loop: Loop):
        super().__init__(store, loop)
        self.async_store = store

    def session(self, **options: Any) -> _SessionBlock:
        """``async with store.session(...)``, entered and left on the loop."""
        return _SessionBlock(self.async_store, self._loop, **options)

    def __enter__(self) -> BlockingStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def dao_new(cls: type, *args: Any, **kwargs: Any) -> Any:
    """``BaseDAO.__new__`` while a test runs on the async API: the aio DAO of the same name."""
    session = args[0] if args else kwargs.get("session")
    if isinstance(session, BlockingSession):
        aio_class = getattr(sqlstore.aio.dao, cls.__name__, None)
        if aio_class is None:
            raise TypeError(f"{cls.__name__} has no sqlstore.aio.dao twin: mark the test sync_only")
        return BlockingDAO(aio_class(session.async_session), session._loop)
    return object.__new__(cls)
