"""Migrations: round trips, status, schema parity and the stock yoyo command."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlstore import Store, connect
from sqlstore.migration_check import definition_of, schema_of
from sqlstore.paths import builtin_dir
from tests.helpers import APP
from tests.migration_faults import stock_yoyo

ROOT = Path(__file__).resolve().parent.parent
#: Every app migration folder in the checkout: the test app's and the examples'.
APP_MIGRATIONS = [
    APP / "migrations",
    *sorted(p for p in (ROOT / "examples").glob("*/migrations") if p.is_dir()),
]


def _schema(store: Store) -> dict[str, Any]:
    # Tables, columns and indexes: the definition's text differs between dialects.
    found = schema_of(store)
    del found["definition"]
    return found


def _definition(store: Store) -> list[tuple[Any, ...]]:
    # Columns with types and defaults, constraints, indexes, triggers, views,
    # functions, types and sequences, as the database itself prints them.
    return definition_of(store)


def test_migrate_rollback_migrate_round_trip(sqlstore_blank_url: str) -> None:
    """Forward, back to zero and forward again leaves exactly the same schema."""
    with connect(sqlstore_blank_url, migration_dirs=APP_MIGRATIONS) as store:
        applied = store.migrate()
        assert len(applied) >= 2 and store.migrate() == []
        migrated, definition = _schema(store), _definition(store)
        assert "generations" in migrated["tables"] and "notes" in migrated["tables"]
        assert {kind for kind, *_ in definition} >= {
            "index",
            "table" if _sqlite(store) else "column",
        }
        assert all(s.applied and s.applied_at for s in store.migration_status())
        rolled = store.rollback(steps=None)
        assert sorted(rolled) == sorted(applied)
        assert rolled[-1].startswith("0001_generations")  # dependants go first
        assert rolled.index(f"0001_notes.{store.dialect.name}") < rolled.index(
            f"0001_generations.{store.dialect.name}"
        )
        assert _schema(store)["tables"] == []
        assert _definition(store) == []  # no function, type or sequence left behind
        assert not any(s.applied for s in store.migration_status())
        assert store.migrate() == applied
        assert _schema(store) == migrated
        assert _definition(store) == definition


def _sqlite(store: Store) -> bool:
    return store.dialect.name == "sqlite"


LEAKY = {
    # The rollback forgets the view (SQLite) or the sequence (PostgreSQL).
    "sqlite": "CREATE TABLE leaky (id INTEGER PRIMARY KEY NOT NULL) STRICT;\n"
    "CREATE VIEW leaky_ids AS SELECT id FROM leaky;\n",
    "postgresql": "CREATE TABLE leaky (id BIGINT PRIMARY KEY);\nCREATE SEQUENCE leaky_seq;\n",
}


def test_the_schema_comparison_sees_what_a_rollback_left_behind(
    sqlstore_blank_url: str, tmp_path: Path
) -> None:
    dialect = "sqlite" if sqlstore_blank_url.startswith("sqlite") else "postgresql"
    folder = tmp_path / dialect
    folder.mkdir()
    (folder / f"0001_leaky.{dialect}.sql").write_text(
        f"-- Leaks on rollback.\n-- depends: 0001_generations.{dialect}\n{LEAKY[dialect]}"
    )
    (folder / f"0001_leaky.{dialect}.rollback.sql").write_text("DROP TABLE leaky;\n")
    with connect(sqlstore_blank_url, migration_dirs=[tmp_path]) as store:
        store.migrate()
        store.rollback(steps=None)
        left = [(kind, name) for kind, _, _, name, _ in _definition(store)]
        assert (
            left == [("view", "leaky_ids")] if dialect == "sqlite" else [("sequence", "leaky_seq")]
        )


def test_rollback_one_step(sqlstore_blank_url: str) -> None:
    with connect(sqlstore_blank_url, migration_dirs=[APP / "migrations"]) as store:
        store.migrate()
        assert len(store.rollback()) == 1
        assert [s.applied for s in store.migration_status()].count(False) == 1


def test_schema_parity_between_dialects(tmp_path: Path, sqlstore_postgres_server: str) -> None:
    from tests.helpers import scratch_database

    with scratch_database(sqlstore_postgres_server) as pg_url:
        with connect(pg_url) as pg, connect(f"sqlite:///{tmp_path / 'p.db'}") as lite:
            pg.migrate()
            lite.migrate()
            assert _without_search(_schema(lite)) == _without_search(_schema(pg))
            assert _schema(lite)["tables"]


#: The tables with full-text search, which each dialect builds its own way.
SEARCHED = ("generations", "prompts", "transcripts")


def _without_search(found: dict[str, Any]) -> dict[str, Any]:
    """The schema less PostgreSQL's full-text columns and indexes.

    SQLite's FTS5 tables are not in the catalog's tables: each dialect builds
    search its own way, and tests/test_search.py checks both work alike.
    """
    columns = {(t, "search") for t in SEARCHED}
    # ix_transcripts_pairs: PostgreSQL's index of word pairs for phrases (0008).
    indexes = {(t, f"ix_{t}_search") for t in SEARCHED} | {("transcripts", "ix_transcripts_pairs")}
    have = columns & {tuple(c[:2]) for c in found["columns"]}
    assert have in (set(), columns)  # all three, or none
    return {
        **found,
        "columns": [c for c in found["columns"] if tuple(c[:2]) not in columns],
        "indexes": [i for i in found["indexes"] if tuple(i) not in indexes],
    }


def test_every_migration_has_a_rollback_and_versions_match() -> None:
    for root in (builtin_dir("migrations"), *APP_MIGRATIONS):
        versions = {}
        for dialect in ("sqlite", "postgresql"):
            forward = sorted(
                p for p in (root / dialect).glob("*.sql") if ".rollback." not in p.name
            )
            for path in forward:
                assert path.name.endswith(f".{dialect}.sql"), path
                assert path.with_suffix(".rollback.sql").exists(), path
            versions[dialect] = [p.name.split(".")[0] for p in forward]
        assert versions["sqlite"] == versions["postgresql"], root
        assert versions["sqlite"], root


def test_stock_yoyo_applies_a_folder(sqlstore_blank_url: str) -> None:
    dialect = "sqlite" if sqlstore_blank_url.startswith("sqlite") else "postgresql"
    stock_yoyo(sqlstore_blank_url, "apply", builtin_dir("migrations") / dialect)
    with connect(sqlstore_blank_url) as store:
        assert store.migrate() == []
        assert "generations" in _schema(store)["tables"]
