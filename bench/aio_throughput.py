"""Concurrent reads on PostgreSQL: coroutines on a pool of 10, ``sqlstore.aio`` against by hand.

``coroutines`` coroutines run at once, each getting ``per`` generations by id,
one at a time, each get a transaction of its own: a read-only session and one
``GenerationDAO.get`` through ``sqlstore.aio``; by hand, ``async with
pool.connection()`` on a ``psycopg_pool.AsyncConnectionPool`` of the same size
and one prepared, binary ``SELECT`` (psycopg begins the transaction, the
pool's block commits it: the same three round trips as the session's).
Beside them, reported without a target, the same by hand on a pool in
autocommit mode: one round trip a get, the least a get can cost.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any
from uuid import UUID

from psycopg.types.json import set_json_loads
from psycopg_pool import AsyncConnectionPool
from pydantic_core import from_json

import sqlstore
import sqlstore.aio
from bench.checks import same
from bench.common import generations
from bench.driver_sql import GEN_COLS, POSTGRESQL
from bench.workloads_driver import _gen
from sqlstore.aio.dao import GenerationDAO as AsyncGenerationDAO
from sqlstore.dao import GenerationDAO
from sqlstore.dialects import scratch_database
from sqlstore.models import Generation

POOL = 10
SIDES = ("driver", "sqlstore", "driver_autocommit")

Get = Callable[[UUID], Awaitable[Generation | None]]


def _with_pool(url: str, size: int) -> str:
    return f"{url}{'&' if '?' in url else '?'}pool_size={size}&max_overflow=0"


async def _gather(get: Get, ids: list[UUID], coroutines: int, per: int) -> list[Any]:
    """Every coroutine's gets, in a fixed order: coroutine ``c`` reads ids ``c*per`` onwards."""

    async def reader(c: int) -> list[Generation | None]:
        return [await get(ids[(c * per + k) % len(ids)]) for k in range(per)]

    got = await asyncio.gather(*(reader(c) for c in range(coroutines)))
    return [g for each in got for g in each]


async def _sqlstore(url: str, ids: list[UUID], coroutines: int, per: int) -> tuple[float, Any]:
    async with sqlstore.aio.connect(_with_pool(url, POOL)) as store:

        async def get(id: UUID) -> Generation | None:
            async with store.session(readonly=True) as session:
                return await AsyncGenerationDAO(session).get(id)

        return await _timed(get, ids, coroutines, per)


async def _driver(
    url: str, ids: list[UUID], coroutines: int, per: int, *, autocommit: bool = False
) -> tuple[float, Any]:
    async def configure(conn: Any) -> None:
        set_json_loads(from_json, conn)

    kwargs = {"options": "-c TimeZone=UTC", "autocommit": autocommit}
    pool = AsyncConnectionPool(
        url, min_size=POOL, max_size=POOL, kwargs=kwargs, configure=configure, open=False
    )
    await pool.open(wait=True)
    sql, cols = POSTGRESQL["get"], GEN_COLS

    async def get(id: UUID) -> Generation | None:
        async with pool.connection() as conn:
            cur = await conn.execute(sql, (id,), prepare=True, binary=True)
            row = await cur.fetchone()
        return None if row is None else _gen(dict(zip(cols, row, strict=True)))

    try:
        return await _timed(get, ids, coroutines, per)
    finally:
        await pool.close()


async def _timed(get: Get, ids: list[UUID], coroutines: int, per: int) -> tuple[float, Any]:
    # Untimed first: every pooled connection opened and its statement prepared.
    await _gather(get, ids, coroutines, 1)
    start = time.perf_counter()
    got = await _gather(get, ids, coroutines, per)
    return time.perf_counter() - start, got


def concurrent_gets(
    server_url: str,
    *,
    coroutines: int = 500,
    per: int = 40,
    rounds: int = 3,
    echo: Callable[[str], None] = print,
) -> dict[str, Any]:
    """Gets per second of each side, median of ``rounds`` (order rotating), and the ratio.

    Every side must read the same models, times and all (one database, read only).
    """
    total = coroutines * per
    seconds: dict[str, list[float]] = {side: [] for side in SIDES}
    with scratch_database(server_url, "sqlstore_bench") as url:
        with sqlstore.connect(url) as store:
            store.migrate()
            news = generations(min(total, 2000), seed=11)
            with store.session() as session:
                GenerationDAO(session).create_many(news)
        ids = [g.id for g in news]
        runs: dict[str, Callable[[], Coroutine[Any, Any, tuple[float, Any]]]] = {
            "driver": lambda: _driver(url, ids, coroutines, per),
            "sqlstore": lambda: _sqlstore(url, ids, coroutines, per),
            "driver_autocommit": lambda: _driver(url, ids, coroutines, per, autocommit=True),
        }
        for n in range(max(1, rounds)):
            results: dict[str, Any] = {}
            for side in SIDES[n % len(SIDES) :] + SIDES[: n % len(SIDES)]:
                took, results[side] = asyncio.run(runs[side]())
                seconds[side].append(took)
                echo(f"  {coroutines} coroutines x {per} gets {side:17s} {took:8.3f} s")
            if len(results["sqlstore"]) != total or None in results["sqlstore"]:
                raise AssertionError(f"concurrent gets: {len(results['sqlstore'])} of {total}")
            for side in ("driver", "driver_autocommit"):
                same("concurrent gets", results[side], results["sqlstore"], times=True)
    per_s = {side: total / statistics.median(s) for side, s in seconds.items()}
    return {
        "coroutines": coroutines,
        "gets_each": per,
        "pool": POOL,
        "rounds": max(1, rounds),
        "seconds": seconds,
        "driver_gets_per_s": per_s["driver"],
        "sqlstore_gets_per_s": per_s["sqlstore"],
        "driver_autocommit_gets_per_s": per_s["driver_autocommit"],
        "ratio": per_s["driver"] / per_s["sqlstore"],
        "equal_models": True,
    }
