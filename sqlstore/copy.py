"""Copy every table of one database into another: ``sqlstore copy`` (moving off SQLite).

The target is migrated first (the built-in migrations and the app's), then
each table is copied in foreign-key order, read from the target's catalog:
the source's rows are read in bounded memory, each value made the Python
value sqlstore means (the source dialect's ``value_reader``: SQLite's text
becomes UUIDs, aware UTC datetimes and JSON) and loaded with the target's
bulk path (COPY on PostgreSQL), committed in chunks. Then the target's
sequences are set past the ids copied, and every table is verified: the
row count and a checksum (``sqlstore._copy_sum``) computed alike on both ends.

Resuming: each chunk is one transaction, so an interrupted copy leaves
whole chunks. ``resume`` copies again what the target lacks: an empty table
by the bulk path, a table already whole (same count) not at all, and a
partial one through a stage that skips the keys already there; then
verifies that the target holds exactly the source. ``append`` adds the
source to a target holding other rows by the same path: a row whose primary
key is already in the target is skipped (the target's row is kept, and
counted), a row that conflicts on another unique key stops the copy.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any, Literal

from sqlstore._copy_sum import Checksum, row_normalizer
from sqlstore.check import rolled_back
from sqlstore.dialects import dialect_class, dialect_names
from sqlstore.errors import ConfigError, InvalidInput
from sqlstore.queries import Query
from sqlstore.search import INDEX_TABLES
from sqlstore.sqltext import parse
from sqlstore.store import Store

__all__ = [
    "CopyReport",
    "Mode",
    "Progress",
    "TablePlan",
    "TableResult",
    "copy_database",
    "plan_tables",
]

log = logging.getLogger("sqlstore.copy")

Mode = Literal["new", "resume", "append"]
#: ``progress(table, rows)``: ``rows`` more rows of ``table`` were read from the source.
Progress = Callable[[str, int], None]

_BATCH = 2000
_PATH = Path("<sqlstore copy>")


@dataclass(frozen=True)
class TablePlan:
    """One table to copy: its columns (the source's), their kinds (the target's) and key."""

    name: str
    columns: tuple[str, ...]
    kinds: tuple[str | None, ...]
    keys: tuple[str, ...]
    #: A foreign key of the table names the table itself: copied in one chunk.
    self_referencing: bool = False


@dataclass
class TableResult:
    """What copying one table did, and what the verification found."""

    name: str
    source_rows: int = 0
    target_before: int = 0
    copied: int = 0
    skipped: int = 0
    target_rows: int = 0
    #: The target must end up holding exactly the source's rows (not ``append``).
    exact: bool = True
    source_sum: Checksum = field(default_factory=Checksum)
    before_sum: Checksum = field(default_factory=Checksum)
    added: Checksum = field(default_factory=Checksum)
    target_sum: Checksum = field(default_factory=Checksum)

    @property
    def verified(self) -> bool:
        """The target's count and checksum are what the copy should have left.

        Exact: those of the source. Appended: what was there plus the rows
        added, and every source row either added or skipped.
        """
        if self.exact:
            return self.target_rows == self.source_rows and self.target_sum == self.source_sum
        return (
            self.target_rows == self.target_before + self.copied
            and self.target_sum == self.before_sum + self.added
            and self.copied + self.skipped == self.source_rows == self.source_sum.rows
        )


@dataclass
class CopyReport:
    """The whole copy: migrations applied, each table, the sequences reset."""

    applied: list[str] = field(default_factory=list)
    tables: list[TableResult] = field(default_factory=list)
    sequences: list[str] = field(default_factory=list)

    @property
    def verified(self) -> bool:
        """Every table verified."""
        return all(t.verified for t in self.tables)


def _query(store: Store, name: str, text: str) -> Query:
    """A statement over catalog-named tables, rendered for ``store``'s dialect."""
    statement = parse(text)
    return Query(f"copy.{name}", _PATH, "", statement, store.dialect.render(statement))


def _select(store: Store, table: TablePlan) -> Query:
    quote = store.dialect.quote
    names = ", ".join(quote(c) for c in table.columns)
    return _query(store, f"{table.name}.read", f"SELECT {names} FROM {quote(table.name)}")


def _catalog(store: Store, name: str) -> list[dict[str, Any]]:
    with store.session(readonly=True) as session:
        return session.fetch_all(f"catalog.{name}")


