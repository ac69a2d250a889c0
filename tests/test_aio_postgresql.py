"""PostgreSQL's native async side: cancellation, timeouts, the pool, connecting.

The async store runs on psycopg's ``AsyncConnection`` in an
``AsyncConnectionPool``. A cancelled task has its query cancelled on the
server (``pg_stat_activity`` shows it no more), its call undone, and its
connection back in the pool with no transaction left open.
"""

from __future__ import annotations

import asyncio
import logging
import traceback
from collections.abc import Iterator

import psycopg
import pytest

from sqlstore import Store, connect
from sqlstore.aio import AsyncStore
from sqlstore.aio import connect as aconnect
from sqlstore.aio.dao import UserDAO
from sqlstore.dao import UserDAO as BlockingUserDAO
from sqlstore.dialects._pg_aio_connection import AsyncPGTransaction
from sqlstore.errors import ConfigError
from sqlstore.models import UserCreate
from tests.aio_helpers import async_twin, writer_left_waiting
from tests.helpers import RAW_SQL

pytestmark = pytest.mark.postgresql_only

MARK = "ZQ9XASYNCPW"


@pytest.fixture
def watcher(sqlstore_url: str) -> Iterator[Store]:
    """A blocking store on the test's database that reads ``pg_stat_activity``."""
    with connect(sqlstore_url, sql_dirs=[RAW_SQL]) as store:
        yield store


def _count(watcher: Store, name: str) -> int:
    with watcher.session(readonly=True) as session:
        return int(session.fetch_value(name))


def _emails(store: Store) -> list[str]:
    with store.session(readonly=True) as session:
        return sorted(u.email for u in BlockingUserDAO(session).list(limit=100))


def _pool_idle(app: AsyncStore) -> tuple[int, int]:
    stats = app.dialect.pool.get_stats()  # type: ignore[attr-defined]
    return stats.get("pool_available", 0), stats.get("pool_size", 0)


def test_the_async_side_is_psycopgs_own(store: Store) -> None:
    async def main() -> None:
        async with async_twin(store, statement_timeout=1.5) as app, app.session() as session:
            raw = session._conn.raw  # type: ignore[attr-defined]
            assert isinstance(raw, psycopg.AsyncConnection)
            # The same startup options as the blocking pool: UTC, the statement timeout.
            cur = await raw.execute("SHOW TimeZone")
            assert (await cur.fetchone())[0] == "UTC"
            cur = await raw.execute("SHOW statement_timeout")
            assert (await cur.fetchone())[0] == "1500ms"

    asyncio.run(main())


@pytest.mark.parametrize("earlier_write", [True, False], ids=["dirty", "clean"])
def test_asyncio_timeout_cancels_the_query_on_the_server_and_the_session_goes_on(
    store: Store, watcher: Store, earlier_write: bool
) -> None:
    async def main() -> None:
        async with async_twin(store, pool_size=1, max_overflow=0) as app:
            async with app.session() as session:
                users = UserDAO(session)
                if earlier_write:
                    await users.create(UserCreate(email="before@x.com"))
                with pytest.raises(TimeoutError):
                    async with asyncio.timeout(0.3):
                        await session.fetch_value("notes.sleep", seconds=30)
                # Cancelled on the server, not left running there.
                assert await asyncio.to_thread(_count, watcher, "raw.running_sleeps") == 0
                # The call is undone as a refused one: the session goes on, its writes kept.
                await users.create(UserCreate(email="after@x.com"))
            # The one connection is back in the pool, clean.
            assert _pool_idle(app) == (1, 1)
            async with app.session() as session:
                await UserDAO(session).create(UserCreate(email="next@x.com"))
        assert await asyncio.to_thread(_count, watcher, "raw.open_transactions") == 0

    asyncio.run(main())
    expected = ["after@x.com", "next@x.com"]
    assert _emails(store) == sorted(["before@x.com", *expected] if earlier_write else expected)


