"""The same work hand-written on the bare drivers: the fastest correct code we could write.

What a careful engineer writes without a library, building the same Pydantic
models as sqlstore: the SQL inline with positional markers
(``bench/driver_sql.py``), each statement's column names a constant tuple,
parameters bound as tuples, one compact JSON encoder built once, each row
validated from ``dict(zip(columns, row))``. On psycopg: statements prepared
(``prepare=True``), tuple rows in binary format (measured a third faster to
read than text), JSONB parsed by pydantic's own parser, COPY
for bulk, the job and its prompt usage sent in one pipeline, and a one-statement
claim sent on an autocommit connection (one statement is its own transaction:
no BEGIN and COMMIT round trips). The bench compares the models built here
with sqlstore's on every run.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import psycopg
from psycopg.types.json import set_json_loads
from pydantic_core import from_json

from bench.driver_sql import GEN_COLS, POSTGRESQL, PROMPT_COLS, SQLITE, TASK_COLS
from sqlstore.models import Generation, GenerationCreate, Prompt
from sqlstore.models.tasks import Task

# The compact encoder sqlstore also uses (json.dumps with options builds one per call).
_dumps = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode
_gen = Generation.model_validate
_prompt = Prompt.model_validate
_task = Task.model_validate
_now = datetime.now


def _values(n: GenerationCreate, id: Any, now: Any) -> tuple[Any, ...]:
    """A new job's parameters in column order: the id and the time as the driver takes them."""
    return (
        id,
        n.prompt,
        n.model_name,
        n.model_version,
        n.duration_seconds,
        n.sample_rate,
        n.channels,
        n.file_path,
        _dumps(n.metadata),
        now,
    )


def _claim_order(t: Task) -> tuple[int, datetime, str]:
    return (-t.priority, t.created_at, str(t.id))


class SQLiteDriverWorkload:
    """sqlite3 by hand, the connection set up as sqlstore sets up its own."""

    name = "driver"

    def __init__(self, dialect: str, url: str):
        self.conn = sqlite3.connect(
            url.removeprefix("sqlite:///"), isolation_level=None, cached_statements=256
        )
        for pragma in ("foreign_keys = ON", "journal_mode = WAL", "synchronous = NORMAL"):
            self.conn.execute(f"PRAGMA {pragma}")
        self.conn.execute("PRAGMA busy_timeout = 30000")

    def close(self) -> None:
        self.conn.close()

    def _begin(self, how: str = "IMMEDIATE") -> sqlite3.Connection:
        """Begin a transaction; the connection, used as a context, commits it or rolls it back."""
        self.conn.execute(f"BEGIN {how}")
        return self.conn

    def insert(self, news: list[GenerationCreate]) -> list[Generation]:
        ex, insert, track, cols = self.conn.execute, SQLITE["insert"], SQLITE["track"], GEN_COLS
        out = []
        with self._begin():
            for n in news:
                now = _now(UTC).isoformat(timespec="microseconds")
                row = ex(insert, _values(n, str(n.id), now)).fetchone()
                ex(track, (n.prompt, now)).fetchone()
                out.append(_gen(dict(zip(cols, row, strict=True))))
        return out

    def insert_bulk(self, news: list[GenerationCreate]) -> int:
        now = _now(UTC).isoformat(timespec="microseconds")
        rows = [_values(n, str(n.id), now) for n in news]
        with self._begin() as conn:
            count = conn.executemany(SQLITE["copy_in"], rows).rowcount
            conn.execute(SQLITE["record_prompts"], (_dumps([n.prompt for n in news]), now))
        return int(count)

    def get(self, ids: list[UUID]) -> list[Generation | None]:
        ex, sql, cols = self.conn.execute, SQLITE["get"], GEN_COLS
        out: list[Generation | None] = []
        with self._begin(""):
            for id in ids:
                row = ex(sql, (str(id),)).fetchone()
                out.append(None if row is None else _gen(dict(zip(cols, row, strict=True))))
        return out

    def list(self, status: str, n: int, page: int) -> list[Generation]:
        ex, cols = self.conn.execute, GEN_COLS
        out: list[Generation] = []
        with self._begin(""):
            while len(out) < n:
                limit = min(page, n - len(out))
                if out:
                    last = out[-1]
                    params: tuple[Any, ...] = (
                        status,
                        None,
                        limit,
                        last.created_at.isoformat(timespec="microseconds"),
                        str(last.id),
                    )
                    rows = ex(SQLITE["list_after"], params).fetchall()
                else:
                    rows = ex(SQLITE["list"], (status, None, limit, 0)).fetchall()
                if not rows:
                    break
                out += [_gen(dict(zip(cols, r, strict=True))) for r in rows]
        return out

    def update_status(self, ids: list[UUID]) -> list[Generation]:
        ex, sql, cols = self.conn.execute, SQLITE["set_status"], GEN_COLS
        allowed = _dumps(["pending"])
        out = []
        with self._begin():
            for id in ids:
                now = _now(UTC).isoformat(timespec="microseconds")
                row = ex(sql, ("processing", None, now, str(id), allowed)).fetchone()
                if row is None:
                    raise LookupError(f"generation {id} is not pending")
                out.append(_gen(dict(zip(cols, row, strict=True))))
        return out

    def track_usage(self, texts: list[str]) -> list[Prompt]:
        ex, sql, cols = self.conn.execute, SQLITE["track"], PROMPT_COLS
        out = []
        with self._begin():
            for text in texts:
                row = ex(sql, (text, _now(UTC).isoformat(timespec="microseconds"))).fetchone()
                out.append(_prompt(dict(zip(cols, row, strict=True))))
        return out

    def claim(self, batches: int, size: int) -> list[Task]:
        ex, sql, cols = self.conn.execute, SQLITE["claim"], TASK_COLS
        out: list[Task] = []
        for _ in range(batches):
            with self._begin():
                now = _now(UTC).isoformat(timespec="microseconds")
                rows = ex(sql, (now, 1, "[]", size)).fetchall()
            out += sorted([_task(dict(zip(cols, r, strict=True))) for r in rows], key=_claim_order)
        return out


