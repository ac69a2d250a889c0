"""Async stores on the same database as a test's ``store``, for the async connection tests."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any

from sqlstore import Store
from sqlstore.aio import AsyncSession, AsyncStore
from sqlstore.aio.dao import UserDAO
from sqlstore.models import UserCreate
from tests.helpers import APP


def async_twin(store: Store, **tuning: Any) -> AsyncStore:
    """An ``AsyncStore`` on ``store``'s database with the test app's queries, tuned as given."""
    return AsyncStore(replace(store.settings, **tuning), sql_dirs=[APP / "sql"])


async def writer_left_waiting(
    app: AsyncStore, email: str, wait: Callable[[AsyncSession], Awaitable[object]]
) -> asyncio.Task[None]:
    """A task whose session has created the user ``email`` and now awaits ``wait(session)``."""
    inside = asyncio.Event()

    async def work() -> None:
        async with app.session() as session:
            await UserDAO(session).create(UserCreate(email=email))
            inside.set()
            await wait(session)

    task = asyncio.create_task(work())
    await inside.wait()
    return task
