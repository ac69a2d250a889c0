"""The operations awaited: ``sqlstore.aio`` against the same work hand-written on async drivers.

PostgreSQL's baseline is ``bench/workloads_driver.py``'s, awaited on
``psycopg.AsyncConnection``: the same SQL text, statements prepared, one
cursor reused, binary rows, JSONB parsed by pydantic's parser, COPY for bulk,
the job and its usage in one pipeline, the claim on an autocommit connection.

SQLite has no async driver in the standard library: the baseline is the
stdlib ``sqlite3`` connection on a thread of its own, each call the app awaits
one hop to that thread (``_Thread``: a queue the thread reads, and the answer
set on the loop with ``call_soon_threadsafe``). That is aiosqlite's own
mechanism, minus its layers: measured on 2,000 one-row gets, a hop cost about
30 µs of CPU here, 33 µs through aiosqlite's ``execute_fetchall``, 44 µs
through ``loop.run_in_executor`` on a one-thread executor and 56 µs through
``asyncio.to_thread``; and a hop here runs a unit of several statements (a job
and its prompt usage, a whole claim) where aiosqlite's public calls take one
hop per statement. So neither aiosqlite nor ``to_thread`` would be the
fastest correct baseline.

Each workload's methods are coroutines; ``Awaited`` runs them on an event
loop of its own, so the blocking bench's rounds, timing and checks take them
as they are.
"""

from __future__ import annotations

import asyncio
import queue
import threading
from collections.abc import Callable, Coroutine
from datetime import UTC
from typing import Any
from uuid import UUID

import psycopg
from psycopg.types.json import set_json_loads
from pydantic_core import from_json

import sqlstore.aio
from bench.driver_sql import GEN_COLS, POSTGRESQL, PROMPT_COLS, SQLITE, TASK_COLS
from bench.workloads_driver import (
    SQLiteDriverWorkload,
    _claim_order,
    _dumps,
    _gen,
    _now,
    _prompt,
    _task,
    _values,
)
from sqlstore.aio.dao import GenerationDAO, PromptDAO, TaskDAO
from sqlstore.models import Generation, GenerationCreate, GenerationStatus, Prompt
from sqlstore.models.tasks import Task


async def apg_connect(url: str, *, autocommit: bool = False) -> psycopg.AsyncConnection[Any]:
    """A UTC psycopg async connection whose JSONB is parsed by pydantic's parser."""
    conn = await psycopg.AsyncConnection.connect(
        url, autocommit=autocommit, options="-c TimeZone=UTC"
    )
    set_json_loads(from_json, conn)
    return conn


