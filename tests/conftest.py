"""Our suite runs on the sqlstore pytest plugin, with a small test app folder."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from sqlstore import Session, Store
from tests.helpers import APP

# Every DAO method that writes with several statements must be marked @atomic:
# the SQLite dialect checks each call (subprocesses inherit it).
os.environ["SQLSTORE_STRICT_CALLS"] = "1"


@pytest.fixture(scope="session")
def sqlstore_config() -> dict[str, Any]:
    """The test app adds a notes table (with a foreign key) and a few queries."""
    return {"sql_dirs": [APP / "sql"], "migration_dirs": [APP / "migrations"]}


@pytest.fixture
def store(sqlstore_store: Store) -> Store:
    """A migrated, empty store: once on SQLite, once on PostgreSQL."""
    return sqlstore_store


@pytest.fixture
def session(store: Store) -> Iterator[Session]:
    """One committed session on the test's store."""
    with store.session() as s:
        yield s


@pytest.fixture(scope="session")
def anyio_backend() -> str:
    """Async tests (``@pytest.mark.anyio``) run on asyncio, which sqlstore.aio is built on."""
    return "asyncio"
