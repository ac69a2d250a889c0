"""Ask the migrated database itself whether every SQL file is right, and how it plans it.

``check_queries`` has the database compile every query of the store's dialect
without running it, in a read-only transaction that is rolled back:
PostgreSQL prepares it (``PREPARE``, then ``DEALLOCATE``), SQLite explains it
with every parameter bound to NULL. A missing table or column, a wrong type or
a syntax error is reported with the file and the line.

Only statements that can be compiled without running them are checked:
SELECT, INSERT, UPDATE, DELETE, WITH, VALUES, REPLACE and MERGE. Anything
else (a ``DO`` block, ``COPY``, DDL, ``PRAGMA``) is reported as not checkable.

With ``plans=True`` each checked query also gets its plan: a generic plan for
unknown (NULL) parameters, with the planner told to use an index wherever one
can serve (see ``full_scan_warnings`` for what is flagged).

One bad file never stops the run: a file that cannot be loaded (an
unterminated quote, two statements) and a query the driver itself refuses are
each reported as failed, in a savepoint of their own, and the check goes on.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from sqlstore.dialects import Connection, Indexes, dialect_class
from sqlstore.errors import DatabaseUnavailable, MigrationError, QueryError, SqlstoreError
from sqlstore.paths import builtin_dir
from sqlstore.queries import Query, Registry, query_name
from sqlstore.sqltext import Code, Param, Statement
from sqlstore.store import Store

__all__ = [
    "CHECKABLE",
    "Finding",
    "Indexes",
    "check_queries",
    "explain",
    "full_scan_warnings",
    "load_queries",
    "locate",
    "rolled_back",
    "shown_path",
    "statement_kind",
]

#: Statements the database can compile without running them.
CHECKABLE = frozenset(
    {"SELECT", "INSERT", "UPDATE", "DELETE", "WITH", "VALUES", "REPLACE", "MERGE"}
)

_WHY_NOT = {
    "DO": "a DO block's body is compiled only when it runs",
    "COPY": "COPY cannot be prepared or explained without running it",
}

Status = Literal["ok", "failed", "not checkable", "skipped"]


@dataclass(frozen=True)
class Finding:
    """What the check found for one query."""

    query: str
    path: Path
    status: Status
    message: str = ""
    line: int | None = None
    plan: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()

    @property
    def where(self) -> str:
        """``path:line`` (the path relative to the working directory when it is below it)."""
        path = shown_path(self.path)
        return f"{path}:{self.line}" if self.line else str(path)


def shown_path(path: Path) -> Path:
    """``path`` relative to the working directory when it is below it."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        return path


def load_queries(
    dialect: str,
    sql_dirs: Sequence[Path | str] = (),
    *,
    failures: list[QueryError] | None = None,
) -> Registry:
    """The built-in and the app's queries as ``dialect`` runs them, without connecting.

    With a ``failures`` list, a file that cannot be loaded is added to it and
    left out, instead of stopping the load.
    """
    dirs = [builtin_dir("sql"), *(Path(d) for d in sql_dirs)]
    return Registry.load(dirs, dialect, dialect_class(dialect).render, failures=failures)


@contextmanager
def rolled_back(store: Store) -> Iterator[Connection]:
    """A read-only transaction on ``store`` that is always rolled back."""

    class _RollBack(Exception):
        pass

    try:
        with store.dialect.transaction(readonly=True) as conn:
            yield conn
            raise _RollBack
    except _RollBack:
        pass


def statement_kind(statement: Statement) -> str:
    """The statement's first keyword, upper case (``SELECT``, ``DO``...)."""
    return statement.kind


def _code_lines(statement: Statement) -> Iterator[tuple[int, str]]:
    """Each piece of SQL outside strings and comments, with the line it starts on."""
    line = 1
    for seg in statement.segments:
        if isinstance(seg, Param):
            continue
        if isinstance(seg, Code):
            for offset, text in enumerate(seg.text.split("\n")):
                yield line + offset, text
        line += seg.text.count("\n")


