"""pytest fixtures for apps that embed sqlstore (installed as a pytest plugin).

``sqlstore_store`` gives each test a freshly migrated, empty store, once on
SQLite and once on PostgreSQL. PostgreSQL comes from
``SQLSTORE_TEST_POSTGRES_URL`` (a server where databases may be created),
else from a testcontainers container when a Docker engine answers, else
those tests skip with the reason; with ``SQLSTORE_REQUIRE_POSTGRES=1`` that
skip is a failure. Each run works in its own throwaway database.

An app passes its own folders by overriding the session fixture
``sqlstore_config``::

    @pytest.fixture(scope="session")
    def sqlstore_config():
        return {"sql_dirs": ["myapp/sql"], "migration_dirs": ["myapp/migrations"]}

Mark a test ``sqlite_only`` or ``postgresql_only`` to run it on one dialect.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any, NoReturn

import pytest

from sqlstore.dialects import scratch_database
from sqlstore.store import Store, connect

__all__ = [
    "DIALECTS",
    "sqlstore_blank_url",
    "sqlstore_config",
    "sqlstore_dialect",
    "sqlstore_postgres_server",
    "sqlstore_store",
    "sqlstore_url",
]

DIALECTS = ("sqlite", "postgresql")


def pytest_configure(config: pytest.Config) -> None:
    """Register the dialect markers."""
    config.addinivalue_line("markers", "sqlite_only: run this test on SQLite only")
    config.addinivalue_line("markers", "postgresql_only: run this test on PostgreSQL only")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Deselect the dialect variants a marker rules out (deselected, not skipped)."""
    keep: list[pytest.Item] = []
    drop: list[pytest.Item] = []
    for item in items:
        dialect = getattr(getattr(item, "callspec", None), "params", {}).get("sqlstore_dialect")
        wanted = [d for d in DIALECTS if item.get_closest_marker(f"{d}_only")]
        (drop if dialect and wanted and dialect not in wanted else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


def _unavailable(reason: str) -> NoReturn:
    if os.environ.get("SQLSTORE_REQUIRE_POSTGRES") == "1":
        pytest.fail(f"SQLSTORE_REQUIRE_POSTGRES=1 but {reason}", pytrace=False)
    pytest.skip(reason)


def _container_url(stack: ExitStack) -> str:
    """A PostgreSQL container's URL, or skip/fail when there is no Docker engine."""
    try:
        import docker  # type: ignore[import-untyped]

        docker.from_env().ping()
    except Exception as exc:
        _unavailable(
            "no PostgreSQL: SQLSTORE_TEST_POSTGRES_URL is not set and no Docker engine "
            f"answers for testcontainers ({type(exc).__name__})"
        )
    from testcontainers.postgres import PostgresContainer

    container = stack.enter_context(PostgresContainer("postgres:16-alpine", driver=None))
    return str(container.get_connection_url())


@pytest.fixture(scope="session")
def sqlstore_postgres_server() -> Iterator[str]:
    """The URL of a PostgreSQL server on which throwaway databases may be created."""
    with ExitStack() as stack:
        url = os.environ.get("SQLSTORE_TEST_POSTGRES_URL") or _container_url(stack)
        yield url


@pytest.fixture(scope="session")
def sqlstore_config() -> dict[str, Any]:
    """The app's folders: override to add ``sql_dirs`` and ``migration_dirs``."""
    return {"sql_dirs": [], "migration_dirs": []}


@pytest.fixture(params=DIALECTS)
def sqlstore_dialect(request: pytest.FixtureRequest) -> str:
    """Each test that uses a store runs once per dialect."""
    return str(request.param)


@pytest.fixture(scope="session")
def _sqlstore_sqlite_template(
    tmp_path_factory: pytest.TempPathFactory, sqlstore_config: dict[str, Any]
) -> Path:
    path = tmp_path_factory.mktemp("sqlstore-template") / "template.db"
    with connect(f"sqlite:///{path}", **sqlstore_config) as store:
        store.migrate()
    # Closing the last connection checkpoints the WAL: the file alone is the database.
    return path


@pytest.fixture(scope="session")
def _sqlstore_pg_store(
    sqlstore_postgres_server: str, sqlstore_config: dict[str, Any]
) -> Iterator[Store]:
    with (
        scratch_database(sqlstore_postgres_server) as url,
        connect(url, **sqlstore_config) as store,
    ):
        store.migrate()
        yield store


@pytest.fixture
def sqlstore_store(
    sqlstore_dialect: str,
    request: pytest.FixtureRequest,
    tmp_path: Path,
    sqlstore_config: dict[str, Any],
) -> Iterator[Store]:
    """A migrated store with empty tables, private to this test."""
    if sqlstore_dialect == "sqlite":
        template: Path = request.getfixturevalue("_sqlstore_sqlite_template")
        path = tmp_path / "sqlstore.db"
        shutil.copyfile(template, path)
        with connect(f"sqlite:///{path}", **sqlstore_config) as store:
            yield store
        return
    store = request.getfixturevalue("_sqlstore_pg_store")
    with store.session() as session:
        session.execute("catalog.truncate_all")
    yield store


@pytest.fixture
def sqlstore_url(sqlstore_store: Store) -> str:
    """The URL of this test's migrated store, password included (for subprocesses)."""
    return sqlstore_store.settings.url.render(hide_password=False)


@pytest.fixture
def sqlstore_blank_url(sqlstore_dialect: str, request: pytest.FixtureRequest) -> Iterator[str]:
    """The URL of a new database with no migrations applied, private to this test."""
    server = (
        "sqlite:///unused.db"
        if sqlstore_dialect == "sqlite"
        else request.getfixturevalue("sqlstore_postgres_server")
    )
    with scratch_database(server) as url:
        yield url
