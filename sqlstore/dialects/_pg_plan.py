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

__all__ = [
    "COMMIT_POSITION",
    "WAL_POSITION",
    "PGPlan",
    "begin_command",
    "copy_columns",
    "forget_prepared",
    "lsn",
    "plan_of",
]

# Where the primary's WAL stands once a COMMIT is done: the insert position,
# which is past the commit record even when commits are asynchronous
# (``synchronous_commit=off``: the write position may still be short of it).
# At the very start of a page, though, it points past the page's header (40
# bytes on a segment's first page, 24 on any other), where no record ends: a
# replica that has replayed everything stops at the page's start, so that is
# the position to wait for.
WAL_POSITION = b"""SELECT (at - CASE
    WHEN o < b AND o = 40 THEN 40 WHEN o >= b AND o % b = 24 THEN 24 ELSE 0 END)::text
FROM (SELECT pg_current_wal_insert_lsn() AS at) AS w,
    LATERAL (SELECT file_offset AS o FROM pg_walfile_name_offset(w.at)) AS f,
    (SELECT current_setting('wal_block_size')::int AS b) AS s"""
COMMIT_POSITION = b"COMMIT; " + WAL_POSITION


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
    if not settings.jit:
        command += b"; SET LOCAL jit = off"
    return command


def lsn(text: str) -> int:
    """A WAL position written ``X/Y`` (hexadecimal) as a number; else ``ValueError``."""
    high, sep, low = text.partition("/")
    if not sep or not 0 < len(high) <= 8 or not 0 < len(low) <= 8:
        raise ValueError(text)
    return (int(high, 16) << 32) + int(low, 16)


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
