"""How sqlstore reaches a PostgreSQL server: libpq's arguments from the settings, and the pool."""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg.types.json import set_json_loads
from pydantic_core import from_json

from sqlstore.config import Settings, redact
from sqlstore.dialects._pg_aio_pool import AsyncPool
from sqlstore.dialects._pg_errors import quiet_refused_batches
from sqlstore.dialects._pg_values import register_dumpers
from sqlstore.errors import ConfigError

__all__ = ["connect_kwargs", "open_pool"]


def connect_kwargs(settings: Settings) -> dict[str, Any]:
    """The URL's options, database, address and credentials, and the connect timeout."""
    url = settings.url
    # ``pgbouncer`` is sqlstore's own option (``open_pool``), not libpq's.
    kwargs: dict[str, Any] = {k: v for k, v in url.options if k != "pgbouncer"}
    kwargs.update(dbname=url.database, connect_timeout=max(1, round(settings.connect_timeout)))
    for key, value in (
        ("user", url.username),
        ("password", url.password),
        ("host", url.host),
        ("port", url.port),
    ):
        if value is not None:
            kwargs[key] = value
    return kwargs


async def open_pool(settings: Settings) -> AsyncPool:
    """A pool of UTC sessions on ``settings.url``, opened after one direct connection."""
    kwargs = connect_kwargs(settings)
    if settings.pgbouncer:
        # PgBouncer in transaction mode refuses startup options (or drops them),
        # and lends each transaction whichever server session is free: the time
        # zone and timeout are SET LOCAL with each BEGIN (``begin_command``), and
        # nothing is prepared on a server session (psycopg's advice for PgBouncer).
        kwargs["prepare_threshold"] = None
    else:
        # Set in the startup packet: no round trip per connection.
        options = "-c TimeZone=UTC"
        if settings.statement_timeout > 0:
            options += f" -c statement_timeout={round(settings.statement_timeout * 1000)}"
        if not settings.jit:
            options += " -c jit=off"
        kwargs["options"] = options
    # One direct connection first: a wrong host or password is a clear
    # ConfigError now, not a pool timeout later.
    try:
        first = await psycopg.AsyncConnection.connect(**kwargs)
        await first.close()
    except psycopg.Error as exc:
        detail = redact(" ".join(str(exc).split()))
        if "unsupported startup parameter" in detail and not settings.pgbouncer:
            detail += " (through PgBouncer? add ?pgbouncer=true to the URL)"
        raise ConfigError(f"cannot connect to {settings.url}: {detail}") from exc
    pool = AsyncPool(
        kwargs=kwargs,
        min_size=1,
        max_size=max(1, settings.pool_size + settings.max_overflow),
        max_lifetime=settings.pool_recycle,
        timeout=settings.connect_timeout,
        configure=_configure,
        # Named after its server: psycopg.pool logs a failing replica under its name.
        name=f"sqlstore {settings.url.host or 'local socket'}:{settings.url.port or 5432}",
        open=False,
    )
    await pool.open(wait=True, timeout=settings.connect_timeout)
    return pool


async def _configure(conn: psycopg.AsyncConnection[Any]) -> None:
    register_dumpers(conn.adapters)
    quiet_refused_batches(conn)
    # pydantic's own JSON parser, several times faster than the json module:
    # parsing JSONB was most of the cost of listing rows into models.
    set_json_loads(from_json, conn)