def _fk_order(tables: Sequence[str], edges: Sequence[tuple[str, str]]) -> list[str]:
    """``tables`` with every referenced table before the tables that reference it."""
    needs = {t: {r for t2, r in edges if t2 == t and r != t and r in tables} for t in tables}
    order: list[str] = []
    while needs:
        ready = sorted(t for t, deps in needs.items() if not deps)
        if not ready:
            raise InvalidInput(
                f"the foreign keys of tables {', '.join(sorted(needs))} form a cycle; "
                "sqlstore copy cannot order them"
            )
        order.extend(ready)
        for t in ready:
            del needs[t]
        for deps in needs.values():
            deps.difference_update(ready)
    return order


def plan_tables(source: Store, target: Store) -> list[TablePlan]:
    """The source's tables in the target's foreign-key order, checked against the target."""
    columns: dict[str, list[str]] = {}
    for row in _catalog(source, "columns"):
        if row["table_name"] in INDEX_TABLES:
            continue  # the target's triggers fill it from the rows copied
        columns.setdefault(str(row["table_name"]), []).append(str(row["column_name"]))
    target_columns: dict[str, set[str]] = {}
    for row in _catalog(target, "columns"):
        target_columns.setdefault(str(row["table_name"]), set()).add(str(row["column_name"]))
    for table, names in sorted(columns.items()):
        if table not in target_columns:
            raise InvalidInput(
                f"the source's table {table} is not in the target after migrating; "
                "pass the app's --migration-dir"
            )
        if missing := [c for c in names if c not in target_columns[table]]:
            raise InvalidInput(
                f"the target's table {table} has no column {', '.join(missing)}; "
                "migrate the source and the target to the same version"
            )
    keys: dict[str, list[str]] = {}
    for row in _catalog(target, "primary_keys"):
        keys.setdefault(str(row["table_name"]), []).append(str(row["column_name"]))
    edges = [
        (str(r["table_name"]), str(r["referenced_table"])) for r in _catalog(target, "foreign_keys")
    ]
    plans = []
    with rolled_back(target) as conn:
        for name in _fk_order(sorted(columns), edges):
            if name not in keys:
                raise InvalidInput(f"table {name} has no primary key; sqlstore copy needs one")
            bare = TablePlan(name, tuple(columns[name]), (), tuple(keys[name]))
            described = conn.describe(_select(target, bare)) or []
            plans.append(
                TablePlan(
                    name,
                    bare.columns,
                    tuple(c.kind for c in described),
                    bare.keys,
                    (name, name) in edges,
                )
            )
    return plans


def _counts(store: Store, tables: Sequence[str]) -> dict[str, int]:
    with rolled_back(store) as conn:
        return {t: conn.count_rows(t) for t in tables}


def _rows(source: Store, table: TablePlan, progress: Progress | None) -> Iterator[list[Any]]:
    """The source's rows of ``table`` as sqlstore's Python values, in bounded memory."""
    readers = [source.dialect.value_reader(k) if k else None for k in table.kinds]
    pairs = [(i, r) for i, r in enumerate(readers) if r is not None]
    with rolled_back(source) as conn:
        for batch in conn.iterate(_select(source, table), {}, _BATCH):
            if progress:
                progress(table.name, len(batch))
            for row in batch:
                values = list(row.values())
                for i, read in pairs:
                    if values[i] is not None:
                        values[i] = read(values[i])
                yield values


def _load(
    target: Store, table: TablePlan, chunk: list[list[Any]], merge: bool, added: Checksum
) -> int:
    """Write ``chunk`` in one transaction; return how many rows were added.

    The rows added are counted into ``added``; with ``merge``, a row whose key
    the target holds already is not added.
    """
    dialect = target.dialect
    normal = row_normalizer(table.kinds, _as_is)
    with dialect.transaction() as conn:
        if not merge:
            text = dialect.bulk_load_sql(table.name, table.columns)
            count = conn.copy_in(_query(target, f"{table.name}.load", text), chunk)
            for row in chunk:
                added.add(normal(list(row)))
            return count
        stage, load, insert = (
            _query(target, f"{table.name}.{step}", text)
            for step, text in zip(
                ("stage", "load", "merge"),
                dialect.merge_sql(table.name, table.columns, table.keys),
                strict=True,
            )
        )
        conn.execute(stage, {})
        conn.copy_in(load, chunk)
        new_keys = {tuple(r.values()) for r in conn.fetch_all(insert, {})}
    at = [table.columns.index(k) for k in table.keys]
    for row in chunk:
        if tuple(row[i] for i in at) in new_keys:
            added.add(normal(list(row)))
    return len(new_keys)


def _as_is(kind: str) -> None:
    """Rows about to be written hold sqlstore's Python values already."""
    return None