def test_many_timeouts_leave_the_pool_healthy(store: Store, watcher: Store) -> None:
    async def one(app: AsyncStore, n: int) -> None:
        async with app.session() as session:
            await UserDAO(session).create(UserCreate(email=f"u{n}@x.com"))
            with pytest.raises(TimeoutError):
                async with asyncio.timeout(0.05 + 0.01 * n):
                    await session.fetch_value("notes.sleep", seconds=30)

    async def main() -> None:
        async with async_twin(store, pool_size=2, max_overflow=1) as app:
            await asyncio.gather(*(one(app, n) for n in range(12)))
            assert await asyncio.to_thread(_count, watcher, "raw.running_sleeps") == 0
            assert await asyncio.to_thread(_count, watcher, "raw.open_transactions") == 0
            idle, size = _pool_idle(app)
            assert idle == size >= 1

    asyncio.run(main())
    assert _emails(store) == sorted(f"u{n}@x.com" for n in range(12))


def test_a_task_cancelled_while_its_query_runs_rolls_back_on_the_server(
    store: Store, watcher: Store
) -> None:
    async def main() -> None:
        async with async_twin(store, pool_size=1, max_overflow=0) as app:
            task = await writer_left_waiting(
                app, "lost@x.com", lambda session: session.fetch_value("notes.sleep", seconds=30)
            )
            await asyncio.sleep(0.2)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            assert _pool_idle(app) == (1, 1)
            assert await asyncio.to_thread(_count, watcher, "raw.running_sleeps") == 0
            assert await asyncio.to_thread(_count, watcher, "raw.open_transactions") == 0

    asyncio.run(main())
    assert _emails(store) == []


def test_a_task_cancelled_again_while_it_rolls_back_still_gives_the_connection_back(
    store: Store, watcher: Store, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    rolling_back = asyncio.Event()
    abandon = AsyncPGTransaction.abandon

    async def slow_abandon(self: AsyncPGTransaction, error: BaseException) -> None:
        rolling_back.set()
        await asyncio.sleep(0.3)
        await abandon(self, error)

    monkeypatch.setattr(AsyncPGTransaction, "abandon", slow_abandon)

    async def main() -> None:
        async with async_twin(store, pool_size=1, max_overflow=0) as app:
            task = await writer_left_waiting(app, "lost@x.com", lambda _: asyncio.sleep(60))
            task.cancel()
            await rolling_back.wait()
            task.cancel()  # again, while the transaction rolls back
            with pytest.raises(asyncio.CancelledError):
                await task
            # Back in the pool once the task has stopped, not some time later.
            assert _pool_idle(app) == (1, 1)
            assert await asyncio.to_thread(_count, watcher, "raw.open_transactions") == 0
            async with app.session() as session:
                await UserDAO(session).create(UserCreate(email="next@x.com"))

    with caplog.at_level(logging.INFO, logger="psycopg"):
        asyncio.run(main())
    assert _emails(store) == ["next@x.com"]
    # The transaction rolled its connection back itself: the pool found it idle,
    # neither in a transaction to roll back nor busy to close.
    returned = [r.getMessage() for r in caplog.records if r.name.startswith("psycopg")]
    assert not [m for m in returned if "rolling back" in m or "closing returned" in m], returned


@pytest.mark.parametrize(
    "url",
    [
        f"postgresql://no_such_role_{MARK.lower()}:s3cr%2Ft%20{MARK}@127.0.0.1:5432/test",
        f"postgresql://postgres:s3cr%2Ft%20{MARK}@127.0.0.1:1/test?connect_timeout=1",
    ],
    ids=["refused-login", "no-server"],
)
def test_a_wrong_login_is_a_config_error_without_the_password(url: str) -> None:
    async def main() -> ConfigError:
        app = aconnect(url)
        with pytest.raises(ConfigError) as refused:
            async with app.session():
                pass
        await app.close()
        return refused.value

    error = asyncio.run(main())
    said = "".join(traceback.format_exception(error)) + repr(error)
    assert "cannot connect" in str(error)
    assert MARK not in said and MARK.lower() not in said.replace(f"no_such_role_{MARK.lower()}", "")
