"""The transaction rules on the async path, the same on both dialects.

PostgreSQL runs on psycopg's AsyncConnection, SQLite on its blocking
connections, each on a thread: the rules, the errors and what is committed
agree. Each test runs its coroutine with ``asyncio.run``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar
from uuid import uuid4

import pytest

from sqlstore import Store
from sqlstore.aio import AsyncSession, AsyncStore
from sqlstore.aio.dao import GenerationDAO, UserDAO
from sqlstore.dao import UserDAO as BlockingUserDAO
from sqlstore.errors import (
    AlreadyExists,
    ConcurrencyError,
    NotFound,
    ParameterError,
    SessionClosed,
    TransactionAborted,
)
from sqlstore.models import UserCreate
from tests.aio_helpers import async_twin, writer_left_waiting

T = TypeVar("T")


def _emails(store: Store) -> list[str]:
    with store.session(readonly=True) as session:
        return sorted(u.email for u in BlockingUserDAO(session).list(limit=100))


def run(store: Store, body: Callable[[AsyncStore], Awaitable[T]], **tuning: Any) -> T:
    """``body(app)`` on an async store over ``store``'s database, closed afterwards."""

    async def main() -> T:
        async with async_twin(store, **tuning) as app:
            return await body(app)

    return asyncio.run(main())


def test_a_caught_refusal_keeps_the_sessions_earlier_writes(store: Store) -> None:
    async def body(app: AsyncStore) -> None:
        async with app.session() as session:
            users = UserDAO(session)
            await users.create(UserCreate(email="bob@x.com"))
            with pytest.raises(AlreadyExists):
                await users.create(UserCreate(email="bob@x.com"))
            with pytest.raises(ParameterError):
                await session.fetch_one("agents.users.get")
            with pytest.raises(NotFound):
                await GenerationDAO(session).mark_processing(uuid4())
            await users.create(UserCreate(email="carol@x.com"))  # the session goes on
            listed = await users.list(limit=10)
            assert sorted(u.email for u in listed) == ["bob@x.com", "carol@x.com"]

    run(store, body)
    assert _emails(store) == ["bob@x.com", "carol@x.com"]


def test_a_refusal_as_the_first_call_and_inside_and_after_a_savepoint(store: Store) -> None:
    async def body(app: AsyncStore) -> None:
        async with app.session() as session:
            users = UserDAO(session)
            with pytest.raises(ParameterError):
                await session.fetch_one("agents.users.get")
            await users.create(UserCreate(email="a@x.com"))
            async with session.savepoint():
                await users.create(UserCreate(email="b@x.com"))
                with pytest.raises(AlreadyExists):
                    await users.create(UserCreate(email="a@x.com"))
            with pytest.raises(RuntimeError):
                async with session.savepoint():
                    await users.create(UserCreate(email="dropped@x.com"))
                    raise RuntimeError("the block fails: its savepoint is rolled back")
            with pytest.raises(AlreadyExists):
                await users.create(UserCreate(email="b@x.com"))
            await users.create(UserCreate(email="c@x.com"))

    run(store, body)
    assert _emails(store) == ["a@x.com", "b@x.com", "c@x.com"]


def test_a_block_that_raises_commits_nothing(store: Store) -> None:
    async def body(app: AsyncStore) -> None:
        with pytest.raises(RuntimeError):
            async with app.session() as session:
                await UserDAO(session).create(UserCreate(email="gone@x.com"))
                raise RuntimeError("the caller's own failure")
        async with app.session() as session:  # the connection came back clean
            await UserDAO(session).create(UserCreate(email="kept@x.com"))

    run(store, body)
    assert _emails(store) == ["kept@x.com"]


@pytest.mark.parametrize("readonly", [False, True])
def test_a_session_used_after_its_block_refuses_every_call(store: Store, readonly: bool) -> None:
    async def body(app: AsyncStore) -> None:
        async with app.session(readonly=readonly) as session:
            users = UserDAO(session)
            await users.list(limit=1)
        for call in (
            lambda: users.list(limit=1),
            lambda: users.create(UserCreate(email="late@x.com")),
            lambda: session.fetch_value("agents.users.get", id=uuid4()),
        ):
            with pytest.raises(SessionClosed):
                await call()
        with pytest.raises(SessionClosed):
            async with session.savepoint():
                pass

    run(store, body)
    assert _emails(store) == []


def _abort_next_call(session: AsyncSession, store: Store) -> Callable[[], Awaitable[object]]:
    """A call the database aborts the whole transaction for, the way each dialect does it."""
    if store.dialect.name == "postgresql":
        # The statement_timeout (0.2 s) cancels it; PostgreSQL aborts the transaction.
        return lambda: session.fetch_value("notes.sleep", seconds=2)
    # SQLite rolls the whole transaction back when a write is interrupted.
    raw = session._conn._conn.raw  # type: ignore[attr-defined]

    async def call() -> object:
        raw.set_progress_handler(lambda: 1, 1)
        try:
            return await UserDAO(session).create(UserCreate(email="interrupted@x.com"))
        finally:
            raw.set_progress_handler(None, 1)

    return call


def test_an_aborted_transaction_is_never_committed(store: Store) -> None:
    async def body(app: AsyncStore) -> None:
        with pytest.raises(TransactionAborted) as aborted:
            async with app.session() as session:
                users = UserDAO(session)
                await users.create(UserCreate(email="before@x.com"))
                with pytest.raises(ConcurrencyError):
                    await _abort_next_call(session, store)()
                for call in (
                    lambda: users.create(UserCreate(email="after@x.com")),
                    lambda: users.list(limit=1),
                ):
                    with pytest.raises(TransactionAborted) as later:
                        await call()
                    assert isinstance(later.value.first, ConcurrencyError)
        assert isinstance(aborted.value.first, ConcurrencyError)
        async with app.session() as session:  # the connection went back to the pool clean
            await UserDAO(session).create(UserCreate(email="next@x.com"))

    run(store, body, statement_timeout=0.2)
    assert _emails(store) == ["next@x.com"]


def test_a_task_cancelled_mid_transaction_rolls_back_and_frees_its_connection(
    store: Store,
) -> None:
    async def body(app: AsyncStore) -> None:
        task = await writer_left_waiting(app, "cancelled@x.com", lambda _: asyncio.sleep(60))
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        # One connection in all: the next session gets it back, with nothing left open on it.
        async with app.session() as session:
            assert await UserDAO(session).list(limit=10) == []
            await UserDAO(session).create(UserCreate(email="after@x.com"))

    run(store, body, pool_size=1, max_overflow=0, connect_timeout=2)
    assert _emails(store) == ["after@x.com"]


def test_an_exhausted_pool_is_a_concurrency_error_and_recovers(store: Store) -> None:
    async def body(app: AsyncStore) -> None:
        held, release = asyncio.Event(), asyncio.Event()

        async def hold() -> None:
            async with app.session() as session:
                await UserDAO(session).create(UserCreate(email="holder@x.com"))
                held.set()
                await release.wait()

        holder = asyncio.create_task(hold())
        await held.wait()
        # A reader: on SQLite a second writer would queue for the single writer's
        # turn (busy_timeout), not for a connection.
        with pytest.raises(ConcurrencyError, match="exhausted"):
            async with app.session(readonly=True):
                pass
        release.set()
        await holder
        async with app.session() as session:
            await UserDAO(session).create(UserCreate(email="next@x.com"))

    run(store, body, pool_size=1, max_overflow=0, connect_timeout=0.5)
    assert _emails(store) == ["holder@x.com", "next@x.com"]