def _copy_table(
    source: Store,
    target: Store,
    table: TablePlan,
    result: TableResult,
    *,
    merge: bool,
    chunk_rows: int,
    progress: Progress | None,
) -> None:
    rows = _rows(source, table, progress)
    # A table that references itself goes in one statement: its foreign keys are
    # checked at the statement's end, whatever the order of its rows.
    size = None if table.self_referencing else chunk_rows
    while chunk := list(islice(rows, size)):
        added = _load(target, table, chunk, merge, result.added)
        result.copied += added
        result.skipped += len(chunk) - added
        log.info("%s: %d rows copied", table.name, result.copied)


def table_rows(store: Store, table: TablePlan) -> Iterator[list[dict[str, Any]]]:
    """The table's rows on ``store`` as its driver returns them, in batches (any order)."""
    with rolled_back(store) as conn:
        yield from conn.iterate(_select(store, table), {}, _BATCH)


def checksum(store: Store, table: TablePlan) -> Checksum:
    """The table's content checksum on ``store`` (the same rows give the same on any dialect)."""
    total = Checksum()
    normal = row_normalizer(table.kinds, store.dialect.value_reader)
    for batch in table_rows(store, table):
        for row in batch:
            total.add(normal(list(row.values())))
    return total


def _opened(
    url: str, sql_dirs: Sequence[Path], migration_dirs: Sequence[Path], *, source: bool
) -> Store:
    from sqlstore.config import resolve

    settings = resolve(url)
    embedded = dialect_class(settings.url.dialect).embedded
    if source and embedded and not Path(settings.url.database).is_file():
        raise ConfigError(f"no database file at {settings.url}")
    return Store(settings, sql_dirs=sql_dirs, migration_dirs=migration_dirs)


def _check_target(target: Store, mode: Mode) -> None:
    if not target.dialect.copy_target:
        takers = [n for n in dialect_names() if dialect_class(n).copy_target]
        raise InvalidInput(
            f"sqlstore copy writes only into {' or '.join(takers)}; --to names "
            f"a {target.dialect.name} database"
        )
    tables = [str(r["table_name"]) for r in _catalog(target, "tables")]
    tables = [t for t in tables if t not in INDEX_TABLES]
    held = {t: n for t, n in _counts(target, tables).items() if n}
    if held and mode == "new":
        listed = ", ".join(f"{t} ({n})" for t, n in sorted(held.items()))
        raise InvalidInput(
            f"the target already holds rows: {listed}; pass --resume to finish an "
            "interrupted copy of this source, or --append to add to them"
        )


def copy_database(
    source_url: str,
    target_url: str,
    *,
    sql_dirs: Sequence[Path] = (),
    migration_dirs: Sequence[Path] = (),
    mode: Mode = "new",
    chunk_rows: int = 10_000,
    progress: Progress | None = None,
    planned: Callable[[list[TablePlan], dict[str, int]], None] | None = None,
) -> CopyReport:
    """Migrate the target, copy every table into it, reset its sequences and verify."""
    if chunk_rows < 1:
        raise InvalidInput(f"chunk_rows must be at least 1, not {chunk_rows}")
    report = CopyReport()
    with (
        _opened(source_url, sql_dirs, (), source=True) as source,
        _opened(target_url, sql_dirs, migration_dirs, source=False) as target,
    ):
        if source.settings.url == target.settings.url:
            raise InvalidInput("--from and --to name the same database")
        _check_target(target, mode)
        report.applied = target.migrate()
        plans = plan_tables(source, target)
        names = [t.name for t in plans]
        source_counts, before = _counts(source, names), _counts(target, names)
        if planned:
            planned(plans, source_counts)
        for table in plans:
            result = TableResult(
                table.name, source_counts[table.name], before[table.name], exact=mode != "append"
            )
            report.tables.append(result)
            if result.target_before and mode == "append":
                result.before_sum = checksum(target, table)
            if mode == "resume" and result.target_before == result.source_rows:
                # Whole already (the checksum below says whether it is this source's).
                if progress:
                    progress(table.name, result.source_rows)
                continue
            _copy_table(
                source, target, table, result,
                merge=result.target_before > 0, chunk_rows=chunk_rows, progress=progress,
            )  # fmt: skip
        if "catalog.reset_sequences" in target.registry:
            report.sequences = [
                f"{r['table_name']}.{r['column_name']}"
                for r in _catalog(target, "identity_columns")
            ]
            with target.session() as session:
                session.execute("catalog.reset_sequences")
        _verify(source, target, plans, report)
    return report


def _verify(source: Store, target: Store, plans: list[TablePlan], report: CopyReport) -> None:
    after = _counts(target, [t.name for t in plans])
    for table, result in zip(plans, report.tables, strict=True):
        result.target_rows = after[table.name]
        result.source_sum = checksum(source, table)
        result.target_sum = checksum(target, table)