class PostgresAsyncDriver:
    """psycopg 3 async by hand: the blocking baseline's code, awaited."""

    def __init__(self, url: str):
        self.url = url

    async def open(self) -> None:
        self.conn = await apg_connect(self.url)
        # A one-statement transaction (a claim) needs no BEGIN and COMMIT.
        self.auto = await apg_connect(self.url, autocommit=True)

    async def close(self) -> None:
        await self.conn.close()
        await self.auto.close()

    async def insert(self, news: list[GenerationCreate]) -> list[Generation]:
        conn, insert, track, cols = self.conn, POSTGRESQL["insert"], POSTGRESQL["track"], GEN_COLS
        out = []
        async with conn.transaction(), conn.cursor() as cur, conn.cursor() as usage:
            for n in news:
                now = _now(UTC)
                async with conn.pipeline():
                    await cur.execute(insert, _values(n, n.id, now), prepare=True)
                    await usage.execute(track, (n.prompt, now, now), prepare=True)
                out.append(_gen(dict(zip(cols, await cur.fetchone(), strict=True))))  # type: ignore[arg-type]
        return out

    async def insert_bulk(self, news: list[GenerationCreate]) -> int:
        conn, now = self.conn, _now(UTC)
        async with conn.transaction(), conn.cursor() as cur:
            async with cur.copy(POSTGRESQL["copy_in"]) as copy:
                write = copy.write_row
                for n in news:
                    await write(_values(n, n.id, now))
            await cur.execute(POSTGRESQL["record_prompts"], (now, now, [n.prompt for n in news]))
        return len(news)

    async def get(self, ids: list[UUID]) -> list[Generation | None]:
        conn, sql, cols = self.conn, POSTGRESQL["get"], GEN_COLS
        out: list[Generation | None] = []
        async with conn.transaction(), conn.cursor(binary=True) as cur:
            ex, one = cur.execute, cur.fetchone
            for id in ids:
                await ex(sql, (id,), prepare=True)
                row = await one()
                out.append(None if row is None else _gen(dict(zip(cols, row, strict=True))))
        return out

    async def list(self, status: str, n: int, page: int) -> list[Generation]:
        conn, cols = self.conn, GEN_COLS
        out: list[Generation] = []
        async with conn.transaction(), conn.cursor(binary=True) as cur:
            while len(out) < n:
                limit = min(page, n - len(out))
                if out:
                    last = out[-1]
                    params: tuple[Any, ...] = (
                        *(status, status, None, None),
                        *(last.created_at, last.id, limit),
                    )
                    await cur.execute(POSTGRESQL["list_after"], params, prepare=True)
                else:
                    params = (status, status, None, None, limit, 0)
                    await cur.execute(POSTGRESQL["list"], params, prepare=True)
                rows = await cur.fetchall()
                if not rows:
                    break
                out += [_gen(dict(zip(cols, r, strict=True))) for r in rows]
        return out

    async def update_status(self, ids: list[UUID]) -> list[Generation]:
        conn, sql, cols = self.conn, POSTGRESQL["set_status"], GEN_COLS
        allowed = ["pending"]
        out = []
        async with conn.transaction(), conn.cursor(binary=True) as cur:
            for id in ids:
                now = _now(UTC)
                params = ("processing", None, "processing", now, id, allowed)
                await cur.execute(sql, params, prepare=True)
                row = await cur.fetchone()
                if row is None:
                    raise LookupError(f"generation {id} is not pending")
                out.append(_gen(dict(zip(cols, row, strict=True))))
        return out

    async def track_usage(self, texts: list[str]) -> list[Prompt]:
        conn, sql, cols = self.conn, POSTGRESQL["track"], PROMPT_COLS
        out = []
        async with conn.transaction(), conn.cursor(binary=True) as cur:
            for text in texts:
                now = _now(UTC)
                await cur.execute(sql, (text, now, now), prepare=True)
                out.append(_prompt(dict(zip(cols, await cur.fetchone(), strict=True))))  # type: ignore[arg-type]
        return out

    async def claim(self, batches: int, size: int) -> list[Task]:
        sql, cols = POSTGRESQL["claim"], TASK_COLS
        out: list[Task] = []
        async with self.auto.cursor(binary=True) as cur:
            for _ in range(batches):
                now = _now(UTC)
                await cur.execute(sql, (1, [], size, now, now), prepare=True)
                rows = await cur.fetchall()
                if not rows:
                    break
                got = [_task(dict(zip(cols, r, strict=True))) for r in rows]
                out += sorted(got, key=_claim_order)
        return out


def _settle(future: asyncio.Future[Any], ok: bool, result: Any) -> None:
    if not future.cancelled():
        if ok:
            future.set_result(result)
        else:
            future.set_exception(result)


class _Thread:
    """One thread that runs what it is given, in order, and answers on the caller's loop."""

    def __init__(self) -> None:
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        threading.Thread(target=self._work, name="bench-sqlite", daemon=True).start()

    def _work(self) -> None:
        while (item := self._queue.get()) is not None:
            future, fn, args = item
            try:
                result, ok = fn(*args), True
            except BaseException as exc:
                result, ok = exc, False
            future.get_loop().call_soon_threadsafe(_settle, future, ok, result)

    def run(self, fn: Callable[..., Any], *args: Any) -> asyncio.Future[Any]:
        """``fn(*args)`` on the thread; await the future for its result."""
        future = asyncio.get_running_loop().create_future()
        self._queue.put((future, fn, args))
        return future

    def stop(self) -> None:
        """Let the thread end once what it was given has run."""
        self._queue.put(None)


