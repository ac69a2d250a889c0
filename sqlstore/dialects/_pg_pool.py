"""The PostgreSQL connection pool, and why it could not lend a connection.

psycopg_pool says ``couldn't get a connection after N sec`` both when every
connection is in use and when the server does not answer. The pool here
tells them apart: the server is unreachable if its last attempt to connect
failed (a success clears it), the pool is exhausted if all its connections
are lent out. The first is ``ServerUnreachable`` (sqlstore's
``DatabaseUnavailable``), the second ``PoolExhausted`` (a
``ConcurrencyError``: the database is fine, the app holds every connection).
"""

from __future__ import annotations

import time
from typing import Any

import psycopg
from psycopg_pool import ConnectionPool, PoolTimeout

from sqlstore.config import redact

__all__ = ["Pool", "PoolExhausted", "ServerUnreachable"]


class PoolExhausted(PoolTimeout):
    """Every connection of the pool stayed in use for the whole wait."""


class ServerUnreachable(PoolTimeout):
    """The pool could not open a connection: the server did not answer, or refused."""


class Pool(ConnectionPool[psycopg.Connection[Any]]):
    """A ``ConnectionPool`` whose timeouts say whether it is exhausted or the server is down."""

    _last_failure: BaseException | None = None

    def _connect(self, *args: Any, **kwargs: Any) -> psycopg.Connection[Any]:
        try:
            conn = super()._connect(*args, **kwargs)
        except Exception as exc:
            self._last_failure = exc
            raise
        self._last_failure = None
        return conn

    def getconn(self, timeout: float | None = None) -> psycopg.Connection[Any]:
        """A connection, or a ``PoolTimeout`` that says why none came."""
        started = time.monotonic()
        try:
            return super().getconn(timeout)
        except PoolTimeout as exc:
            if type(exc) is not PoolTimeout:
                raise
            raise self._why(time.monotonic() - started) from None

    def _why(self, waited: float) -> PoolTimeout:
        """The timeout error for a wait of ``waited`` seconds that got no connection."""
        failure = self._last_failure
        if failure is not None:
            text = " ".join(str(failure).split()) or type(failure).__name__
            return ServerUnreachable(
                f"the database server is unreachable: no connection could be opened in "
                f"{waited:.1f} s ({redact(text)})"
            )
        stats = self.get_stats()
        size, idle = stats.get("pool_size", 0), stats.get("pool_available", 0)
        if size >= self.max_size and idle == 0:
            return PoolExhausted(
                f"the connection pool is exhausted: all {self.max_size} connections "
                f"(pool_size + max_overflow) stayed in use for {waited:.1f} s; "
                "end sessions sooner or raise pool_size"
            )
        return PoolTimeout(
            f"no connection in {waited:.1f} s ({size - idle} of {self.max_size} in use)"
        )
