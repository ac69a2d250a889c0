"""What PostgreSQL's blocking and async connections share and that does no I/O.

A query's plan on psycopg (``%s`` placeholders, list parameters as arrays),
the column list of a ``COPY``, and psycopg's prepared-statement bookkeeping
after a rollback to a savepoint.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from sqlstore.config import Settings
from sqlstore.dialects._plans import Plan
from sqlstore.dialects._plans import plan_of as _plan_of
from sqlstore.queries import Query
from sqlstore.sqltext import Code, Literal_, Statement

__all__ = ["PGPlan", "begin_command", "copy_columns", "forget_prepared", "plan_of"]


class PGPlan(Plan):
    """A query's plan on psycopg: ``%s`` placeholders; a tuple or set for a list, a list.

    psycopg sends a list as an array, which ``= ANY(:p)`` wants, but has no
    array form for a tuple or a set; SQLite's adapter takes all three.
    """

    __slots__ = ("_lists",)

    def __init__(self, query: Query):
        text, names = query.statement.positional_pyformat()
        super().__init__(query, query.tag + text, names)
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
    return PGPlan(query)


def plan_of(query: Query) -> Plan:
    """The query's PostgreSQL plan, made on its first run."""
    return _plan_of(query, _pg_plan)


def begin_command(settings: Settings, readonly: bool) -> bytes:
    """The command that begins a session's transaction, in one round trip.

    Directly, the time zone and statement timeout are the session's, set in
    the startup packet. Through PgBouncer in transaction mode the server
    session changes hands between transactions and the startup options are
    refused, so they are set with ``SET LOCAL`` in the same round trip as the
    ``BEGIN``: they end with the transaction, and leak into no other client's.
    """
    command = b"BEGIN READ ONLY" if readonly else b"BEGIN"
    if not settings.pgbouncer:
        return command
    command += b"; SET LOCAL TimeZone = 'UTC'"
    if settings.statement_timeout > 0:
        command += b"; SET LOCAL statement_timeout = %d" % round(settings.statement_timeout * 1000)
    return command


def forget_prepared(raw: Any) -> None:
    """Make psycopg prepare its statements again after a rollback to a savepoint.

    psycopg counts a statement as prepared when it sends the PREPARE; in a
    pipelined batch (``executemany``) that an earlier row's error aborted, or a
    statement cancelled on the server, the server skipped it. psycopg forgets
    them on ``rollback()``, which a rollback to a savepoint does not call; its
    next statement then deallocates all.
    """
    prepared = getattr(raw, "_prepared", None)
    if prepared is not None:
        prepared.clear()


_COPY_COLUMNS = re.compile(r"\s*COPY\s+[^\s(]+\s*\(([^)]*)\)\s*FROM\s+STDIN\b", re.IGNORECASE)


def copy_columns(statement: Statement) -> tuple[str, ...] | None:
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
