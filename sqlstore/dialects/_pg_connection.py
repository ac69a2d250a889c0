"""PostgreSQL's connections: psycopg 3 and a ``psycopg_pool`` pool (the driver half of the dialect).

Every connection's session time zone is UTC and carries the statement
timeout, both set in the startup packet (no extra round trip). Dicts and
``Json`` values are sent as JSONB; lists are sent as arrays, which is what
``= ANY(:list)`` wants.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from typing import Any

import psycopg
from psycopg import pq
from psycopg_pool import PoolTimeout

from sqlstore.config import Settings
from sqlstore.dialects._pg_errors import ABORTING as _ABORTING
from sqlstore.dialects._pg_errors import STATEMENT_ERRORS as _STATEMENT_ERRORS
from sqlstore.dialects._pg_errors import mapped as _mapped
from sqlstore.dialects._pg_errors import raise_mapped as _raise_mapped
from sqlstore.dialects._pg_errors import result_error as _result_error
from sqlstore.dialects._pg_inspect import Inspection
from sqlstore.dialects._pg_pool import Pool
from sqlstore.dialects._plans import Plan, plan_of
from sqlstore.dialects.base import Connection, Row, Transaction
from sqlstore.errors import (
    DatabaseUnavailable,
    ParameterError,
    QueryError,
    SqlstoreError,
    TransactionAborted,
)
from sqlstore.queries import Query
from sqlstore.sqltext import Code, Literal_, Statement

__all__ = ["PGConnection", "PGTransaction"]


class PGConnection(Inspection, Connection):
    """A pooled psycopg connection inside one transaction.

    A failed statement aborts a PostgreSQL transaction, so a call is undone
    by rolling back to a savepoint taken before it; while the innermost scope
    (the transaction, or a savepoint) holds no work yet, no savepoint is
    needed: the scope itself is rolled back to its start. A call's savepoint
    is released in the round trip that takes the next one. (Sending the next
    call's savepoint ahead, unanswered, cost more than the round trip it saved:
    on this loopback the send alone costs as much.)
    """

    def __init__(self, raw: psycopg.Connection[Any], readonly: bool):
        self.raw = raw
        self._pgconn = raw.pgconn
        # A read-only transaction at READ COMMITTED holds nothing that rolling it
        # back and beginning again would lose, so it never needs a savepoint.
        self._writes = self.brackets = not readonly
        self._names = itertools.count(1)
        self._small: psycopg.Cursor[Any] | None = None
        # The innermost scope: its savepoint (None: the transaction itself),
        # whether it holds work, and whether a call's savepoint is open in it.
        self._scope: bytes | None = None
        self._dirty = False
        self._pending = False
        self._outer: list[tuple[bytes | None, bool, bool]] = []
        self._call_savepoint: bytes | None = None
        # The scope is back where its call savepoint was taken (a call was undone
        # to it): the next call needs no new one.
        self._ahead = False

    def _control(self, command: bytes) -> None:
        """Run a transaction-control command in one round trip, outside psycopg's cursors."""
        result = self._pgconn.exec_(command)
        if result.status != pq.ExecStatus.COMMAND_OK:
            _raise_mapped(_result_error(self._pgconn, result), None)

    def begin_call(self, multi: bool) -> None:
        """Take a savepoint before a call, unless the scope holds no work to lose."""
        self._call_savepoint = None
        if not self._dirty:
            return
        name = b"sqlstore_call%d" % len(self._outer)
        if self._ahead:
            self._ahead = False
        else:
            self._control(self._next_savepoint(name))
        self._call_savepoint = name

    def _next_savepoint(self, name: bytes) -> bytes:
        """The command that releases this scope's last call savepoint and takes the next."""
        if self._pending:
            return b"RELEASE SAVEPOINT " + name + b"; SAVEPOINT " + name
        self._pending = True
        return b"SAVEPOINT " + name

    def end_call(self) -> None:
        """Keep the call's savepoint: the next call releases it in the same round trip."""
        self._call_savepoint = None

    def undo_call(self, exc: BaseException) -> bool:
        """Roll back to before the failed call; False if the transaction cannot survive it."""
        name, self._call_savepoint = self._call_savepoint, None
        if isinstance(exc.__cause__, _ABORTING) or isinstance(exc, _ABORTING):
            self.failure = exc
            return False
        try:
            status = self._pgconn.transaction_status
            if status not in (pq.TransactionStatus.INTRANS, pq.TransactionStatus.INERROR):
                if status != pq.TransactionStatus.IDLE or self._dirty:
                    raise DatabaseUnavailable("the connection left the transaction")
            elif name is not None:
                self.raw.execute(b"ROLLBACK TO SAVEPOINT " + name)
                _forget_prepared(self.raw)
                # Back where that savepoint was taken: it serves the next call as well.
                self._ahead = True
            elif status == pq.TransactionStatus.INERROR or self._dirty:
                self._restart_scope()
        except (SqlstoreError, psycopg.Error) as undo_error:
            self.failure = undo_error
            return False
        return True

    def _restart_scope(self) -> None:
        """Roll the innermost scope back to its start: it held no work before the call."""
        if self._scope is None:
            # psycopg's own rollback also forgets what it prepared; its next
            # statement begins a new transaction, read-only if this one was.
            self.raw.rollback()
        else:
            self.raw.execute(b"ROLLBACK TO SAVEPOINT " + self._scope)
            _forget_prepared(self.raw)
        self._dirty = self._pending = self._ahead = False

    def commit(self) -> None:
        """Commit; a transaction the database aborted is never reported committed."""
        if self.failure is not None:
            _rollback_quietly(self.raw)
            raise TransactionAborted(self.failure)
        status = self._pgconn.transaction_status
        if status == pq.TransactionStatus.IDLE:
            return
        if status != pq.TransactionStatus.INTRANS:
            _rollback_quietly(self.raw)
            raise TransactionAborted(
                DatabaseUnavailable("the database aborted the transaction before COMMIT")
            )
        result = self._pgconn.exec_(b"COMMIT")
        if result.status != pq.ExecStatus.COMMAND_OK:
            _raise_mapped(_result_error(self._pgconn, result), None)
        if result.command_status != b"COMMIT":
            raise TransactionAborted(
                DatabaseUnavailable(f"COMMIT was answered with {result.command_status!r}")
            )

    def _small_cursor(self) -> psycopg.Cursor[Any]:
        # One cursor for the session's single-row statements, as hand-written
        # code keeps one: creating and closing one per statement costs more
        # than the statement's own Python work.
        if self._small is None or self._small.closed:
            self._small = self.raw.cursor(binary=True)
        return self._small

    def execute(self, query: Query, params: Mapping[str, Any]) -> int:
        """Run a statement; return the number of rows it changed."""
        plan = query.plan or _plan_of(query)
        try:
            cur = self._small_cursor()
            cur.execute(plan.sql, plan.values(params))
        except _STATEMENT_ERRORS as exc:
            _raise_mapped(exc, query)
        self._dirty = self._writes
        return cur.rowcount

    def fetch_all(self, query: Query, params: Mapping[str, Any]) -> list[Row]:
        """Run a statement and return every row."""
        plan = query.plan or _plan_of(query)
        with _mapped(query), self.raw.cursor(binary=True) as cur:
            cur.execute(plan.sql, plan.values(params))
            rows = plan.rows(cur, cur.fetchall())
        self._dirty = self._writes
        return rows

    def fetch_one(self, query: Query, params: Mapping[str, Any]) -> Row | None:
        """Run a statement and return its first row, or ``None``."""
        plan = query.plan or _plan_of(query)
        try:
            cur = self._small_cursor()
            cur.execute(plan.sql, plan.values(params))
            row = cur.fetchone()
        except _STATEMENT_ERRORS as exc:
            _raise_mapped(exc, query)
        self._dirty = self._writes
        return None if row is None else plan.row(cur, row)

    def iterate(
        self, query: Query, params: Mapping[str, Any], batch_size: int
    ) -> Iterator[list[Row]]:
        """Yield rows in batches from a server-side cursor."""
        plan = query.plan or _plan_of(query)
        name = f"sqlstore_cur{next(self._names)}"
        with _mapped(query), self.raw.cursor(name, binary=True) as cur:
            cur.itersize = batch_size
            cur.execute(plan.sql, plan.values(params))
            self._dirty = self._writes
            while rows := cur.fetchmany(batch_size):
                yield plan.rows(cur, rows)

    def execute_many(self, query: Query, rows: Iterable[Mapping[str, Any]]) -> int:
        """Run a statement once per parameter set (pipelined); return the rows changed."""
        plan = query.plan or _plan_of(query)
        with _mapped(query), self.raw.cursor() as cur:
            cur.executemany(plan.sql, (plan.values(row) for row in rows))
            # Read before the cursor closes: closing resets it to -1.
            count = cur.rowcount
        self._dirty = self._writes
        return count

    def copy_in(self, query: Query, rows: Iterable[Sequence[Any]]) -> int:
        """Stream rows through the query's ``COPY ... FROM STDIN``, each row its columns in order.

        A row of another length than the column list is a ``ParameterError``.
        """
        if query.params:
            raise QueryError(
                "a COPY statement takes no parameters", query=query.name, path=query.path
            )
        columns = _copy_columns(query.statement)
        count = 0
        # The text as written: with no parameters psycopg sends it as it is, so
        # pyformat's doubled % must not be used.
        text = query.statement.named()
        with _mapped(query), self.raw.cursor() as cur, cur.copy(text) as copy:
            for row in rows:
                if columns is not None and len(row) != len(columns):
                    extra = [f"value{i}" for i in range(len(columns) + 1, len(row) + 1)]
                    raise ParameterError(
                        query.name, missing=columns[len(row) :], unexpected=extra, path=query.path
                    )
                copy.write_row(row)
                count += 1
        self._dirty = self._writes
        return count

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """A nested transaction: rolled back alone if its block raises."""
        name = b"sqlstore_sp%d" % next(self._names)
        # The scope's call savepoint would not cover what the block does.
        self._ahead = False
        command = b"SAVEPOINT " + name
        if self._pgconn.transaction_status == pq.TransactionStatus.IDLE:
            # psycopg begins a transaction only before its first statement.
            command = (b"BEGIN; " if self._writes else b"BEGIN READ ONLY; ") + command
        self._control(command)
        outer_dirty = self._dirty
        self._outer.append((self._scope, outer_dirty, self._pending))
        self._scope, self._dirty, self._pending = name, False, False
        try:
            yield
        except BaseException:
            self._scope, _, self._pending = self._outer.pop()
            self._dirty, self._ahead = outer_dirty, False
            try:
                self.raw.execute(b"ROLLBACK TO SAVEPOINT " + name + b"; RELEASE SAVEPOINT " + name)
                _forget_prepared(self.raw)
            except (SqlstoreError, psycopg.Error) as exc:
                self.failure = self.failure or exc
            raise
        inner_dirty = self._dirty
        self._scope, _, self._pending = self._outer.pop()
        self._dirty, self._ahead = outer_dirty or inner_dirty, False
        self._control(b"RELEASE SAVEPOINT " + name)