def pg_connect(url: str, *, autocommit: bool = False) -> psycopg.Connection[Any]:
    """A UTC psycopg connection whose JSONB is parsed by pydantic's parser."""
    conn = psycopg.connect(url, autocommit=autocommit, options="-c TimeZone=UTC")
    set_json_loads(from_json, conn)
    return conn


class PostgresDriverWorkload:
    """psycopg 3 by hand: prepared statements, tuple rows, COPY, the pipeline."""

    name = "driver"

    def __init__(self, dialect: str, url: str):
        self.conn = pg_connect(url)
        # A one-statement transaction (a claim) needs no BEGIN and COMMIT.
        self.auto = pg_connect(url, autocommit=True)

    def close(self) -> None:
        self.conn.close()
        self.auto.close()

    def insert(self, news: list[GenerationCreate]) -> list[Generation]:
        conn, insert, track, cols = self.conn, POSTGRESQL["insert"], POSTGRESQL["track"], GEN_COLS
        out = []
        with conn.transaction(), conn.cursor() as cur, conn.cursor() as usage:
            for n in news:
                now = _now(UTC)
                # Both statements in one round trip; the usage's row is not needed.
                with conn.pipeline():
                    cur.execute(
                        insert,
                        _values(n, n.id, now),
                        prepare=True,
                    )
                    usage.execute(track, (n.prompt, now, now), prepare=True)
                out.append(_gen(dict(zip(cols, cur.fetchone(), strict=True))))  # type: ignore[arg-type]
        return out

    def insert_bulk(self, news: list[GenerationCreate]) -> int:
        conn, now = self.conn, _now(UTC)
        with conn.transaction(), conn.cursor() as cur:
            with cur.copy(POSTGRESQL["copy_in"]) as copy:
                write = copy.write_row
                for n in news:
                    write(_values(n, n.id, now))
            cur.execute(POSTGRESQL["record_prompts"], (now, now, [n.prompt for n in news]))
        return len(news)

    def get(self, ids: list[UUID]) -> list[Generation | None]:
        conn, sql, cols = self.conn, POSTGRESQL["get"], GEN_COLS
        out: list[Generation | None] = []
        with conn.transaction(), conn.cursor(binary=True) as cur:
            ex, one = cur.execute, cur.fetchone
            for id in ids:
                ex(sql, (id,), prepare=True)
                row = one()
                out.append(None if row is None else _gen(dict(zip(cols, row, strict=True))))
        return out

    def list(self, status: str, n: int, page: int) -> list[Generation]:
        conn, cols = self.conn, GEN_COLS
        out: list[Generation] = []
        with conn.transaction(), conn.cursor(binary=True) as cur:
            while len(out) < n:
                limit = min(page, n - len(out))
                if out:
                    last = out[-1]
                    params: tuple[Any, ...] = (
                        *(status, status, None, None),
                        *(last.created_at, last.id, limit),
                    )
                    cur.execute(POSTGRESQL["list_after"], params, prepare=True)
                else:
                    cur.execute(
                        POSTGRESQL["list"], (status, status, None, None, limit, 0), prepare=True
                    )
                rows = cur.fetchall()
                if not rows:
                    break
                out += [_gen(dict(zip(cols, r, strict=True))) for r in rows]
        return out

    def update_status(self, ids: list[UUID]) -> list[Generation]:
        conn, sql, cols = self.conn, POSTGRESQL["set_status"], GEN_COLS
        allowed = ["pending"]
        out = []
        with conn.transaction(), conn.cursor(binary=True) as cur:
            for id in ids:
                now = _now(UTC)
                cur.execute(sql, ("processing", None, "processing", now, id, allowed), prepare=True)
                row = cur.fetchone()
                if row is None:
                    raise LookupError(f"generation {id} is not pending")
                out.append(_gen(dict(zip(cols, row, strict=True))))
        return out

    def track_usage(self, texts: list[str]) -> list[Prompt]:
        conn, sql, cols = self.conn, POSTGRESQL["track"], PROMPT_COLS
        out = []
        with conn.transaction(), conn.cursor(binary=True) as cur:
            for text in texts:
                now = _now(UTC)
                cur.execute(sql, (text, now, now), prepare=True)
                out.append(_prompt(dict(zip(cols, cur.fetchone(), strict=True))))  # type: ignore[arg-type]
        return out

    def claim(self, batches: int, size: int) -> list[Task]:
        return claim_loop(self.auto, batches, size)


def claim_loop(conn: psycopg.Connection[Any], batches: int, size: int) -> list[Task]:
    """``batches`` claims of up to ``size`` tasks on an autocommit connection, in claim order.

    Stops early when a claim finds nothing (the queue is drained).
    """
    sql, cols = POSTGRESQL["claim"], TASK_COLS
    out: list[Task] = []
    with conn.cursor(binary=True) as cur:
        for _ in range(batches):
            now = _now(UTC)
            cur.execute(sql, (1, [], size, now, now), prepare=True)
            rows = cur.fetchall()
            if not rows:
                break
            out += sorted([_task(dict(zip(cols, r, strict=True))) for r in rows], key=_claim_order)
    return out


def driver_workload(dialect: str, url: str) -> SQLiteDriverWorkload | PostgresDriverWorkload:
    """The bare-driver workload for ``dialect``."""
    if dialect == "sqlite":
        return SQLiteDriverWorkload(dialect, url)
    return PostgresDriverWorkload(dialect, url)
