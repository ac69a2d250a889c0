"""The plugin's async fixture, used the way an app with ``async def`` tests uses it."""

from __future__ import annotations

import os

import pytest

pytest_plugins = ["pytester"]

CONFTEST = """
from pathlib import Path

import pytest

HERE = Path(__file__).parent


@pytest.fixture(scope="session")
def sqlstore_config():
    return {"sql_dirs": [HERE / "sql"], "migration_dirs": []}


@pytest.fixture(scope="session")
def anyio_backend():
    return "asyncio"
"""

TESTS = """
import pytest

from sqlstore.aio import AsyncStore
from sqlstore.aio.dao import TaskDAO
from sqlstore.dao import TaskDAO as BlockingTaskDAO
from sqlstore.models import TaskCreate

pytestmark = pytest.mark.anyio


async def _add_and_count(store):
    async with store.session() as s:
        tasks = TaskDAO(s)
        before = (await tasks.count())["total"]
        await tasks.add(TaskCreate(endpoint="/transcribe"))
        return before, (await tasks.count())["total"]


# Two tests that each need an empty table: isolation whatever the order.
async def test_a_migrated_empty_async_store(sqlstore_async_store, sqlstore_dialect):
    assert isinstance(sqlstore_async_store, AsyncStore)
    assert sqlstore_async_store.settings.url.dialect == sqlstore_dialect
    assert await _add_and_count(sqlstore_async_store) == (0, 1)


async def test_a_migrated_empty_async_store_again(sqlstore_async_store):
    assert await _add_and_count(sqlstore_async_store) == (0, 1)


async def test_the_app_queries_are_there(sqlstore_async_store):
    async with sqlstore_async_store.session() as s:
        assert await s.fetch_value("app.answer") == 42


async def test_the_same_database_as_the_blocking_store(sqlstore_async_store, sqlstore_store):
    await _add_and_count(sqlstore_async_store)
    with sqlstore_store.session() as s:
        assert BlockingTaskDAO(s).count()["total"] == 1


@pytest.mark.sqlite_only
async def test_a_marker_picks_one_dialect(sqlstore_async_store):
    assert sqlstore_async_store.settings.url.dialect == "sqlite"
"""


@pytest.fixture
def app(pytester: pytest.Pytester) -> pytest.Pytester:
    """An app with async tests: its own query folder, the built-in migrations."""
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(test_app=TESTS)
    sql = pytester.path / "sql" / "app"
    sql.mkdir(parents=True)
    (sql / "answer.sql").write_text("-- The answer.\nSELECT 42 AS answer;\n")
    return pytester


def test_an_app_gets_a_migrated_isolated_async_store_on_both_dialects(
    app: pytest.Pytester,
) -> None:
    result = app.runpytest_subprocess("-p", "no:cacheprovider")
    # 4 tests on each dialect, and the sqlite_only one on SQLite alone.
    if os.environ.get("SQLSTORE_TEST_POSTGRES_URL"):
        result.assert_outcomes(passed=9, deselected=1)
    else:
        outcomes = result.parseoutcomes()
        assert outcomes.get("failed", 0) == 0 and outcomes["passed"] == 5, outcomes


def test_the_async_fixture_works_with_the_plugins_named(
    app: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Without entry points: the app names sqlstore's plugin and its async test runner.
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
    result = app.runpytest_subprocess(
        "-p", "sqlstore.testing", "-p", "anyio", "-p", "no:cacheprovider", "-k", "sqlite"
    )
    result.assert_outcomes(passed=5, deselected=5)