_NAMED = (
    r"no such (?:column|table|function): (\S+)",
    r"has no column named (\S+)",
    r'near "([^"]+)": syntax error',
    r'(?:column|relation|table|function|type) "?([\w.]+)"? (?:of relation \S+ )?does not exist',
    r"function ([\w.]+)\(",
    r'at or near "([^"]+)"',
    r'column reference "([^"]+)" is ambiguous',
    r"ambiguous column name: (\S+)",
    r"binding parameter [:@$](\w+)",
)


def locate(statement: Statement, message: str) -> int:
    """The line of the identifier or token an error message names; else 1.

    A qualified name (``t.col``) is looked for whole, then by its last part.
    The first occurrence outside strings and comments wins.
    """
    for pattern in _NAMED:
        match = re.search(pattern, message, re.IGNORECASE)
        if not match:
            continue
        name = match.group(1)
        for candidate in dict.fromkeys((name, name.rpartition(".")[2])):
            word = re.compile(rf"(?<!\w){re.escape(candidate)}(?!\w)", re.IGNORECASE)
            for line, text in _code_lines(statement):
                if word.search(text):
                    return line
    if "incomplete input" in message or "end of input" in message:
        lines = [n for n, text in _code_lines(statement) if text.strip()]
        return lines[-1] if lines else 1
    return 1


def _other_dialect_only(dirs: Sequence[Path], registry: Registry) -> list[tuple[str, Path, str]]:
    """Queries that exist only as another dialect's file: skipped on this one."""
    found: dict[str, tuple[str, Path, str]] = {}
    for root in dirs:
        for path in sorted(Path(root).rglob("*.sql")):
            name, dialect = query_name(Path(root), path)
            if dialect not in (None, registry.dialect) and name not in registry:
                found.setdefault(name, (name, path, dialect))
    return sorted(found.values())


def check_queries(
    store: Store,
    *,
    plans: bool = False,
    each: Callable[[Finding], None] | None = None,
    sql_dirs: Sequence[Path | str] | None = None,
) -> list[Finding]:
    """Check every query of the store's dialect against its database; see the module doc.

    ``sql_dirs`` are the app's folders to check (after the built-in one) in
    place of the store's own registry, so that a store opened without them
    can check files that would not load.
    """
    pending = [s.id for s in store.migration_status() if not s.applied]
    if pending:
        raise MigrationError(
            f"the database has {len(pending)} pending migration(s) ({pending[0]} first); "
            "run 'sqlstore migrate' first: check compares the SQL files with the migrated schema"
        )
    failures: list[QueryError] = []
    if sql_dirs is None:
        dirs, registry = list(store.sql_dirs), store.registry
    else:
        dirs = [builtin_dir("sql"), *(Path(d) for d in sql_dirs)]
        registry = Registry.load(dirs, store.dialect.name, store.dialect.render, failures=failures)
    findings: list[Finding] = []

    def report(finding: Finding) -> None:
        findings.append(finding)
        if each is not None:
            each(finding)

    unloadable = {str(f.query): _unloadable(f) for f in failures}
    with rolled_back(store) as conn:
        indexes = Indexes()
        if plans:
            rows = conn.fetch_all(store.registry.get("catalog.index_columns"), {})
            indexes = Indexes.from_rows(rows)
        for name in sorted({*unloadable, *(q.name for q in registry)}):
            if name in unloadable:
                report(unloadable[name])
                continue
            query = registry.get(name)
            try:
                with conn.savepoint():
                    finding = _check_one(conn, query, plans, indexes, store.dialect.name)
            except DatabaseUnavailable:
                raise
            except SqlstoreError as exc:
                line = locate(query.statement, exc.message)
                finding = Finding(query.name, query.path, "failed", exc.message, line)
            report(finding)
    for name, path, other in _other_dialect_only(dirs, registry):
        if name not in unloadable:
            report(Finding(name, path, "skipped", f"{other} only"))
    return findings