class _PGPlan(Plan):
    """A query's plan on psycopg: ``%s`` placeholders; a tuple or set for a list, a list.

    psycopg sends a list as an array, which ``= ANY(:p)`` wants, but has no
    array form for a tuple or a set; SQLite's adapter takes all three.
    """

    __slots__ = ("_lists",)

    def __init__(self, query: Query):
        super().__init__(query, *query.statement.positional_pyformat())
        listed = query.list_params
        self._lists = tuple(i for i, name in enumerate(self.names) if name in listed)

    def values(self, params: Mapping[str, Any]) -> Sequence[Any]:
        """The parameters in placeholder order, each list-like value of a list as a list."""
        got = super().values(params)
        if not self._lists:
            return got
        out = list(got)
        for i in self._lists:
            if isinstance(out[i], tuple | set | frozenset):
                out[i] = list(out[i])
        return out


def _pg_plan(query: Query) -> Plan:
    return _PGPlan(query)


def _plan_of(query: Query) -> Plan:
    """The query's PostgreSQL plan, made on its first run."""
    return plan_of(query, _pg_plan)


def _forget_prepared(raw: psycopg.Connection[Any]) -> None:
    """Make psycopg prepare its statements again after a rollback to a savepoint.

    psycopg counts a statement as prepared when it sends the PREPARE; in a
    pipelined batch (``executemany``) that an earlier row's error aborted, the
    server skipped it. psycopg forgets them on ``rollback()``, which a rollback
    to a savepoint does not call; its next statement then deallocates all.
    """
    prepared = getattr(raw, "_prepared", None)
    if prepared is not None:
        prepared.clear()


