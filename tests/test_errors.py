"""Every error of the tree, raised on both dialects, with the driver error chained."""

from __future__ import annotations

import os
import re
import secrets
import shutil
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NoReturn

import pytest

from sqlstore import Json, Store, connect
from sqlstore.dao import GenerationDAO
from sqlstore.errors import (
    AlreadyExists,
    ConcurrencyError,
    DatabaseUnavailable,
    DataError,
    ForeignKeyError,
    IntegrityError,
    MigrationError,
    QueryError,
    SqlstoreError,
)
from tests.factories import new_generation, raw_generation
from tests.helpers import scratch_database, session_held_elsewhere, with_query


def _count(store: Store) -> int:
    with store.session() as session:
        return GenerationDAO(session).count()


def test_unique_violation_is_already_exists(store: Store) -> None:
    gen = new_generation()
    with store.session() as session:
        GenerationDAO(session).create(gen)
    with pytest.raises(AlreadyExists) as info, store.session() as session:
        GenerationDAO(session).create(gen)
    assert info.value.query == "generations.generations.insert"
    assert "insert.sql" in str(info.value)
    assert info.value.__cause__ is not None
    assert _count(store) == 1


def test_foreign_key_violation(store: Store) -> None:
    with pytest.raises(ForeignKeyError) as info, store.session() as session:
        session.execute("notes.add", generation_id=uuid.uuid4(), body="orphan")
    assert info.value.query == "notes.add" and info.value.__cause__ is not None
    with store.session() as session:
        assert session.fetch_value("notes.count") == 0


def test_check_violation_is_integrity_error(store: Store) -> None:
    with pytest.raises(IntegrityError) as info, store.session() as session:
        session.execute("notes.raw_generation", **raw_generation(channels=3))
    assert type(info.value) is IntegrityError
    assert _count(store) == 0


def test_json_check_violation_is_integrity_error(store: Store) -> None:
    with pytest.raises(IntegrityError), store.session() as session:
        session.execute("notes.raw_generation", **raw_generation(metadata=Json([1, 2])))
    assert _count(store) == 0


def test_wrong_value_type_is_data_error(store: Store) -> None:
    with pytest.raises(DataError) as info, store.session() as session:
        session.execute("notes.raw_generation", **raw_generation(duration_seconds="long"))
    assert info.value.__cause__ is not None
    assert _count(store) == 0


def test_out_of_range_integer_is_data_error(store: Store) -> None:
    with pytest.raises(DataError), store.session() as session:
        session.execute("notes.raw_generation", **raw_generation(channels=2**70))


def test_unknown_column_is_query_error_naming_the_file(store: Store) -> None:
    with pytest.raises(QueryError) as info, store.session() as session:
        session.fetch_all("notes.broken_column")
    assert "broken_column.sql" in str(info.value)


@pytest.mark.sqlite_only
def test_sqlite_write_lock_timeout_is_concurrency_error(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'busy.db'}?busy_timeout=0.1"
    with connect(url) as store:
        store.migrate()
        with session_held_elsewhere(store):
            with pytest.raises(ConcurrencyError), store.session():
                pass


@pytest.mark.postgresql_only
def test_postgresql_statement_timeout_is_concurrency_error(sqlstore_url: str) -> None:
    from tests.helpers import APP

    with connect(
        with_query(sqlstore_url, "statement_timeout=0.2"), sql_dirs=[APP / "sql"]
    ) as store:
        with pytest.raises(ConcurrencyError), store.session() as session:
            session.fetch_all("notes.sleep", seconds=2)


@pytest.mark.postgresql_only
def test_postgresql_lost_connection_is_unavailable_then_recovers(sqlstore_url: str) -> None:
    with connect(sqlstore_url) as store, connect(sqlstore_url) as admin:
        with pytest.raises(DatabaseUnavailable), store.session() as session:
            pid = session.fetch_value("catalog.backend_pid")
            with admin.session() as other:
                other.fetch_value("catalog.terminate_backend", pid=pid)
            GenerationDAO(session).count()
        with store.session() as session:
            assert GenerationDAO(session).count() == 0


