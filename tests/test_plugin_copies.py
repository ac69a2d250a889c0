"""The plugin's per-test copies: a reused copy is a new copy in every way a test can see.

A copy a test is done with is reset (``sqlstore/dialects/_pg_recycle.py``)
for the next test when its schema is still the template's, and dropped
otherwise. Here a template is migrated, copies are made, written to and
reset, and each is compared with a new copy of the same template: the rows
of every table, every sequence's next value, the planner's page and row
counts, and the catalog. Whatever the reset cannot undo makes it refuse.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from typing import Any

import psycopg
import pytest

from sqlstore import connect
from sqlstore.config import resolve
from sqlstore.dao import GenerationDAO, TaskDAO
from sqlstore.dialects import cloned_database, dialect_class
from sqlstore.dialects._recycle import CopyRecycler
from sqlstore.models import TaskCreate
from sqlstore.testing import worker_prefix
from tests.factories import new_generation
from tests.helpers import APP, scratch_database

CONFIG: dict[str, Any] = {"sql_dirs": [APP / "sql"], "migration_dirs": [APP / "migrations"]}

_TABLES = """
SELECT c.oid::regclass::text FROM pg_class AS c JOIN pg_namespace AS n ON n.oid = c.relnamespace
WHERE n.nspname = 'public' AND c.relkind = 'r' ORDER BY 1
"""
_SEQUENCES = "SELECT c.oid::regclass::text FROM pg_class AS c WHERE c.relkind = 'S' ORDER BY 1"
_SIZES = """
SELECT c.relname, c.relpages, c.reltuples, c.relallvisible,
    pg_relation_size(c.oid) FROM pg_class AS c
JOIN pg_namespace AS n ON n.oid = c.relnamespace WHERE n.nspname = 'public' ORDER BY 1
"""


def _state(url: str) -> dict[str, Any]:
    """What a test can see of a database: rows in scan order, next ids, sizes, the catalog."""
    with psycopg.connect(url, autocommit=True) as conn:
        tables = [r[0] for r in conn.execute(_TABLES)]
        rows = {t: conn.execute(f"SELECT * FROM {t}").fetchall() for t in tables}
        with conn.transaction(force_rollback=True):
            nexts = {
                s: conn.execute("SELECT nextval(%s)", [s]).fetchone()
                for s in (r[0] for r in conn.execute(_SEQUENCES))
            }
        sizes = conn.execute(_SIZES).fetchall()
        catalog = conn.execute(
            "SELECT count(*), sum(hashtextextended(a::text, 0)) FROM pg_attribute AS a"
        ).fetchone()
        stats = conn.execute("SELECT count(*) FROM pg_stats WHERE schemaname = 'public'").fetchone()
    return {"rows": rows, "nexts": nexts, "sizes": sizes, "catalog": catalog, "stats": stats}


@pytest.fixture(scope="module")
def template(sqlstore_postgres_server: str) -> Iterator[tuple[str, CopyRecycler]]:
    """A migrated template (the test app's tables too) and its recycler."""
    with scratch_database(sqlstore_postgres_server, prefix="sqlstore_template") as url:
        with connect(url, **CONFIG) as store:
            store.migrate()
        recycler = dialect_class("postgresql").copy_recycler(resolve(url))
        assert recycler is not None, "a superuser gets a recycler"
        yield url, recycler


@pytest.fixture
def copy(template: tuple[str, CopyRecycler]) -> Iterator[Callable[[], str]]:
    """``copy()``: a new copy of the template, dropped after the test."""
    with ExitStack() as stack:
        yield lambda: stack.enter_context(
            cloned_database(template[0], worker_prefix("sqlstore_test"))
        )


def _write(url: str) -> None:
    """Rows in several tables, a seed row of yoyo's changed, sequences advanced."""
    with connect(url, **CONFIG) as store, store.session() as session:
        dao = GenerationDAO(session)
        done = dao.create(new_generation(prompt="used"))
        dao.create_many(new_generation(prompt=f"p{i}") for i in range(300))
        session.execute("notes.add", generation_id=done.id, body="a note")
        TaskDAO(session).add_many(TaskCreate(endpoint="/x") for _ in range(20))
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("UPDATE _yoyo_version SET installed_at_utc = now()")


@pytest.mark.postgresql_only
def test_a_reset_copy_is_a_new_copy(
    template: tuple[str, CopyRecycler], copy: Callable[[], str]
) -> None:
    _, recycler = template
    new, used = copy(), copy()
    fresh = _state(new)
    since = recycler.since
    for _ in range(2):  # a copy reset once is reset again alike
        _write(used)
        assert _state(used) != fresh
        left_open = psycopg.connect(used)  # a session the test left: ended by the reset
        left_open.execute("SELECT 1")
        after = recycler.reset(used, since)
        assert after is not None
        assert _is_gone(left_open)
        left_open.close()
        assert _state(used) == fresh
        since = after
    # An untouched copy is reset too, and stays like new.
    assert recycler.reset(new, recycler.since) is not None
    assert _state(new) == fresh


def _is_gone(conn: psycopg.Connection[Any]) -> bool:
    try:
        conn.execute("SELECT 1")
    except psycopg.OperationalError:
        return True
    return False


CHANGES = {
    "a new table": "CREATE TABLE extra (id int)",
    "a new column": "ALTER TABLE tasks ADD COLUMN extra int",
    "a dropped index": "DROP INDEX ix_tasks_status",
    "a dropped table": "DROP TABLE notes",
    "a function": "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1'",
    "statistics": "ANALYZE tasks",
    "a comment": "COMMENT ON TABLE tasks IS 'x'",
    "a grant": "GRANT SELECT ON tasks TO PUBLIC",
    "a database setting": "DO $$ BEGIN EXECUTE format("
    "'ALTER DATABASE %I SET work_mem = ''8MB''', current_database()); END $$",
    "a connection limit": "DO $$ BEGIN EXECUTE format("
    "'ALTER DATABASE %I CONNECTION LIMIT 50', current_database()); END $$",
}


@pytest.mark.postgresql_only
@pytest.mark.parametrize("change", sorted(CHANGES))
def test_a_copy_whose_schema_changed_is_not_reused(
    change: str, template: tuple[str, CopyRecycler], copy: Callable[[], str]
) -> None:
    _, recycler = template
    used = copy()
    _write(used)
    with psycopg.connect(used, autocommit=True) as conn:
        conn.execute(CHANGES[change])
    assert recycler.reset(used, recycler.since) is None


@pytest.mark.postgresql_only
def test_a_migration_rolled_back_and_applied_again_is_not_reused(
    template: tuple[str, CopyRecycler], copy: Callable[[], str]
) -> None:
    # The same schema in the end, but made again: new catalog rows.
    _, recycler = template
    used = copy()
    with connect(used, **CONFIG) as store:
        store.reset()
    assert recycler.reset(used, recycler.since) is None


def test_sqlite_copies_are_new_files_each_time() -> None:
    # A file copy costs less than a reset would: SQLite has no recycler.
    assert dialect_class("sqlite").copy_recycler(resolve("sqlite:///x.db")) is None