def _rollback_quietly(raw: psycopg.Connection[Any]) -> None:
    """Roll back, ignoring a connection already gone (the pool replaces it)."""
    with suppress(psycopg.Error):
        raw.rollback()


_COPY_COLUMNS = re.compile(r"\s*COPY\s+[^\s(]+\s*\(([^)]*)\)\s*FROM\s+STDIN\b", re.IGNORECASE)


def _copy_columns(statement: Statement) -> tuple[str, ...] | None:
    """The column list of ``COPY table (a, b) FROM STDIN``; ``None`` if it names none."""
    # Comments blanked and quoted names reduced to a placeholder: plain SQL is matched.
    code = "".join(
        seg.text
        if isinstance(seg, Code)
        else " x "
        if isinstance(seg, Literal_) and seg.text[:1] == '"'
        else " "
        for seg in statement.segments
    )
    found = _COPY_COLUMNS.match(code)
    if found is None:
        return None
    return tuple(name.strip() for name in found.group(1).split(","))


class PGTransaction(Transaction):
    """One session's transaction on a pooled psycopg connection."""

    __slots__ = ("_pg", "_pool", "_raw", "_readonly", "_timeout")

    def __init__(self, pool: Pool, settings: Settings, readonly: bool):
        self._pool, self._timeout, self._readonly = pool, settings.connect_timeout, readonly

    def begin(self) -> Connection:
        """A pooled connection that answers, in a transaction (``Pool.begin``)."""
        try:
            self._raw = self._pool.begin(self._timeout, self._readonly)
        except (psycopg.Error, PoolTimeout) as exc:
            _raise_mapped(exc, None)
        self._pg = PGConnection(self._raw, self._readonly)
        return self._pg

    def commit(self) -> None:
        """``COMMIT``, refusing what the server aborted (``PGConnection.commit``)."""
        try:
            self._pg.commit()
        except (psycopg.Error, PoolTimeout) as exc:
            _raise_mapped(exc, None)

    def abandon(self, error: BaseException) -> None:
        """Roll back; what escaped the block from the driver is raised as sqlstore's error."""
        _rollback_quietly(self._raw)
        if isinstance(error, psycopg.Error | PoolTimeout):
            _raise_mapped(error, None)

    def give_back(self) -> None:
        """Return the connection to the pool."""
        self._pool.putconn(self._raw)
