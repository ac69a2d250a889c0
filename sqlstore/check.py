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

from sqlstore._check_calls import DaoCall, scan
from sqlstore._check_plans import code_lines, plan_warnings
from sqlstore._check_rules import REVIEWABLE, Issue, dao_issues, model_issues, reviewed
from sqlstore.dialects import Connection, Indexes, dialect_class
from sqlstore.errors import DatabaseUnavailable, MigrationError, QueryError, SqlstoreError
from sqlstore.paths import builtin_dir
from sqlstore.queries import Query, Registry, query_name
from sqlstore.sqltext import Literal_, Param, Statement
from sqlstore.store import Store

__all__ = [
    "CHECKABLE",
    "REVIEWABLE",
    "Finding",
    "Indexes",
    "Issue",
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
    """What the check found for one query: its status, and each rule's issues."""

    query: str
    path: Path
    status: Status
    message: str = ""
    line: int | None = None
    plan: tuple[str, ...] = ()
    issues: tuple[Issue, ...] = ()

    @property
    def where(self) -> str:
        """``path:line`` (the path relative to the working directory when it is below it)."""
        path = shown_path(self.path)
        return f"{path}:{self.line}" if self.line else str(path)

    @property
    def errors(self) -> tuple[Issue, ...]:
        """The issues that fail the check."""
        return tuple(i for i in self.issues if i.level == "error")

    @property
    def warnings(self) -> tuple[str, ...]:
        """The messages of the warnings (not those marked reviewed)."""
        return tuple(i.message for i in self.issues if i.level == "warning")

    def located(self, issue: Issue) -> str:
        """``path:line`` of one of this finding's issues."""
        path = shown_path(issue.path or self.path)
        return f"{path}:{issue.line}" if issue.line else str(path)


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
    The first occurrence outside strings and comments wins; a name the message
    double-quotes is also looked for as a quoted identifier.
    """
    for pattern in _NAMED:
        match = re.search(pattern, message, re.IGNORECASE)
        if not match:
            continue
        name = match.group(1).strip('"')
        for candidate in dict.fromkeys((name, name.rpartition(".")[2])):
            word = re.compile(rf"(?<!\w){re.escape(candidate)}(?!\w)", re.IGNORECASE)
            for line, text in code_lines(statement):
                if word.search(text):
                    return line
        if (quoted := _quoted_line(statement, name)) is not None:
            return quoted
    if "incomplete input" in message or "end of input" in message:
        lines = [n for n, text in code_lines(statement) if text.strip()]
        return lines[-1] if lines else 1
    return 1


def _quoted_line(statement: Statement, name: str) -> int | None:
    """The line of the first ``"name"`` quoted identifier."""
    line = 1
    for seg in statement.segments:
        if isinstance(seg, Literal_) and seg.text == f'"{name}"':
            return line
        if not isinstance(seg, Param):
            line += seg.text.count("\n")
    return None


def _other_dialect_only(dirs: Sequence[Path], registry: Registry) -> list[tuple[str, Path, str]]:
    """Queries that exist only as another dialect's file: skipped on this one."""
    found: dict[str, tuple[str, Path, str]] = {}
    for root in dirs:
        for path in sorted(Path(root).rglob("*.sql")):
            name, dialect = query_name(Path(root), path)
            if dialect not in (None, registry.dialect) and name not in registry:
                found.setdefault(name, (name, path, dialect))
    return sorted(found.values())


def dao_dir() -> Path:
    """The built-in DAOs' folder, which ``check`` always scans for query calls."""
    return Path(__file__).resolve().parent / "dao"


@dataclass(frozen=True)
class _Context:
    plans: bool
    dialect: str
    indexes: Indexes
    columns: dict[str, list[str]]
    calls: dict[str, list[DaoCall]]


def check_queries(
    store: Store,
    *,
    plans: bool = False,
    each: Callable[[Finding], None] | None = None,
    sql_dirs: Sequence[Path | str] | None = None,
    dao_modules: Sequence[Path | str] = (),
) -> list[Finding]:
    """Check every query of the store's dialect against its database; see the module doc.

    ``sql_dirs`` are the app's folders to check (after the built-in one) in
    place of the store's own registry, so that a store opened without them
    can check files that would not load. ``dao_modules`` are the app's DAO
    files or folders, scanned for query calls with the built-in DAOs.
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
    calls: dict[str, list[DaoCall]] = {}
    for call in scan([dao_dir(), *(Path(m) for m in dao_modules)]):
        calls.setdefault(call.query, []).append(call)
    findings: list[Finding] = []

    def report(finding: Finding) -> None:
        findings.append(finding)
        if each is not None:
            each(finding)

    unloadable = {str(f.query): _unloadable(f) for f in failures}
    skipped = {n: (p, d) for n, p, d in _other_dialect_only(dirs, registry) if n not in unloadable}
    with rolled_back(store) as conn:
        indexes, columns = Indexes(), dict[str, list[str]]()
        if plans:
            indexes = Indexes.from_rows(
                conn.fetch_all(store.registry.get("catalog.index_columns"), {})
            )
            for row in conn.fetch_all(store.registry.get("catalog.columns"), {}):
                columns.setdefault(str(row["table_name"]).lower(), []).append(
                    str(row["column_name"])
                )
        context = _Context(plans, store.dialect.name, indexes, columns, calls)
        for name in sorted({*unloadable, *(q.name for q in registry)}):
            if name in unloadable:
                report(unloadable[name])
                continue
            query = registry.get(name)
            try:
                with conn.savepoint():
                    finding = _check_one(conn, query, context)
            except DatabaseUnavailable:
                raise
            except SqlstoreError as exc:
                line = locate(query.statement, exc.message)
                finding = _failed(query.name, query.path, exc.message, line)
            report(finding)
    for name, (path, other) in sorted(skipped.items()):
        report(Finding(name, path, "skipped", f"{other} only"))
    for name in sorted(set(calls) - set(registry.queries) - set(unloadable) - set(skipped)):
        for call in calls[name]:
            message = f"the DAO call at {shown_path(call.path)}:{call.line} names no query {name}"
            report(_failed(name, call.path, message, call.line, "dao-query"))
    return findings


def _failed(
    query: str, path: Path, message: str, line: int | None, rule: str = "compile"
) -> Finding:
    issue = Issue(rule, "error", message, line)
    return Finding(query, path, "failed", message, line, issues=(issue,))


def _unloadable(error: QueryError) -> Finding:
    """A file the registry could not load, as a failed finding on its line."""
    assert error.query is not None and error.path is not None
    found = re.match(r"line (\d+): ", error.message)
    line = int(found.group(1)) if found else None
    message = error.message[found.end() :] if found else error.message
    return _failed(error.query, error.path, message, line, "load")


def _check_one(conn: Connection, query: Query, context: _Context) -> Finding:
    kind = statement_kind(query.statement)
    issues = dao_issues(query, context.calls.get(query.name, ()))
    if kind not in CHECKABLE:
        why = _WHY_NOT.get(kind, f"{kind or 'this'} statements are not compiled without running")
        return _finding(query, "not checkable", why, reviewed(query, issues))
    problem = conn.check(query)
    if problem is not None:
        line = problem.line or locate(query.statement, problem.message)
        return _failed(query.name, query.path, problem.message, line)
    issues += model_issues(conn, query)
    plan: list[str] = []
    if context.plans:
        plan = conn.plan(query, prefer_indexes=True)
        warned = plan_warnings(
            query.statement, plan, context.indexes, context.dialect, context.columns
        )
        issues += [Issue(rule, "warning", message, 1) for rule, message in warned]
    return _finding(query, "ok", "", reviewed(query, issues), plan)


def _finding(
    query: Query, status: Status, message: str, issues: list[Issue], plan: Sequence[str] = ()
) -> Finding:
    errors = [i for i in issues if i.level == "error"]
    if errors:
        status, message = "failed", errors[0].message
    line = errors[0].line if errors and errors[0].path is None else None
    return Finding(query.name, query.path, status, message, line, tuple(plan), tuple(issues))


def full_scan_warnings(
    statement: Statement, plan: list[str], indexes: Indexes, dialect: str
) -> list[str]:
    """The ``full-scan`` warnings of a plan (see ``sqlstore._check_plans``)."""
    warned = plan_warnings(statement, plan, indexes, dialect)
    return [message for rule, message in warned if rule == "full-scan"]


def explain(store: Store, name: str, params: dict[str, Any]) -> list[str]:
    """The plan of one query for these parameter values, in a rolled-back transaction."""
    query = store.registry.get(name)
    kind = statement_kind(query.statement)
    if kind not in CHECKABLE:
        raise QueryError(f"{kind} statements cannot be explained", query=name, path=query.path)
    query.check_params(params)
    with rolled_back(store) as conn:
        return conn.plan(query, params)
