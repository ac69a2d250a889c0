"""PostgreSQL's part of running migrations: a session advisory lock; plain ``BEGIN``."""

from __future__ import annotations

import contextlib
import os
import time
from typing import Any

from sqlstore.dialects._migrations import POLL, HeldLock, MigrationDriver, busy
from sqlstore.errors import MigrationError

__all__ = ["PostgreSQLMigrationDriver"]

#: The advisory lock's two int4 keys: "sqls", "migr". One lock per database.
_KEYS = (0x73716C73, 0x6D696772)

_HOLDER_SQL = f"""
SELECT
    l.pid,
    a.application_name,
    a.state,
    CAST(a.client_addr AS text),
    EXTRACT(EPOCH FROM (now() - a.state_change))
FROM pg_catalog.pg_locks AS l
LEFT JOIN pg_catalog.pg_stat_activity AS a ON a.pid = l.pid
WHERE
    l.locktype = 'advisory'
    AND l.granted
    AND l.database = (SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database())
    AND l.classid = {_KEYS[0]}
    AND l.objid = {_KEYS[1]}
    AND l.objsubid = 2
"""


class _PGAdvisoryLock(HeldLock):
    def __init__(self, conn: Any, doing: str):
        self._conn = conn
        self.doing(doing)

    def doing(self, what: str) -> None:
        # application_name is what pg_stat_activity shows every other session
        # (63 bytes at most); set outside any transaction, so it stays set.
        text = f"sqlstore pid {os.getpid()}: {what}"
        with contextlib.suppress(Exception):
            self._conn.execute("SELECT set_config('application_name', %s, false)", [text])

    def release(self) -> None:
        with contextlib.suppress(Exception):
            self._conn.execute(f"SELECT pg_advisory_unlock({_KEYS[0]}, {_KEYS[1]})")


class PostgreSQLMigrationDriver(MigrationDriver):
    """PostgreSQL: a session-level advisory lock on yoyo's connection; plain ``BEGIN``."""

    def prepare(self, backend: Any, timeout: float) -> None:
        """Have the server notice a dead client even in the middle of a long statement."""
        # PostgreSQL 14+: without it a killed migrate's backend runs its
        # statement to the end (holding the lock) before it sees the client gone.
        with contextlib.suppress(backend.DatabaseError):
            backend.connection.execute("SET client_connection_check_interval = 1000")

    def acquire(self, backend: Any, timeout: float, doing: str) -> HeldLock:
        """``pg_try_advisory_lock`` until ``timeout``; the error names the holder."""
        conn = backend.connection
        deadline = time.monotonic() + timeout
        while True:
            row = conn.execute(f"SELECT pg_try_advisory_lock({_KEYS[0]}, {_KEYS[1]})").fetchone()
            if row and row[0]:
                return _PGAdvisoryLock(conn, doing)
            if time.monotonic() >= deadline:
                raise busy(timeout, self.holder(backend))
            time.sleep(POLL)

    def holder(self, backend: Any) -> str | None:
        """The holding backend's pid, client, application name and state, from the catalog."""
        row = backend.connection.execute(_HOLDER_SQL).fetchone()
        if not row:
            return None
        pid, app, state, client, seconds = row
        text = f"PostgreSQL backend pid {pid}"
        if client:
            text += f" (client {client})"
        details = [str(app) if app else "", str(state) if state else ""]
        if seconds is not None and state:
            details[-1] += f" for {float(seconds):.0f} s"
        shown = "; ".join(d for d in details if d)
        return f"{text}: {shown}" if shown else text

    def begin(self, backend: Any) -> None:
        """``BEGIN``: yoyo's connection is in autocommit mode between migrations."""
        backend.execute("BEGIN")

    def commit(self, backend: Any) -> None:
        """``COMMIT``, refusing the ROLLBACK a server sends for an aborted transaction."""
        status = backend.execute("COMMIT").statusmessage
        if status != "COMMIT":
            raise MigrationError(
                f"the database answered the migration's COMMIT with {status}: "
                "nothing of it was committed"
            )