class SQLiteAsyncDriver:
    """stdlib sqlite3 on a thread of its own: one hop per call the app awaits."""

    def __init__(self, url: str):
        self.url = url
        self.thread = _Thread()
        self._run = self.thread.run

    async def open(self) -> None:
        # Connected on its thread, set up exactly as the blocking baseline's.
        self.blocking = await self._run(SQLiteDriverWorkload, "sqlite", self.url)
        self.conn = self.blocking.conn

    async def close(self) -> None:
        await self._run(self.conn.close)
        self.thread.stop()

    def _row(self, sql: str, params: tuple[Any, ...]) -> Any:
        return self.conn.execute(sql, params).fetchone()

    def _rows(self, sql: str, params: tuple[Any, ...]) -> list[Any]:
        return self.conn.execute(sql, params).fetchall()

    def _created(self, n: GenerationCreate) -> Any:
        now = _now(UTC).isoformat(timespec="microseconds")
        row = self.conn.execute(SQLITE["insert"], _values(n, str(n.id), now)).fetchone()
        self.conn.execute(SQLITE["track"], (n.prompt, now)).fetchone()
        return row

    async def _in_transaction(self, how: str, steps: Callable[[], Coroutine[Any, Any, Any]]) -> Any:
        await self._run(self.conn.execute, f"BEGIN {how}")
        try:
            result = await steps()
        except BaseException:
            await self._run(self.conn.execute, "ROLLBACK")
            raise
        await self._run(self.conn.execute, "COMMIT")
        return result

    async def insert(self, news: list[GenerationCreate]) -> list[Generation]:
        async def steps() -> list[Generation]:
            run, created, cols = self._run, self._created, GEN_COLS
            return [_gen(dict(zip(cols, await run(created, n), strict=True))) for n in news]

        return await self._in_transaction("IMMEDIATE", steps)  # type: ignore[no-any-return]

    async def insert_bulk(self, news: list[GenerationCreate]) -> int:
        return await self._run(self.blocking.insert_bulk, news)  # type: ignore[no-any-return]

    async def get(self, ids: list[UUID]) -> list[Generation | None]:
        async def steps() -> list[Generation | None]:
            run, row, sql, cols = self._run, self._row, SQLITE["get"], GEN_COLS
            out: list[Generation | None] = []
            for id in ids:
                got = await run(row, sql, (str(id),))
                out.append(None if got is None else _gen(dict(zip(cols, got, strict=True))))
            return out

        return await self._in_transaction("", steps)  # type: ignore[no-any-return]

    async def list(self, status: str, n: int, page: int) -> list[Generation]:
        async def steps() -> list[Generation]:
            out: list[Generation] = []
            while len(out) < n:
                limit = min(page, n - len(out))
                if out:
                    at = out[-1].created_at.isoformat(timespec="microseconds")
                    params = (status, None, limit, at, str(out[-1].id))
                    rows = await self._run(self._rows, SQLITE["list_after"], params)
                else:
                    rows = await self._run(self._rows, SQLITE["list"], (status, None, limit, 0))
                if not rows:
                    break
                out += [_gen(dict(zip(GEN_COLS, r, strict=True))) for r in rows]
            return out

        return await self._in_transaction("", steps)  # type: ignore[no-any-return]

    async def update_status(self, ids: list[UUID]) -> list[Generation]:
        allowed = _dumps(["pending"])

        def one(id: UUID) -> Any:
            now = _now(UTC).isoformat(timespec="microseconds")
            return self._row(SQLITE["set_status"], ("processing", None, now, str(id), allowed))

        async def steps() -> list[Generation]:
            out = []
            for id in ids:
                row = await self._run(one, id)
                if row is None:
                    raise LookupError(f"generation {id} is not pending")
                out.append(_gen(dict(zip(GEN_COLS, row, strict=True))))
            return out

        return await self._in_transaction("IMMEDIATE", steps)  # type: ignore[no-any-return]

    async def track_usage(self, texts: list[str]) -> list[Prompt]:
        def one(text: str) -> Any:
            return self._row(SQLITE["track"], (text, _now(UTC).isoformat(timespec="microseconds")))

        async def steps() -> list[Prompt]:
            run, cols = self._run, PROMPT_COLS
            return [_prompt(dict(zip(cols, await run(one, t), strict=True))) for t in texts]

        return await self._in_transaction("IMMEDIATE", steps)  # type: ignore[no-any-return]

    async def claim(self, batches: int, size: int) -> list[Task]:
        # One claim is one call the app awaits: its transaction runs whole on the thread.
        claim = self.blocking.claim
        out: list[Task] = []
        for _ in range(batches):
            out += await self._run(claim, 1, size)
        return out