@pytest.mark.sqlite_only
def test_sqlite_file_that_is_not_a_database_is_unavailable(tmp_path: Path) -> None:
    path = tmp_path / "garbage.db"
    with connect(f"sqlite:///{path}") as store:
        store.migrate()
        path.write_bytes(b"this is not a database" * 1000)
        with pytest.raises(DatabaseUnavailable), store.session() as session:
            GenerationDAO(session).count()


def test_broken_migration_is_migration_error(sqlstore_blank_url: str, tmp_path: Path) -> None:
    dialect = "sqlite" if sqlstore_blank_url.startswith("sqlite") else "postgresql"
    folder = tmp_path / "migrations" / dialect
    folder.mkdir(parents=True)
    (folder / f"0001_broken.{dialect}.sql").write_text("-- broken\nCREATE TABLE (;\n")
    (folder / f"0001_broken.{dialect}.rollback.sql").write_text("SELECT 1;\n")
    with connect(sqlstore_blank_url, migration_dirs=[tmp_path / "migrations"]) as store:
        with pytest.raises(MigrationError):
            store.migrate()


def test_every_error_is_a_sqlstore_error() -> None:
    for cls in (
        AlreadyExists,
        ConcurrencyError,
        DataError,
        ForeignKeyError,
        MigrationError,
        QueryError,
        DatabaseUnavailable,
    ):
        assert issubclass(cls, SqlstoreError)


# Disk full: DatabaseUnavailable naming the query and saying "disk full", on both.
# SQLite is capped at its current size (PRAGMA max_page_count); PostgreSQL's notes
# table is moved to a tablespace on a 1 MiB tmpfs. Before, SQLite said QueryError
# and PostgreSQL DatabaseUnavailable, and neither said the disk was full.

_NO_MORE_SPACE = {
    # SQLite never lowers the cap below the file's size: 1 means "as it is now".
    "sqlite": "-- Cap the database at its current size.\nPRAGMA max_page_count = 1;\n",
    "postgresql": "-- Notes on the tiny disk.\nALTER TABLE notes SET TABLESPACE {tablespace};\n",
}


def _psql(server: str, sql: str) -> str:
    done = subprocess.run(
        ["psql", server, "-v", "ON_ERROR_STOP=1", "-Atc", sql],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return done.stdout.strip()


@contextmanager
def _tiny_tablespace(server: str) -> Iterator[str]:
    """A tablespace on a 1 MiB tmpfs, on this machine's PostgreSQL server (needs root)."""
    if os.geteuid() != 0 or shutil.which("psql") is None:
        _unavailable("a full disk needs root (to mount a tmpfs) and psql")
    data = Path(_psql(server, "SHOW data_directory"))
    if not data.is_dir():
        _unavailable(f"the PostgreSQL server's data directory {data} is not on this machine")
    folder = Path(tempfile.mkdtemp(prefix="sqlstore-tiny-"))
    folder.chmod(0o755)
    space = folder / "space"
    space.mkdir()
    name = f"sqlstore_tiny_{secrets.token_hex(4)}"
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(space)], check=True)
    try:
        os.chown(space, data.stat().st_uid, data.stat().st_gid)
        _psql(server, f"CREATE TABLESPACE {name} LOCATION '{space}'")
        try:
            yield name
        finally:
            _psql(server, f"DROP TABLESPACE IF EXISTS {name}")
    finally:
        subprocess.run(["umount", str(space)], check=True)
        shutil.rmtree(folder)


