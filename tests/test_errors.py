"""Every error of the tree, raised on both dialects, with the driver error chained."""

from __future__ import annotations

import threading
import uuid
from pathlib import Path

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
from sqlstore.types import utcnow
from tests.factories import new_generation


def _raw(**overrides: object) -> dict[str, object]:
    fields: dict[str, object] = {
        "id": uuid.uuid4(),
        "duration_seconds": 1.0,
        "channels": 2,
        "metadata": {},
        "created_at": utcnow(),
    }
    fields.update(overrides)
    return fields


def _count(store: Store) -> int:
    with store.session() as session:
        return GenerationDAO(session).count()


def test_unique_violation_is_already_exists(store: Store) -> None:
    gen = new_generation()
    with store.session() as session:
        GenerationDAO(session).create(gen)
    with pytest.raises(AlreadyExists) as info, store.session() as session:
        GenerationDAO(session).create(gen)
    assert info.value.query == "generations.insert"
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
        session.execute("notes.raw_generation", **_raw(channels=3))
    assert type(info.value) is IntegrityError
    assert _count(store) == 0


def test_json_check_violation_is_integrity_error(store: Store) -> None:
    with pytest.raises(IntegrityError), store.session() as session:
        session.execute("notes.raw_generation", **_raw(metadata=Json([1, 2])))
    assert _count(store) == 0


def test_wrong_value_type_is_data_error(store: Store) -> None:
    with pytest.raises(DataError) as info, store.session() as session:
        session.execute("notes.raw_generation", **_raw(duration_seconds="long"))
    assert info.value.__cause__ is not None
    assert _count(store) == 0


def test_out_of_range_integer_is_data_error(store: Store) -> None:
    with pytest.raises(DataError), store.session() as session:
        session.execute("notes.raw_generation", **_raw(channels=2**70))


def test_unknown_column_is_query_error_naming_the_file(store: Store) -> None:
    with pytest.raises(QueryError) as info, store.session() as session:
        session.fetch_all("notes.broken_column")
    assert "broken_column.sql" in str(info.value)


@pytest.mark.sqlite_only
def test_sqlite_write_lock_timeout_is_concurrency_error(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'busy.db'}?busy_timeout=0.1"
    with connect(url) as store:
        store.migrate()
        holding, release = threading.Event(), threading.Event()

        def hold_lock() -> None:
            with store.session():
                holding.set()
                release.wait(5)

        worker = threading.Thread(target=hold_lock)
        worker.start()
        holding.wait(5)
        try:
            with pytest.raises(ConcurrencyError), store.session():
                pass
        finally:
            release.set()
            worker.join()


@pytest.mark.postgresql_only
def test_postgresql_statement_timeout_is_concurrency_error(sqlstore_url: str) -> None:
    from tests.conftest import APP

    with connect(f"{sqlstore_url}?statement_timeout=0.2", sql_dirs=[APP / "sql"]) as store:
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
