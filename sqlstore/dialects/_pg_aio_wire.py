"""The async I/O under PostgreSQL's rules, on psycopg's ``AsyncConnection``.

The async twin of ``_pg_wire`` (see there): the steps that the generated
blocking modules take directly. A control command is sent outside psycopg's
cursors, as on the blocking side, and waited for with psycopg's own
``wait``: if the task is cancelled meanwhile, psycopg cancels the command on
the server and reads its answer, so the connection is left idle in its
transaction (``INERROR`` if the cancel landed) rather than busy.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import psycopg
from psycopg import pq
from psycopg.generators import execute

from sqlstore.dialects._pg_errors import raise_mapped as _raise_mapped
from sqlstore.dialects._pg_errors import result_error as _result_error
from sqlstore.dialects.base_async import AsyncConnection

__all__ = ["AsyncPGWire", "execute_command", "execute_commands", "shielded", "sleep"]

T = TypeVar("T")

_OK = pq.ExecStatus.COMMAND_OK


class AsyncPGWire(AsyncConnection):
    """The async connection's I/O steps."""

    raw: psycopg.AsyncConnection[Any]
    _pgconn: pq.abc.PGconn

    async def _control(self, command: bytes) -> pq.abc.PGresult:
        """Run a transaction-control command in one round trip, outside psycopg's cursors."""
        result = await execute_command(self.raw, command)
        if result.status != _OK:
            _raise_mapped(_result_error(self._pgconn, result), None)
        return result


async def execute_command(raw: psycopg.AsyncConnection[Any], command: bytes) -> pq.abc.PGresult:
    """Send ``command`` (statements separated by ``;``) in one round trip; its last result.

    As libpq's ``PQexec``: the server stops at a failed statement, whose
    result is then the last.
    """
    pgconn = raw.pgconn
    pgconn.send_query(command)
    results: list[pq.abc.PGresult] = await raw.wait(execute(pgconn))
    return results[-1]


async def execute_commands(
    raw: psycopg.AsyncConnection[Any], command: bytes
) -> list[pq.abc.PGresult]:
    """Send ``command`` in one round trip; the result of each statement the server ran."""
    pgconn = raw.pgconn
    pgconn.send_query(command)
    results: list[pq.abc.PGresult] = await raw.wait(execute(pgconn))
    return results


#: Waits without holding the event loop (``time.sleep`` on the blocking side).
sleep = asyncio.sleep


async def shielded(step: Callable[..., Awaitable[T]], /, *args: Any) -> T:
    """Await ``step(*args)`` to its end even if this task is cancelled meanwhile, then re-raise.

    For the steps that give a connection back: a task cancelled (again)
    while its transaction rolls back still finds the connection in the pool
    once it has stopped, not some time later.
    """
    task = asyncio.ensure_future(step(*args))
    interrupted: asyncio.CancelledError | None = None
    while not task.done():
        try:
            await asyncio.shield(task)
        except asyncio.CancelledError as exc:
            if task.cancelled():
                raise
            interrupted = exc
    if interrupted is not None:
        task.add_done_callback(_drop_outcome)
        raise interrupted
    return task.result()


def _drop_outcome(task: asyncio.Future[Any]) -> None:
    if not task.cancelled():
        task.exception()
