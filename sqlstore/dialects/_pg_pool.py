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
from collections.abc import Iterator
from contextlib import contextmanager
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

    @contextmanager
    def working_connection(self, timeout: float) -> Iterator[psycopg.Connection[Any]]:
        """A pooled connection that answers (``ConnectionPool.check_connection``).

        The check is a round trip on every session (about 60 us here). A check
        of the idle socket alone (readable once the server has hung up) was
        cheaper, but missed a backend that had been told to exit and had not
        yet: the stress suite's reconnect scenario then failed twice in a row.

        A dead one (the server restarted, or ended the session) goes back to
        the pool, which replaces it, and the next is tried at once. The pool's
        own ``check`` would sleep 1, 2, 4... seconds after each dead one, so a
        pool of idle connections killed by a restart outlasted the timeout.
        """
        deadline = time.monotonic() + timeout
        for _ in range(self.max_size + 1):
            raw = self.getconn(timeout=max(deadline - time.monotonic(), 0.001))
            try:
                ConnectionPool.check_connection(raw)
            except psycopg.Error:
                self.putconn(raw)
                continue
            try:
                yield raw
            finally:
                self.putconn(raw)
            return
        raise PoolTimeout(f"no working connection after {self.max_size + 1} tries")
