"""Every row of every table, to show that a refused call changed nothing; the schema."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from sqlstore import Session, Store
from sqlstore.migration_check import schema_of
from sqlstore.queries import Registry

Tables = dict[str, list[str]]


def _quoted(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


class Snapshot:
    """Reads every table through one query per table, written from ``catalog.columns``.

    The queries are files in ``folder`` (``snapshot/<table>.sql``), loaded
    into a registry of their own: the table and column names come from the
    database's catalog, never from a caller.
    """

    def __init__(self, store: Store, folder: Path):
        with store.session(readonly=True) as session:
            columns = session.fetch_all("catalog.columns")
        tables: dict[str, list[str]] = {}
        for row in columns:
            tables.setdefault(str(row["table_name"]), []).append(str(row["column_name"]))
        (folder / "snapshot").mkdir(parents=True, exist_ok=True)
        for table, names in tables.items():
            select = ", ".join(_quoted(n) for n in names)
            (folder / "snapshot" / f"{table}.sql").write_text(
                f"-- Every row of {table}.\nSELECT {select} FROM {_quoted(table)};\n",
                encoding="utf-8",
            )
        self.store = store
        self.tables = sorted(tables)
        self.registry = Registry.load([folder], store.dialect.name, store.dialect.render)

    def take(self) -> Tables:
        """Each table's rows as sorted reprs, so that row order does not matter."""
        with self.store.dialect.transaction(readonly=True) as conn:
            session = Session(conn, self.registry, self.store.dialect.name)
            return {
                table: sorted(
                    repr(tuple(r.values())) for r in session.fetch_all(f"snapshot.{table}")
                )
                for table in self.tables
            }


def added_rows(before: Tables, after: Tables) -> dict[str, int]:
    """Rows each table gained; ``ValueError`` if any row of ``before`` went or changed."""
    gained = {}
    for table, old in before.items():
        old_rows, new_rows = Counter(old), Counter(after.get(table, []))
        gone = old_rows - new_rows
        if gone:
            raise ValueError(f"a row of {table} went or changed: {next(iter(gone))[:200]}")
        gained[table] = sum((new_rows - old_rows).values())
    return gained


def schema(store: Store) -> dict[str, Any]:
    """Tables, columns, indexes and the whole definition, as the catalog shows them."""
    return schema_of(store)
