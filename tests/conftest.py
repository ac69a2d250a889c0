"""Our suite runs on the sqlstore pytest plugin, with a small test app folder."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from sqlstore import Session, Store, connect
from sqlstore.aio import AsyncStore
from sqlstore.dao.base import BaseDAO
from sqlstore.dialects import dialect_class
from tests import caches
from tests.aio_bridge import BlockingStore, Loop, dao_new
from tests.helpers import APP
from tests.pg_cluster import pg_stat_cluster  # noqa: F401  (a fixture, for every module)
from tests.pg_replica import replica_cluster  # noqa: F401  (a fixture)
from tests.pgbouncer import THROUGH_PGBOUNCER, direct, pgbouncer  # noqa: F401 (a fixture)

# Every DAO method that writes with several statements must be marked @atomic:
# the SQLite dialect checks each call (subprocesses inherit it).
os.environ["SQLSTORE_STRICT_CALLS"] = "1"

# A DAO built on a session of tests/aio_bridge.py is the sqlstore.aio DAO of the
# same name; on any other session, the class itself. For the whole run: a
# __new__ set on a class and deleted again breaks object.__new__'s arguments check.
BaseDAO.__new__ = staticmethod(dao_new)  # type: ignore[method-assign,assignment]


# SQL files and migrations parsed once per process, not once per store (tests/caches.py).
caches.install()


@pytest.fixture(scope="session")
def sqlstore_config() -> dict[str, Any]:
    """The test app adds a notes table (with a foreign key) and a few queries."""
    return {"sql_dirs": [APP / "sql"], "migration_dirs": [APP / "migrations"]}


#: Session fixtures that start servers of their own: under pytest-xdist
#: (``make test``), the tests that use one run on one worker, which starts it once.
SERVER_GROUPS = ("replica_cluster", "pg_stat_cluster")


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups (--dist loadgroup)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Group the tests of each private server on one worker."""
    for item in items:
        for name in SERVER_GROUPS:
            if name in getattr(item, "fixturenames", ()):
                item.add_marker(pytest.mark.xdist_group(name))


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """A store test of a module marked ``both_apis`` runs on ``Store`` and on ``AsyncStore``."""
    definition = metafunc.definition
    if (
        "store" in metafunc.fixturenames
        and definition.get_closest_marker("both_apis")
        and not definition.get_closest_marker("sync_only")
    ):
        metafunc.parametrize("api", ["sync", "aio"])


@pytest.fixture
def sqlstore_url(sqlstore_url: str, sqlstore_dialect: str, request: pytest.FixtureRequest) -> str:
    """The test's database; through PgBouncer if ``SQLSTORE_TEST_THROUGH_PGBOUNCER=1``."""
    if not THROUGH_PGBOUNCER or dialect_class(sqlstore_dialect).embedded:
        return sqlstore_url
    through: Callable[[str], str] = request.getfixturevalue("pgbouncer")
    return through(sqlstore_url)


@pytest.fixture
def sqlstore_store(
    sqlstore_url: str, sqlstore_config: dict[str, Any], request: pytest.FixtureRequest
) -> Iterator[Store]:
    """The plugin's store; through PgBouncer, migrating on the server's direct URL."""
    direct_url = None
    if THROUGH_PGBOUNCER and "pgbouncer=true" in sqlstore_url:
        direct_url = direct(sqlstore_url, request.getfixturevalue("sqlstore_postgres_server"))
    with connect(sqlstore_url, direct_url=direct_url, **sqlstore_config) as store:
        yield store


@pytest.fixture
def api() -> str:
    """Which API a store test runs on: ``sync`` unless its module is marked ``both_apis``."""
    return "sync"


@pytest.fixture
def store(
    sqlstore_store: Store,
    api: str,
    sqlstore_config: dict[str, Any],
) -> Iterator[Store]:
    """A migrated, empty store: once on SQLite, once on PostgreSQL (and awaited, see above)."""
    if api == "sync":
        yield sqlstore_store
        return
    loop = Loop()
    async_store = AsyncStore(sqlstore_store.settings, **sqlstore_config)
    try:
        yield BlockingStore(async_store, loop)  # type: ignore[misc]
    finally:
        loop.run(async_store.close())
        loop.close()


@pytest.fixture
def session(store: Store) -> Iterator[Session]:
    """One committed session on the test's store."""
    with store.session() as s:
        yield s


@pytest.fixture(scope="session")
def anyio_backend() -> str:
    """Async tests (``@pytest.mark.anyio``) run on asyncio, which sqlstore.aio is built on."""
    return "asyncio"
