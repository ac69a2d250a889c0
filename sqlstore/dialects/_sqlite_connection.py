"""SQLite's connection in a transaction: the call rules, running, streaming, copying."""

from __future__ import annotations

import itertools
import os
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from sqlstore.dialects._sqlite_errors import DRIVER_ERRORS as _DRIVER_ERRORS
from sqlstore.dialects._sqlite_errors import mapped as _mapped
from sqlstore.dialects._sqlite_errors import raise_mapped as _raise_mapped
from sqlstore.dialects._sqlite_inspect import Inspection
from sqlstore.dialects._sqlite_params import SQLitePlan, adapted_rows, plan_of
from sqlstore.dialects.base import Connection, Row
from sqlstore.queries import Query

__all__ = ["SQLiteConnection", "connection", "strict_calls"]


class _Savepoints(dict[int, tuple[str, str, str]]):
    """A call's savepoint at each depth of nesting: its SAVEPOINT, RELEASE and ROLLBACK TO."""

    def __missing__(self, depth: int) -> tuple[str, str, str]:
        name = f"sqlstore_call{depth}"
        texts = (f"SAVEPOINT {name}", f"RELEASE SAVEPOINT {name}", f"ROLLBACK TO SAVEPOINT {name}")
        self[depth] = texts
        return texts


_CALL_SAVEPOINTS = _Savepoints()


def strict_calls() -> bool:
    """``SQLSTORE_STRICT_CALLS=1`` (the test suites set it): catch unmarked multi-write calls.

    A call not marked as writing with several statements (``dao.base.atomic``)
    that does so then fails with an ``AssertionError`` every time, instead of
    only when it fails midway.
    """
    return os.environ.get("SQLSTORE_STRICT_CALLS") == "1"


class SQLiteConnection(Inspection, Connection):
    """A sqlite3 connection inside one transaction.

    SQLite undoes a failed statement by itself and keeps the transaction, so
    a call needs a savepoint only when it may write with several statements
    and the transaction already holds work. ``total_changes`` tells, for
    free, whether anything was written since a point.
    """

    # A savepoint inside a transaction lives in memory: taking and releasing
    # one never touches the file.
    cheap_brackets = True

    def __init__(self, raw: sqlite3.Connection, begin: str):
        self.raw = raw
        self._begin = begin
        self._savepoints = itertools.count(1)
        # Per open scope (the transaction, then each savepoint): its name, and
        # total_changes when it began.
        self._scopes: list[tuple[str | None, int]] = [(None, raw.total_changes)]
        self._call_changes = raw.total_changes
        self._call_savepoint: tuple[str, str, str] | None = None
        # A read-only transaction changes nothing: no call needs bracketing.
        self.brackets = begin == "BEGIN IMMEDIATE"

    def begin_call(self, multi: bool) -> None:
        """Take a savepoint only for a call that may write twice into a transaction with work."""
        changes = self._call_changes = self.raw.total_changes
        if multi and changes != self._scopes[-1][1]:
            name = _CALL_SAVEPOINTS[len(self._scopes)]
            # try/except, not _mapped: a context manager costs more than the statement.
            try:
                self.raw.execute(name[0])
            except _DRIVER_ERRORS as exc:
                _raise_mapped(exc, None)
            self._call_savepoint = name
        else:
            self._call_savepoint = None

    def end_call(self) -> None:
        """Release the call's savepoint, if it took one."""
        if self._call_savepoint is not None:
            name, self._call_savepoint = self._call_savepoint, None
            try:
                self.raw.execute(name[1])
            except _DRIVER_ERRORS as exc:
                _raise_mapped(exc, None)

    def undo_call(self, exc: BaseException) -> bool:
        """Undo what the failed call wrote; False if SQLite rolled the transaction back."""
        raw = self.raw
        if not raw.in_transaction:
            # SQLite ends the transaction itself on a few errors (disk full, I/O).
            self.failure = exc
            return False
        name, self._call_savepoint = self._call_savepoint, None
        try:
            if name is not None:
                raw.execute(name[2])
                raw.execute(name[1])
            elif raw.total_changes == self._call_changes:
                pass  # a failed statement leaves nothing behind in SQLite
            elif self._call_changes == self._scopes[-1][1]:
                self._restart_scope()
            else:
                # Only a call marked ``multi=False`` that wrote twice gets here.
                self.failure = exc
                return False
        except sqlite3.Error as undo_error:
            self.failure = undo_error
            return False
        return True

    def _restart_scope(self) -> None:
        """Roll the innermost scope back to its start: it held no work before the call."""
        name, _ = self._scopes[-1]
        if name is None:
            self.raw.execute("ROLLBACK")
            self.raw.execute(self._begin)
        else:
            self.raw.execute(f"ROLLBACK TO SAVEPOINT {name}")
        self._scopes[-1] = (name, self.raw.total_changes)

    def _cursor(self, query: Query, params: Mapping[str, Any]) -> tuple[sqlite3.Cursor, SQLitePlan]:
        plan = query.plan or plan_of(query)
        # try/except, not _mapped: a context manager per statement costs more than the lookup.
        try:
            return self.raw.execute(plan.sql, plan.bind(params)), plan
        except _DRIVER_ERRORS as exc:
            _raise_mapped(exc, query)

    def execute(self, query: Query, params: Mapping[str, Any]) -> int:
        """Run a statement; return the number of rows it changed."""
        return self._cursor(query, params)[0].rowcount

    def fetch_all(self, query: Query, params: Mapping[str, Any]) -> list[Row]:
        """Run a statement and return every row."""
        cur, plan = self._cursor(query, params)
        try:
            rows = cur.fetchall()
        except _DRIVER_ERRORS as exc:
            _raise_mapped(exc, query)
        return plan.rows(cur, rows)

    def fetch_one(self, query: Query, params: Mapping[str, Any]) -> Row | None:
        """Run a statement and return its first row, or ``None``."""
        plan = query.plan or plan_of(query)
        try:
            cur = self.raw.execute(plan.sql, plan.bind(params))
            row = cur.fetchone()
            if row is None:
                return None
            if plan.drain:
                # Step the statement to its end: an UPDATE ... RETURNING finishes its work.
                cur.fetchall()
        except _DRIVER_ERRORS as exc:
            _raise_mapped(exc, query)
        return plan.row(cur, row)

    def iterate(
        self, query: Query, params: Mapping[str, Any], batch_size: int
    ) -> Iterator[list[Row]]:
        """Yield rows in batches; sqlite3 steps the statement as rows are fetched."""
        cur, _ = self._cursor(query, params)
        names = [d[0] for d in cur.description or ()]
        while True:
            with _mapped(query):
                rows = cur.fetchmany(batch_size)
            if not rows:
                return
            yield [dict(zip(names, row, strict=False)) for row in rows]

    def execute_many(self, query: Query, rows: Iterable[Mapping[str, Any]]) -> int:
        """Run a statement once per parameter set; return the rows changed."""
        plan = query.plan or plan_of(query)
        with _mapped(query):
            cur = self.raw.executemany(plan.sql, (plan.bind(r) for r in rows))
        return cur.rowcount

    def copy_in(self, query: Query, rows: Iterable[Sequence[Any]]) -> int:
        """SQLite has no COPY: ``executemany`` of the query's INSERT, rows bound by position.

        A row holds the query's parameters in their order of first use (the
        columns of the PostgreSQL ``COPY``, in the same order).
        """
        plan = query.plan or plan_of(query)
        try:
            cur = self.raw.executemany(plan.sql, adapted_rows(query, plan.names, rows))
        except _DRIVER_ERRORS as exc:
            _raise_mapped(exc, query)
        return cur.rowcount

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """A nested transaction: rolled back alone if its block raises."""
        name = f"sqlstore_sp{next(self._savepoints)}"
        with _mapped(None):
            self.raw.execute(f"SAVEPOINT {name}")
        self._scopes.append((name, self.raw.total_changes))
        try:
            yield
        except BaseException:
            with _mapped(None):
                if self.raw.in_transaction:
                    self.raw.execute(f"ROLLBACK TO SAVEPOINT {name}")
                    self.raw.execute(f"RELEASE SAVEPOINT {name}")
            raise
        finally:
            self._scopes.pop()
        with _mapped(None):
            self.raw.execute(f"RELEASE SAVEPOINT {name}")


