"""The pytest plugin's async fixtures (re-exported by ``sqlstore.testing``).

``sqlstore_async_store`` is the test's store (the database ``sqlstore_store``
migrated and emptied, on every dialect) opened as an ``AsyncStore``. It is
an ``async def`` fixture: the test runs under an async test runner, anyio's
pytest plugin (``@pytest.mark.anyio``, with ``anyio_backend`` set to
``"asyncio"``) or pytest-asyncio in auto mode. sqlstore depends on neither.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from sqlstore.aio import AsyncStore, connect

__all__ = ["sqlstore_async_store"]


@pytest.fixture
async def sqlstore_async_store(
    sqlstore_url: str, sqlstore_config: dict[str, Any]
) -> AsyncIterator[AsyncStore]:
    """The test's migrated, empty store as an ``AsyncStore``, closed after the test."""
    # Opened on the test's own event loop: its connections belong to that loop.
    async with connect(sqlstore_url, **sqlstore_config) as store:
        yield store
