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
from psycopg import pq
from psycopg_pool import AsyncConnectionPool, PoolTimeout

from sqlstore.config import redact
from sqlstore.dialects._pg_aio_wire import execute_command, shielded
from sqlstore.dialects._pg_errors import PoolExhausted, ServerUnreachable

__all__ = ["AsyncPool"]


class AsyncPool(AsyncConnectionPool[psycopg.AsyncConnection[Any]]):
    """A pool whose timeouts say whether it is exhausted or the server is down."""

    _last_failure: BaseException | None = None

    async def _connect(self, *args: Any, **kwargs: Any) -> psycopg.AsyncConnection[Any]:
        try:
            conn = await super()._connect(*args, **kwargs)
        except Exception as exc:
            self._last_failure = exc
            raise
        self._last_failure = None
        return conn

    async def getconn(self, timeout: float | None = None) -> psycopg.AsyncConnection[Any]:
        """A connection, or a ``PoolTimeout`` that says why none came."""
        started = time.monotonic()
        try:
            return await super().getconn(timeout)
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

    async def begin(
        self, timeout: float, readonly: bool, begin: bytes
    ) -> psycopg.AsyncConnection[Any]:
        """A pooled connection that answers, in a transaction it has begun; ``putconn`` it after.

        ``begin`` is the command that begins it (``_pg_plan.begin_command``).

        The ``BEGIN`` is the check: a round trip the transaction needs anyway,
        so a session pays none for it. (A check of the idle socket alone was
        cheaper still, but missed a backend that had been told to exit and had
        not yet: the stress suite's reconnect scenario then failed.) psycopg
        sees the transaction begun and sends no ``BEGIN`` of its own; its
        ``read_only`` is set first, so that a transaction psycopg begins again
        after a rollback is of the same kind.

        A dead connection (the server restarted, or ended the session) goes
        back to the pool, which replaces it, and the next is tried at once. The
        pool's own ``check`` would sleep 1, 2, 4... seconds after each dead
        one, so a pool of idle connections killed by a restart outlasted the
        timeout.
        """
        deadline = time.monotonic() + timeout
        for _ in range(self.max_size + 1):
            raw = await self.getconn(timeout=max(deadline - time.monotonic(), 0.001))
            try:
                if raw.read_only is not readonly:
                    await raw.set_read_only(readonly)
                result = await execute_command(raw, begin)
                if result.status != pq.ExecStatus.COMMAND_OK:
                    raise psycopg.OperationalError("the connection did not begin a transaction")
            except psycopg.Error:
                await self.putconn(raw)
                continue
            except BaseException:
                # Cancelled (or interrupted) while it began: the pool takes it back all the same.
                await shielded(self.putconn, raw)
                raise
            return raw
        raise PoolTimeout(f"no working connection after {self.max_size + 1} tries")