def _unloadable(error: QueryError) -> Finding:
    """A file the registry could not load, as a failed finding on its line."""
    assert error.query is not None and error.path is not None
    found = re.match(r"line (\d+): ", error.message)
    line = int(found.group(1)) if found else None
    message = error.message[found.end() :] if found else error.message
    return Finding(error.query, error.path, "failed", message, line)


def _check_one(
    conn: Connection,
    query: Query,
    plans: bool,
    indexes: Indexes,
    dialect: str,
) -> Finding:
    kind = statement_kind(query.statement)
    if kind not in CHECKABLE:
        why = _WHY_NOT.get(kind, f"{kind or 'this'} statements are not compiled without running")
        return Finding(query.name, query.path, "not checkable", why)
    problem = conn.check(query)
    if problem is not None:
        line = problem.line or locate(query.statement, problem.message)
        return Finding(query.name, query.path, "failed", problem.message, line)
    if not plans:
        return Finding(query.name, query.path, "ok")
    plan = conn.plan(query, prefer_indexes=True)
    warnings = full_scan_warnings(query.statement, plan, indexes, dialect)
    return Finding(query.name, query.path, "ok", plan=tuple(plan), warnings=tuple(warnings))


_CLAUSE_END = re.compile(
    r"\b(?:order\s+by|group\s+by|limit|returning|having|window|for\s+update|union)\b"
)
_NOT_ALIAS = frozenset(
    re.findall(
        r"\w+",
        "where on set inner left right full cross natural join order group limit using values "
        "as returning union except intersect having window indexed not default select from",
    )
)


def full_scan_warnings(
    statement: Statement, plan: list[str], indexes: Indexes, dialect: str
) -> list[str]:
    """Flag a table read whole although a WHERE clause names a column an index leads.

    The heuristic, kept simple on purpose: a plan node reads a table whole
    (PostgreSQL: a Seq Scan, or an index scan with no Index Cond; SQLite: a
    SCAN, with or without an index; a partial index does not count), the
    statement has a WHERE clause, and
    that clause names a column that leads one of the table's indexes. The
    usual cause is a filter the index cannot serve as written: an optional
    filter (``:p IS NULL OR col = :p``), a function around the column, a
    type mismatch.
    """
    code = " ".join(text for _, text in _code_lines(statement)).lower()
    clauses = []
    for match in re.finditer(r"\bwhere\b", code):
        rest = code[match.end() :]
        end = _CLAUSE_END.search(rest)
        clauses.append(rest[: end.start()] if end else rest)
    if not clauses:
        return []
    where = " ".join(clauses)
    reader = dialect_class(dialect)
    aliases = _aliases(code, indexes.leading) if reader.plan_names_aliases else {}
    warnings = []
    for scanned in dict.fromkeys(reader.whole_scans(plan, indexes)):
        table = aliases.get(scanned, scanned)
        named = [
            (col, ix)
            for col, ix in indexes.leading.get(table, {}).items()
            if re.search(rf"(?<![\w]){re.escape(col)}(?!\w)", where)
        ]
        if named:
            cols = ", ".join(f"{col} (leads {ix})" for col, ix in named)
            warnings.append(f"full scan of {table} although the WHERE clause names {cols}")
    return warnings


def _aliases(code: str, tables: dict[str, dict[str, str]]) -> dict[str, str]:
    """``{alias: table}`` for ``table [AS] alias`` in the statement's code."""
    found = {}
    for table in tables:
        for match in re.finditer(rf"\b{re.escape(table)}\s+(?:as\s+)?([a-z_]\w*)", code):
            if match.group(1) not in _NOT_ALIAS:
                found[match.group(1)] = table
    return found


def explain(store: Store, name: str, params: dict[str, Any]) -> list[str]:
    """The plan of one query for these parameter values, in a rolled-back transaction."""
    query = store.registry.get(name)
    kind = statement_kind(query.statement)
    if kind not in CHECKABLE:
        raise QueryError(f"{kind} statements cannot be explained", query=name, path=query.path)
    query.check_params(params)
    with rolled_back(store) as conn:
        return conn.plan(query, params)