class AsyncSqlstoreWorkload:
    """``sqlstore.aio``: the blocking workload's sessions and DAO calls, awaited."""

    def __init__(self, url: str):
        self.store = sqlstore.aio.connect(url)

    async def open(self) -> None:
        await self.store.open()

    async def close(self) -> None:
        await self.store.close()

    async def insert(self, news: list[GenerationCreate]) -> list[Generation]:
        async with self.store.session() as session:
            dao = GenerationDAO(session)
            return [await dao.create(new) for new in news]

    async def insert_bulk(self, news: list[GenerationCreate]) -> int:
        async with self.store.session() as session:
            return await GenerationDAO(session).create_many(news)

    async def get(self, ids: list[UUID]) -> list[Generation | None]:
        async with self.store.session(readonly=True) as session:
            dao = GenerationDAO(session)
            return [await dao.get(id) for id in ids]

    async def list(self, status: str, n: int, page: int) -> list[Generation]:
        wanted = GenerationStatus(status)
        out: list[Generation] = []
        after = None
        async with self.store.session(readonly=True) as session:
            dao = GenerationDAO(session)
            while len(out) < n:
                got = await dao.list(status=wanted, limit=min(page, n - len(out)), after=after)
                if not got:
                    break
                out += got
                after = got[-1]
        return out

    async def update_status(self, ids: list[UUID]) -> list[Generation]:
        async with self.store.session() as session:
            dao = GenerationDAO(session)
            return [await dao.update_status(id, GenerationStatus.PROCESSING) for id in ids]

    async def track_usage(self, texts: list[str]) -> list[Prompt]:
        async with self.store.session() as session:
            prompts = PromptDAO(session)
            return [await prompts.track_usage(text) for text in texts]

    async def claim(self, batches: int, size: int) -> list[Task]:
        out: list[Task] = []
        for _ in range(batches):
            async with self.store.session() as session:
                out += await TaskDAO(session).claim(size)
        return out


class Awaited:
    """An async workload behind blocking methods: each call runs to its end on one loop."""

    def __init__(self, workload: Any):
        self._runner = asyncio.Runner()
        self._workload = workload
        self._runner.run(workload.open())

    def __getattr__(self, name: str) -> Callable[..., Any]:
        method = getattr(self._workload, name)
        run = self._runner.run
        return lambda *args: run(method(*args))

    def close(self) -> None:
        """Close the workload, then its loop."""
        try:
            self._runner.run(self._workload.close())
        finally:
            self._runner.close()


def async_driver(dialect: str, url: str) -> Awaited:
    """The hand-written async baseline for ``dialect``."""
    if dialect == "sqlite":
        return Awaited(SQLiteAsyncDriver(url))
    return Awaited(PostgresAsyncDriver(url))


def async_sqlstore(dialect: str, url: str) -> Awaited:
    """``sqlstore.aio`` on ``url``."""
    return Awaited(AsyncSqlstoreWorkload(url))


#: The async section's two sides, named as the blocking rounds name theirs.
ASYNC_FACTORIES: dict[str, Callable[[str, str], Any]] = {
    "driver": async_driver,
    "sqlstore": async_sqlstore,
}
