"""pytest fixtures for apps that embed sqlstore (installed as a pytest plugin).

``sqlstore_store`` gives each test a database of its own, once on SQLite and
once on PostgreSQL: a copy of a template migrated once per run
(``CREATE DATABASE ... TEMPLATE`` on PostgreSQL, a copy of the file on
SQLite), so the rows the migrations seed are there. A PostgreSQL copy a
test left with the template's schema is reset for the next test instead of
dropped (``sqlstore/_testing_clones.py``). PostgreSQL comes from
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

Under pytest-xdist each worker process has its own template and copies, their
names carrying the worker's id (``sqlstore_template_gw0_...``), so workers
never share a database.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from typing import Any, NoReturn

import pytest

from sqlstore._testing_async import sqlstore_async_store
from sqlstore._testing_clones import Clones
from sqlstore.config import resolve
from sqlstore.dialects import cloned_database, dialect_class, dialect_names, scratch_database
from sqlstore.store import Store, connect

__all__ = [
    "DIALECTS",
    "new_database",
    "sqlstore_async_store",
    "sqlstore_blank_url",
    "sqlstore_config",
    "sqlstore_dialect",
    "sqlstore_existing_store",
    "sqlstore_existing_url",
    "sqlstore_postgres_server",
    "sqlstore_server",
    "sqlstore_store",
    "sqlstore_url",
    "worker_prefix",
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


def worker_prefix(prefix: str) -> str:
    """``prefix`` with the pytest-xdist worker's id (``prefix_gw0``), or as is outside xdist.

    A database a test makes by name starts with it, so that two workers'
    databases never collide and each is known by the worker that made it.
    """
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    return f"{prefix}_{worker}" if worker.isidentifier() else prefix


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
        import testcontainers  # noqa: F401
    except ImportError:
        _unavailable(
            cls.env_name,
            f"no {dialect} server: {variable} is not set and testcontainers is not installed "
            "(pip install 'testcontainers[postgres]' to have one started in Docker)",
        )
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
    sqlstore_server: Callable[[str], str], sqlstore_config: dict[str, Any]
) -> Iterator[Callable[[str], str]]:
    """``template(dialect)``: the URL of a database migrated once per run, to copy for each test."""
    with ExitStack() as stack:
        made: dict[str, str] = {}

        def template(dialect: str) -> str:
            if dialect not in made:
                url = stack.enter_context(
                    scratch_database(
                        sqlstore_server(dialect), prefix=worker_prefix("sqlstore_template")
                    )
                )
                # Closed once migrated: a copy needs no session on its template
                # (PostgreSQL), and no change left in the WAL (SQLite).
                with connect(url, **sqlstore_config) as store:
                    store.migrate()
                made[dialect] = url
            return made[dialect]

        yield template


def new_database(template_url: str, stack: ExitStack) -> str:
    """The URL of a new database copied from a migrated template, dropped when ``stack`` closes.

    What every per-test fixture calls (``sqlstore_url``, and the async ones):
    ``CREATE DATABASE ... TEMPLATE`` on PostgreSQL, a copy of the file on
    SQLite. The copy holds what the migrations wrote, their seed rows too.
    """
    return stack.enter_context(cloned_database(template_url, worker_prefix("sqlstore_test")))


@pytest.fixture(scope="session")
def _sqlstore_clones(
    _sqlstore_templates: Callable[[str], str],
) -> Iterator[Callable[[str], Clones]]:
    """``clones(dialect)``: that dialect's copies of its template (``_testing_clones``)."""
    made: dict[str, Clones] = {}

    def clones(dialect: str) -> Clones:
        if dialect not in made:
            template = _sqlstore_templates(dialect)
            recycler = dialect_class(dialect).copy_recycler(resolve(template))
            made[dialect] = Clones(template, new_database, recycler)
        return made[dialect]

    try:
        yield clones
    finally:
        with ExitStack() as stack:
            for each in made.values():
                stack.callback(each.close)


@pytest.fixture
def sqlstore_url(sqlstore_dialect: str, _sqlstore_clones: Callable[[str], Clones]) -> Iterator[str]:
    """The URL of this test's own migrated database, password included (for subprocesses)."""
    clones = _sqlstore_clones(sqlstore_dialect)
    copy = clones.take()
    try:
        yield copy[0]
    finally:
        clones.give_back(copy)


@pytest.fixture
def sqlstore_store(sqlstore_url: str, sqlstore_config: dict[str, Any]) -> Iterator[Store]:
    """A store on this test's own migrated database (a copy of the run's template)."""
    with connect(sqlstore_url, **sqlstore_config) as store:
        yield store


@pytest.fixture(scope="session")
def sqlstore_existing_url() -> str:
    """The URL of a database the tests may use but not create; override, or set the variable.

    From ``SQLSTORE_TEST_EXISTING_URL``; without it the tests that use it skip
    (fail, with ``SQLSTORE_REQUIRE_EXISTING=1``).
    """
    url = os.environ.get("SQLSTORE_TEST_EXISTING_URL")
    if not url:
        _unavailable("EXISTING", "no existing database: SQLSTORE_TEST_EXISTING_URL is not set")
    return url


@pytest.fixture(scope="session")
def _sqlstore_existing(
    sqlstore_existing_url: str, sqlstore_config: dict[str, Any]
) -> Iterator[Store]:
    with connect(sqlstore_existing_url, **sqlstore_config) as store:
        yield store


@pytest.fixture
def sqlstore_existing_store(_sqlstore_existing: Store) -> Store:
    """The existing database, its migrations rolled back and applied again before each test.

    For an app whose tests get one database and may create none: every
    test starts from the migrated schema with the migrations' seed rows,
    and whatever the database held before the test is dropped with it.
    """
    _sqlstore_existing.reset()
    return _sqlstore_existing


@pytest.fixture
def sqlstore_blank_url(
    sqlstore_dialect: str, sqlstore_server: Callable[[str], str]
) -> Iterator[str]:
    """The URL of a new database with no migrations applied, private to this test."""
    server = sqlstore_server(sqlstore_dialect)
    with scratch_database(server, prefix=worker_prefix("sqlstore_test")) as url:
        yield url