class _StrictConnection(SQLiteConnection):
    """Fails a call that writes with several statements without saying so (tests only)."""

    _multi = False
    _writes = 0

    def begin_call(self, multi: bool) -> None:
        """Start counting the call's writing statements."""
        self._multi, self._writes = multi, 0
        super().begin_call(multi)

    def end_call(self) -> None:
        """Refuse an unmarked call that wrote twice, even though it succeeded."""
        writes, self._writes = self._writes, 0
        if writes > 1 and not self._multi:
            raise AssertionError(
                f"a call wrote with {writes} statements but is not marked @atomic "
                "(sqlstore.dao.atomic): a failure midway would lose its transaction"
            )
        super().end_call()

    def _counted(self, before: int, statements: int = 1) -> None:
        if self.raw.total_changes != before:
            self._writes += statements

    def execute(self, query: Query, params: Mapping[str, Any]) -> int:
        """Run a statement, counting it if it wrote."""
        before = self.raw.total_changes
        try:
            return super().execute(query, params)
        finally:
            self._counted(before)

    def fetch_all(self, query: Query, params: Mapping[str, Any]) -> list[Row]:
        """Run a statement, counting it if it wrote."""
        before = self.raw.total_changes
        try:
            return super().fetch_all(query, params)
        finally:
            self._counted(before)

    def fetch_one(self, query: Query, params: Mapping[str, Any]) -> Row | None:
        """Run a statement, counting it if it wrote."""
        before = self.raw.total_changes
        try:
            return super().fetch_one(query, params)
        finally:
            self._counted(before)

    def execute_many(self, query: Query, rows: Iterable[Mapping[str, Any]]) -> int:
        """Run a statement per row: each row is a statement of its own."""
        before = self.raw.total_changes
        try:
            return super().execute_many(query, rows)
        finally:
            self._counted(before, 2)

    def copy_in(self, query: Query, rows: Iterable[Sequence[Any]]) -> int:
        """Insert row by row: each row is a statement of its own."""
        before = self.raw.total_changes
        try:
            return super().copy_in(query, rows)
        finally:
            self._counted(before, 2)


def connection(raw: sqlite3.Connection, begin: str, *, strict: bool) -> SQLiteConnection:
    """The connection for a transaction ``begin`` has opened on ``raw``; see ``strict_calls``."""
    return (_StrictConnection if strict else SQLiteConnection)(raw, begin)
