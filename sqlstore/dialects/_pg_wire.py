"""The blocking I/O under PostgreSQL's rules: what ``_pg_aio_wire`` awaits, run directly.

``_pg_connection``, ``_pg_pool`` and ``_pg_connect`` are generated from their
async sources (``tools/unasync.py``); the few steps whose blocking form is
not the async one without ``await`` live here and in ``_pg_aio_wire``, under
the same names: a control command sent straight to libpq (the blocking fast
path), and ``shielded``, which has nothing to shield from here.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

import psycopg
from psycopg import pq
from psycopg.generators import execute

from sqlstore.dialects._pg_errors import raise_mapped as _raise_mapped
from sqlstore.dialects._pg_errors import result_error as _result_error
from sqlstore.dialects._pg_inspect import Inspection
from sqlstore.dialects.base import Connection

__all__ = ["PGWire", "execute_command", "execute_commands", "shielded", "sleep"]

T = TypeVar("T")


class PGWire(Inspection, Connection):
    """The blocking connection's I/O steps, and the checker's questions (``Inspection``)."""

    raw: psycopg.Connection[Any]
    _pgconn: pq.abc.PGconn

    def _control(self, command: bytes) -> pq.abc.PGresult:
        """Run a transaction-control command in one round trip, outside psycopg's cursors."""
        result = self._pgconn.exec_(command)
        if result.status != pq.ExecStatus.COMMAND_OK:
            _raise_mapped(_result_error(self._pgconn, result), None)
        return result


def execute_command(raw: psycopg.Connection[Any], command: bytes) -> pq.abc.PGresult:
    """Send ``command`` (statements separated by ``;``) in one round trip; its last result."""
    return raw.pgconn.exec_(command)


def execute_commands(raw: psycopg.Connection[Any], command: bytes) -> list[pq.abc.PGresult]:
    """Send ``command`` in one round trip; the result of each statement the server ran."""
    pgconn = raw.pgconn
    pgconn.send_query(command)
    results: list[pq.abc.PGresult] = raw.wait(execute(pgconn))
    return results


#: ``_pg_aio_wire.sleep``'s blocking twin.
sleep = time.sleep


def shielded(step: Callable[..., T], /, *args: Any) -> T:
    """``step(*args)``: ``_pg_aio_wire.shielded`` guards it from a cancelled task; none here."""
    return step(*args)
