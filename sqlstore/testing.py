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
Every registered dialect is a parameter of ``sqlstore_dialect``; a server
dialect's server comes from ``SQLSTORE_TEST_<ENV>_URL``, ``<ENV>`` being the
dialect class's ``env_name`` (``POSTGRES`` for PostgreSQL).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any, NoReturn

import pytest

from sqlstore._testing_async import sqlstore_async_store
from sqlstore.dialects import dialect_class, dialect_names, scratch_database
from sqlstore.store import Store, connect

__all__ = [
    "DIALECTS",
    "sqlstore_async_store",
    "sqlstore_blank_url",
    "sqlstore_config",
    "sqlstore_dialect",
    "sqlstore_postgres_server",
    "sqlstore_server",
    "sqlstore_store",
    "sqlstore_url",
]

#: Every registered dialect: the parameters of ``sqlstore_dialect``.
DIALECTS = dialect_names()


def pytest_configure(config: pytest.Config) -> None:
    """Register the dialect markers."""
    for name in DIALECTS:
        config.addinivalue_line("markers", f"{name}_only: run this test on {name} only")


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


def _unavailable(env_name: str, reason: str) -> NoReturn:
    if os.environ.get(f"SQLSTORE_REQUIRE_{env_name}") == "1":
        pytest.fail(f"SQLSTORE_REQUIRE_{env_name}=1 but {reason}", pytrace=False)
    pytest.skip(reason)


def _server_url(dialect: str, stack: ExitStack) -> str:
    """A server's URL from ``SQLSTORE_TEST_<ENV>_URL``, else a container, else skip/fail."""
    cls = dialect_class(dialect)
    if cls.embedded:
        # Scratch databases of an embedded dialect are files: no server needed.
        return f"{cls.schemes[0]}:///scratch.db"
    variable = f"SQLSTORE_TEST_{cls.env_name}_URL"
    if url := os.environ.get(variable):
        return url
    try:
        import docker  # type: ignore[import-untyped]

        docker.from_env().ping()
    except Exception as exc:
        _unavailable(
            cls.env_name,
            f"no {dialect} server: {variable} is not set and no Docker engine answers for "
            f"testcontainers ({type(exc).__name__})",
        )
    container = cls.test_container(stack)
    if container is None:
        _unavailable(cls.env_name, f"no {dialect} server: {variable} is not set")
    return container


@pytest.fixture(scope="session")
def sqlstore_server() -> Iterator[Callable[[str], str]]:
    """``server(dialect)``: the URL of a server where throwaway databases may be created."""
    with ExitStack() as stack:
        found: dict[str, str] = {}

        def server(dialect: str) -> str:
            if dialect not in found:
                found[dialect] = _server_url(dialect, stack)
            return found[dialect]

        yield server


@pytest.fixture(scope="session")
def sqlstore_postgres_server(sqlstore_server: Callable[[str], str]) -> str:
    """The URL of a PostgreSQL server on which throwaway databases may be created."""
    return sqlstore_server("postgresql")


@pytest.fixture(scope="session")
def sqlstore_config() -> dict[str, Any]:
    """The app's folders: override to add ``sql_dirs`` and ``migration_dirs``."""
    return {"sql_dirs": [], "migration_dirs": []}


@pytest.fixture(params=DIALECTS)
def sqlstore_dialect(request: pytest.FixtureRequest) -> str:
    """Each test that uses a store runs once per dialect."""
    return str(request.param)


@pytest.fixture(scope="session")
def _sqlstore_templates(
    sqlstore_server: Callable[[str], str],
    tmp_path_factory: pytest.TempPathFactory,
    sqlstore_config: dict[str, Any],
) -> Iterator[Callable[[str], Any]]:
    """Per dialect, migrated once: a file to copy (embedded) or a store to empty (server)."""
    with ExitStack() as stack:
        made: dict[str, Any] = {}

        def template(dialect: str) -> Any:
            if dialect in made:
                return made[dialect]
            if dialect_class(dialect).embedded:
                path = tmp_path_factory.mktemp("sqlstore-template") / "template.db"
                url = f"{dialect_class(dialect).schemes[0]}:///{path}"
                with connect(url, **sqlstore_config) as store:
                    store.migrate()
                # Closing the last connection checkpoints the WAL: the file alone is the database.
                made[dialect] = path
            else:
                url = stack.enter_context(scratch_database(sqlstore_server(dialect)))
                store = stack.enter_context(connect(url, **sqlstore_config))
                store.migrate()
                made[dialect] = store
            return made[dialect]

        yield template


@pytest.fixture
def sqlstore_store(
    sqlstore_dialect: str,
    _sqlstore_templates: Callable[[str], Any],
    tmp_path: Path,
    sqlstore_config: dict[str, Any],
) -> Iterator[Store]:
    """A migrated store with empty tables, private to this test."""
    template = _sqlstore_templates(sqlstore_dialect)
    if isinstance(template, Path):
        path = tmp_path / template.name
        shutil.copyfile(template, path)
        scheme = dialect_class(sqlstore_dialect).schemes[0]
        with connect(f"{scheme}:///{path}", **sqlstore_config) as store:
            yield store
        return
    with template.session() as session:
        session.execute("catalog.truncate_all")
    yield template


@pytest.fixture
def sqlstore_url(sqlstore_store: Store) -> str:
    """The URL of this test's migrated store, password included (for subprocesses)."""
    return sqlstore_store.settings.url.render(hide_password=False)


@pytest.fixture
def sqlstore_blank_url(
    sqlstore_dialect: str, sqlstore_server: Callable[[str], str]
) -> Iterator[str]:
    """The URL of a new database with no migrations applied, private to this test."""
    with scratch_database(sqlstore_server(sqlstore_dialect)) as url:
        yield url
