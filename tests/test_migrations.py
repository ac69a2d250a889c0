"""Migrations: round trips, status, schema parity and the stock yoyo command."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

from sqlstore import Store, connect
from sqlstore.paths import builtin_dir
from tests.conftest import APP


def _schema(store: Store) -> dict[str, Any]:
    with store.session(readonly=True) as session:
        return {
            "tables": [r["table_name"] for r in session.fetch_all("catalog.tables")],
            "columns": [
                (r["table_name"], r["column_name"], bool(r["not_null"]))
                for r in session.fetch_all("catalog.columns")
            ],
            "indexes": [
                (r["table_name"], r["index_name"]) for r in session.fetch_all("catalog.indexes")
            ],
        }


def test_migrate_rollback_migrate_round_trip(sqlstore_blank_url: str) -> None:
    with connect(sqlstore_blank_url, migration_dirs=[APP / "migrations"]) as store:
        applied = store.migrate()
        assert len(applied) >= 2 and store.migrate() == []
        migrated = _schema(store)
        assert "generations" in migrated["tables"] and "notes" in migrated["tables"]
        assert all(s.applied and s.applied_at for s in store.migration_status())
        rolled = store.rollback(steps=None)
        assert rolled[0].startswith("0001_notes")  # dependants go first
        assert _schema(store)["tables"] == []
        assert not any(s.applied for s in store.migration_status())
        assert store.migrate() == applied
        assert _schema(store) == migrated


def test_rollback_one_step(sqlstore_blank_url: str) -> None:
    with connect(sqlstore_blank_url, migration_dirs=[APP / "migrations"]) as store:
        store.migrate()
        assert len(store.rollback()) == 1
        assert [s.applied for s in store.migration_status()].count(False) == 1


def test_schema_parity_between_dialects(tmp_path: Path, sqlstore_postgres_server: str) -> None:
    from sqlstore.dialects import scratch_database

    with scratch_database(sqlstore_postgres_server) as pg_url:
        with connect(pg_url) as pg, connect(f"sqlite:///{tmp_path / 'p.db'}") as lite:
            pg.migrate()
            lite.migrate()
            assert _schema(lite) == _schema(pg)
            assert _schema(lite)["tables"]


def test_every_migration_has_a_rollback_and_versions_match() -> None:
    root = builtin_dir("migrations")
    versions = {}
    for dialect in ("sqlite", "postgresql"):
        forward = sorted(p for p in (root / dialect).glob("*.sql") if ".rollback." not in p.name)
        for path in forward:
            assert path.name.endswith(f".{dialect}.sql"), path
            assert path.with_suffix(".rollback.sql").exists(), path
        versions[dialect] = [p.name.split(".")[0] for p in forward]
    assert versions["sqlite"] == versions["postgresql"]


def test_stock_yoyo_applies_a_folder(sqlstore_blank_url: str) -> None:
    dialect = "sqlite" if sqlstore_blank_url.startswith("sqlite") else "postgresql"
    with connect(sqlstore_blank_url) as store:
        yoyo_url = store.dialect.yoyo_url()
    yoyo = Path(sys.executable).with_name("yoyo")
    folder = builtin_dir("migrations") / dialect
    subprocess.run(
        [str(yoyo), "apply", "--batch", "--database", yoyo_url, str(folder)],
        check=True,
        capture_output=True,
    )
    with connect(sqlstore_blank_url) as store:
        assert store.migrate() == []
        assert "generations" in _schema(store)["tables"]