def _unavailable(reason: str) -> NoReturn:
    if os.environ.get("SQLSTORE_REQUIRE_POSTGRES") == "1":
        pytest.fail(f"SQLSTORE_REQUIRE_POSTGRES=1 but {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture
def cramped_url(
    sqlstore_dialect: str, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[tuple[str, Path]]:
    """A migrated database whose disk fills up after ``limits.no_more_space``; its SQL folder."""
    sql = tmp_path / "sql" / "limits"
    sql.mkdir(parents=True)
    if sqlstore_dialect == "sqlite":
        (sql / "no_more_space.sqlite.sql").write_text(_NO_MORE_SPACE["sqlite"])
        yield f"sqlite:///{tmp_path / 'full.db'}", tmp_path / "sql"
        return
    server = request.getfixturevalue("sqlstore_postgres_server")
    with _tiny_tablespace(server) as tablespace, scratch_database(server) as url:
        text = _NO_MORE_SPACE["postgresql"].format(tablespace=tablespace)
        (sql / "no_more_space.postgresql.sql").write_text(text)
        yield url, tmp_path / "sql"


def test_a_full_disk_names_the_query_and_says_disk_full(cramped_url: tuple[str, Path]) -> None:
    from tests.helpers import APP

    url, limits = cramped_url
    with connect(url, sql_dirs=[APP / "sql", limits], migration_dirs=[APP / "migrations"]) as store:
        store.migrate()
        gen = new_generation()

        def add_note() -> None:
            body = secrets.token_hex(32 * 1024)  # 64 KiB that compress poorly
            with store.session() as session:
                session.execute("notes.add", generation_id=gen.id, body=body)

        with store.session() as session:
            GenerationDAO(session).create(gen)
        for _ in range(3):
            add_note()
        acknowledged = 3
        with store.session() as session:
            session.execute("limits.no_more_space")
        with pytest.raises(DatabaseUnavailable) as info:
            for _ in range(200):
                add_note()
                acknowledged += 1
        assert info.value.query == "notes.add"
        assert "disk full" in str(info.value)
        assert "notes/add.sql" in str(info.value)
        with store.session() as session:
            assert session.fetch_value("notes.count") == acknowledged
            assert GenerationDAO(session).get(gen.id) is not None


def test_postgresql_disk_full_sqlstate_maps_to_unavailable() -> None:
    """The mapping alone, on a constructed psycopg error of SQLSTATE 53100 (disk_full)."""
    import psycopg.errors

    from sqlstore.dialects._pg_errors import raise_mapped as _raise_mapped

    disk_full = psycopg.errors.lookup("53100")
    with pytest.raises(DatabaseUnavailable, match=r"^disk full: could not extend file"):
        _raise_mapped(disk_full('could not extend file "base/1/2": No space left on device'), None)


# An exhausted pool and a server that is down: two different messages. Both said
# "couldn't get a connection after N sec" (DatabaseUnavailable).


@pytest.mark.postgresql_only
def test_an_exhausted_pool_says_so_with_its_size_and_wait(sqlstore_url: str) -> None:
    """ConcurrencyError: the server is fine, the app holds every connection (SQLite has no pool)."""
    tuned = f"{sqlstore_url}{'&' if '?' in sqlstore_url else '?'}"
    with connect(f"{tuned}pool_size=1&max_overflow=0&connect_timeout=1") as store:
        with session_held_elsewhere(store):
            with pytest.raises(ConcurrencyError) as info, store.session():
                pass
        message = str(info.value)
        assert "pool is exhausted" in message
        assert "all 1 connections" in message
        assert re.search(r"in use for \d+\.\d s", message)
        assert "unreachable" not in message
        with store.session() as session:  # and it lends again once one is back
            assert GenerationDAO(session).count() == 0


@pytest.mark.postgresql_only
def test_a_server_that_is_down_says_unreachable_then_recovers(sqlstore_url: str) -> None:
    """The store reaches its server through a proxy; the proxy stops as a server would."""
    from sqlstore.config import resolve
    from tests.proxy import proxy

    url = resolve(sqlstore_url).url
    with proxy((url.host or "127.0.0.1", url.port or 5432)) as server:
        through = url.render(hide_password=False).replace(
            f"{url.host}:{url.port or 5432}", f"127.0.0.1:{server.port}", 1
        )
        with connect(f"{through}{'&' if '?' in through else '?'}connect_timeout=1") as store:
            gen = new_generation()
            with store.session() as session:
                GenerationDAO(session).create(gen)
            server.stop()
            with pytest.raises(DatabaseUnavailable) as info:
                with store.session() as session:
                    GenerationDAO(session).count()
            message = str(info.value)
            assert "server is unreachable" in message
            assert "Connection refused" in message
            assert "exhausted" not in message
            server.start()
            for _ in range(50):  # the pool reconnects in the background
                try:
                    with store.session() as session:
                        assert GenerationDAO(session).get(gen.id) is not None
                    break
                except DatabaseUnavailable:
                    time.sleep(0.1)
            else:
                pytest.fail("the store did not reconnect")
