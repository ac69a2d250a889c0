"""Migrations say what they did: empty, changed and depended-on migrations, folders, old locks.

Found 5: ``sqlstore new`` then ``migrate`` recorded the untouched template as
applied, and SQL written into it afterwards never ran.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from sqlstore import connect
from sqlstore.errors import MigrationError, QueryError
from sqlstore.migrate import RECORD_TABLE
from sqlstore.paths import builtin_dir
from sqlstore.types import utcnow
from tests.helpers import APP, Result, builtin_migrations, invoke, one_line_error
from tests.migration_faults import (  # noqa: F401  (the *_fixture and module_dialect fixtures)
    FAULT_SQL,
    applied_ids,
    blank_url_fixture,
    dialect_of,
    module_dialect,
    records,
    schema,
    server_database_fixture,
    stock_yoyo,
)

APP_DIRS = (APP / "migrations",)

TABLE = {
    "sqlite": "CREATE TABLE labels (id INTEGER PRIMARY KEY NOT NULL, name TEXT NOT NULL) STRICT;\n",
    "postgresql": "CREATE TABLE labels (id BIGINT PRIMARY KEY, name TEXT NOT NULL);\n",
}


def _folder(tmp_path: Path, dialect: str, name: str, forward: str, back: str) -> Path:
    """An app migration folder with one migration ``0001_<name>`` depending on the built-ins."""
    root = tmp_path / f"{name}_migrations"
    folder = root / dialect
    folder.mkdir(parents=True)
    (folder / f"0001_{name}.{dialect}.sql").write_text(
        f"-- The {name} migration.\n-- depends: 0001_generations.{dialect}\n{forward}"
    )
    (folder / f"0001_{name}.{dialect}.rollback.sql").write_text(f"-- Undo it.\n{back}")
    return root


def _cli(url: str, *args: str, dirs: tuple[Path, ...] = ()) -> Result:
    base = ["--database", url]
    for d in dirs:
        base += ["--migration-dir", str(d)]
    return invoke(*base, *args)


# Found 5 and empty migrations ------------------------------------------------------------


def test_new_then_migrate_refuses_the_untouched_template(blank_url: str, tmp_path: Path) -> None:
    dialect = dialect_of(blank_url)
    app = tmp_path / "app_migrations"
    assert invoke("new", "labels", "--dir", str(app)).code == 0
    forward = app / dialect / f"0001_labels.{dialect}.sql"

    refused = _cli(blank_url, "migrate", dirs=(app,))
    line = one_line_error(refused)
    assert str(forward) in line and "holds no SQL statement" in line
    # Nothing of the run is applied, not even the built-in migrations before it.
    status = _cli(blank_url, "status", dirs=(app,))
    pending = len(builtin_migrations(dialect)) + 1
    assert status.code == 0 and status.out.splitlines()[-1] == f"0 applied, {pending} pending"

    # The SQL written afterwards runs: the template was never recorded.
    forward.write_text(forward.read_text() + TABLE[dialect])
    rollback = app / dialect / f"0001_labels.{dialect}.rollback.sql"
    rollback.write_text(rollback.read_text() + "DROP TABLE labels;\n")
    migrated = _cli(blank_url, "migrate", dirs=(app,))
    assert migrated.code == 0 and f"applied 0001_labels.{dialect}" in migrated.out
    with connect(blank_url, migration_dirs=[app]) as store:
        assert "labels" in schema(store)["tables"]


def test_a_migration_of_comments_only_is_refused(blank_url: str, tmp_path: Path) -> None:
    dialect = dialect_of(blank_url)
    app = _folder(tmp_path, dialect, "empty", "-- TODO: the SQL\n\n-- more notes\n", "SELECT 1;\n")
    with connect(blank_url, migration_dirs=[app]) as store:
        with pytest.raises(MigrationError, match=r"0001_empty\.\w+\.sql holds no SQL statement"):
            store.migrate()
        assert applied_ids(store) == set()
        assert schema(store)["tables"] == []


# Atomic on failure, and SQLite DDL is transactional on this path -------------------------


def test_a_failing_migration_leaves_nothing_of_itself(blank_url: str, tmp_path: Path) -> None:
    dialect = dialect_of(blank_url)
    app = _folder(
        tmp_path, dialect, "broken", TABLE[dialect] + "CREATE TABLE broken (;\n", "SELECT 1;\n"
    )
    with connect(blank_url, sql_dirs=[FAULT_SQL], migration_dirs=[app]) as store:
        with pytest.raises(MigrationError) as info:
            store.migrate()
        message = str(info.value)
        assert f"applying 0001_broken.{dialect} failed, nothing of it was committed" in message
        assert "\n" not in message
        # Its first statement (CREATE TABLE labels) went with it; what ran before stays.
        assert "labels" not in schema(store)["tables"]
        assert f"0001_generations.{dialect}" in applied_ids(store)
        assert f"0001_broken.{dialect}" not in applied_ids(store)
        assert f"0001_broken.{dialect}" not in records(store)


# Checksums -------------------------------------------------------------------------------


def test_a_changed_migration_is_reported_and_refused(blank_url: str, tmp_path: Path) -> None:
    dialect = dialect_of(blank_url)
    app = _folder(tmp_path, dialect, "labels", TABLE[dialect], "DROP TABLE labels;\n")
    mid = f"0001_labels.{dialect}"
    forward = app / dialect / f"{mid}.sql"
    rollback = app / dialect / f"{mid}.rollback.sql"
    with connect(blank_url, sql_dirs=[FAULT_SQL], migration_dirs=[app]) as store:
        store.migrate()
        recorded = records(store)
        assert set(recorded) == applied_ids(store)
        assert len(set(recorded.values())) == len(builtin_migrations(dialect)) + 1
        assert not any(s.changed for s in store.migration_status())

        for path in (forward, rollback):
            original = path.read_text()
            path.write_text(original + "-- edited after it was applied\n")
            changed = [s.id for s in store.migration_status() if s.changed]
            assert changed == [mid]
            status = _cli(blank_url, "status", dirs=(app,))
            assert re.search(rf"^changed  {re.escape(mid)}  \d{{4}}-", status.out, re.M)
            assert status.out.rstrip().endswith(", 1 changed since applied")
            # A new pending migration waits: migrate applies nothing while one changed.
            later = app / dialect / f"0002_more.{dialect}.sql"
            later.write_text(f"-- depends: {mid}\nCREATE TABLE more_labels (id INTEGER);\n")
            (app / dialect / f"0002_more.{dialect}.rollback.sql").write_text(
                "DROP TABLE more_labels;\n"
            )
            with pytest.raises(MigrationError) as info:
                store.migrate()
            assert str(forward) in str(info.value) and "changed since" in str(info.value)
            assert "more_labels" not in schema(store)["tables"]
            assert str(forward) in one_line_error(_cli(blank_url, "migrate", dirs=(app,)))
            path.write_text(original)  # restored: fine again
            assert not any(s.changed for s in store.migration_status())
            later.unlink()
            (app / dialect / f"0002_more.{dialect}.rollback.sql").unlink()

        # An edit that changes nothing in the database is accepted, then it is the record.
        forward.write_text(forward.read_text() + "-- a comment for the DBA\n")
        accepted = _cli(blank_url, "accept-changed", mid, dirs=(app,))
        assert accepted.code == 0 and accepted.out.strip() == f"accepted {mid}"
        assert not any(s.changed for s in store.migration_status())
        assert records(store)[mid] != recorded[mid]
        assert store.migrate() == []
        unknown = _cli(blank_url, "accept-changed", "0009_nothing", dirs=(app,))
        assert "no migration '0009_nothing'" in one_line_error(unknown)


def test_a_database_migrated_before_checksums_gets_them(blank_url: str) -> None:
    """The stock yoyo command (or an older sqlstore) kept no checksums: migrate records them."""
    dialect = dialect_of(blank_url)
    stock_yoyo(blank_url, "apply", builtin_dir("migrations") / dialect)
    with connect(blank_url, sql_dirs=[FAULT_SQL]) as store:
        states = store.migration_status()
        assert all(s.applied and not s.changed for s in states)
        with pytest.raises(QueryError, match=RECORD_TABLE):
            records(store)
        assert store.migrate() == []
        assert set(records(store)) == {s.id for s in states}


def test_the_stock_yoyo_command_reads_what_sqlstore_applied(blank_url: str) -> None:
    dialect = dialect_of(blank_url)
    with connect(blank_url) as store:
        store.migrate()
        before = schema(store)
    folder = builtin_dir("migrations") / dialect
    listed = stock_yoyo(blank_url, "list", folder)
    assert re.findall(r"^A\s+(\S+)", listed, re.M) == builtin_migrations(dialect)
    stock_yoyo(blank_url, "apply", folder)
    with connect(blank_url) as store:
        assert schema(store) == before


# Rollback and dependants in other folders ------------------------------------------------


def test_rollback_refuses_what_another_folder_depends_on(blank_url: str) -> None:
    dialect = dialect_of(blank_url)
    with connect(blank_url, migration_dirs=APP_DIRS) as store:
        everything = store.migrate()
        before = schema(store)
    # The built-in folder alone does not know 0001_notes, but the database does.
    with connect(blank_url) as builtin_only:
        with pytest.raises(MigrationError) as info:
            builtin_only.rollback(None)
        message = str(info.value)
        assert f"cannot roll back 0001_generations.{dialect}: 0001_notes.{dialect}" in message
        assert str(APP / "migrations" / dialect) in message
        assert applied_ids(builtin_only) == set(everything)
        assert schema(builtin_only) == before
        line = one_line_error(_cli(blank_url, "rollback", "--all"))
        assert f"0001_notes.{dialect} (applied, from " in line
        # What nothing depends on still rolls back.
        assert builtin_only.rollback(1) == builtin_migrations(dialect)[-1:]
    with connect(blank_url, migration_dirs=APP_DIRS) as store:
        rolled = store.rollback(None)
        assert rolled[0] == f"0001_notes.{dialect}" and rolled[-1] == f"0001_generations.{dialect}"
        assert schema(store)["tables"] == []


def test_rollback_refuses_an_unknown_migration_it_cannot_vouch_for(blank_url: str) -> None:
    dialect = dialect_of(blank_url)
    with connect(blank_url) as store:
        store.migrate()
    # Applied by the stock yoyo command: sqlstore has no record of its dependencies.
    stock_yoyo(
        blank_url, "apply", builtin_dir("migrations") / dialect, APP / "migrations" / dialect
    )
    with connect(blank_url) as builtin_only:
        with pytest.raises(MigrationError, match=f"0001_notes.{dialect} is applied, its file"):
            builtin_only.rollback(None)
        assert f"0001_notes.{dialect}" in {s.id for s in builtin_only.migration_status()}


def test_rollback_refuses_a_rollback_file_without_statements(
    blank_url: str, tmp_path: Path
) -> None:
    dialect = dialect_of(blank_url)
    app = _folder(tmp_path, dialect, "labels", TABLE[dialect], "-- TODO\n")
    with connect(blank_url, migration_dirs=[app]) as store:
        store.migrate()
        with pytest.raises(MigrationError, match=r"0001_labels\.\w+\.rollback\.sql holds no SQL"):
            store.rollback()
        assert f"0001_labels.{dialect}" in applied_ids(store)
        assert "labels" in schema(store)["tables"]


# Status shows every folder ----------------------------------------------------------------


def test_status_shows_every_folder(blank_url: str, tmp_path: Path) -> None:
    dialect = dialect_of(blank_url)
    empty = tmp_path / "empty_app"
    (empty / dialect).mkdir(parents=True)
    with connect(blank_url, migration_dirs=[*APP_DIRS, empty]) as store:
        builtin, app, _ = store.migration_dirs
        states = store.migration_status()
        builtins = len(builtin_migrations(dialect))
        assert [s.folder for s in states] == [builtin] * builtins + [app]
        assert states[-1].id == f"0001_notes.{dialect}" and app == APP / "migrations" / dialect
        store.migrate()
        assert all(s.applied and s.folder for s in store.migration_status())
    status = _cli(blank_url, "status", dirs=(*APP_DIRS, empty))
    assert status.code == 0
    lines = status.out.splitlines()
    folders = [line for line in lines if line.startswith("folder ")]
    assert folders == [
        f"folder {builtin_dir('migrations') / dialect} (built-in): {builtins} migration(s)",
        f"folder {APP / 'migrations' / dialect}: 1 migration(s)",
        f"folder {empty / dialect}: 0 migration(s)",
    ]
    at = lines.index(folders[1])
    assert lines[at + 1].startswith(f"applied  0001_notes.{dialect}  ")
    # Seen without the app's folder, its migration is applied from a folder not given.
    alone = _cli(blank_url, "status")
    assert "applied, from no folder this store was given:" in alone.out
    assert re.search(rf"^applied  0001_notes\.{dialect}  \S+  \(from .*app", alone.out, re.M)


def test_status_on_a_new_database_writes_nothing(blank_url: str) -> None:
    builtins = builtin_migrations(dialect_of(blank_url))
    with connect(blank_url, sql_dirs=[FAULT_SQL]) as store:
        assert not any(s.applied for s in store.migration_status())
        assert store.migrator.lock_holder() is None
        # Not even yoyo's tables: the first migrate makes them, under the lock.
        with pytest.raises(QueryError, match="_yoyo_migration"), store.session() as session:
            session.fetch_value("faults.applied_count")
        store.migrate()
        with store.session() as session:
            assert session.fetch_value("faults.applied_count") == len(builtins)


# The old lock row ------------------------------------------------------------------------


def test_a_leftover_yoyo_lock_row_is_cleared_by_break_lock(blank_url: str) -> None:
    with connect(blank_url, sql_dirs=[FAULT_SQL]) as store:
        store.migrate()
        with store.session() as session:
            session.execute("faults.fake_yoyo_lock", ctime=utcnow(), pid=os.getpid() + 100000)
        store.migrator.lock_timeout = 0.2
        with pytest.raises(MigrationError, match="sqlstore break-lock"):
            store.migrate()
        cleared = _cli(blank_url, "break-lock")
        assert cleared.code == 0
        assert cleared.out.strip() == "migration lock cleared (1 yoyo lock row(s) removed)"
        assert store.migrate() == []
        assert _cli(blank_url, "break-lock").out.strip() == "migration lock cleared"
