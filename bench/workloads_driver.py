"""The same work hand-written on the bare drivers (sqlite3, psycopg), with the same SQL.

This is what a careful developer writes without a library: one connection,
one transaction per operation, the SQL text of sqlstore's own files (read
here, not through sqlstore's registry), values adapted by hand and one
Pydantic model validated per row from a dict.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

import psycopg
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from sqlstore.models import Generation, GenerationCreate, Prompt
from sqlstore.paths import builtin_dir
from sqlstore.sqltext import parse

_QUERIES = (
    "generations.generations.insert",
    "generations.generations.copy_in",
    "generations.generations.record_prompts",
    "generations.generations.get",
    "generations.generations.list",
    "generations.generations.list_after",
    "generations.generations.set_status",
    "generations.prompts.track_usage",
    "tasks.claim",
)


def load_sql(dialect: str, *, portable: tuple[str, ...] = ()) -> dict[str, str]:
    """The text of each query for ``dialect``, rendered as its driver takes it.

    Names in ``portable`` take the portable file even where a dialect file exists.
    """
    root = builtin_dir("sql")
    out = {}
    for name in _QUERIES:
        *folders, query = name.split(".")
        specific = Path(root, *folders, f"{query}.{dialect}.sql")
        path = Path(root, *folders, f"{query}.sql")
        if specific.exists() and name not in portable:
            path = specific
        if not path.exists():
            continue
        statement = parse(path.read_text(encoding="utf-8"))
        out[name] = (
            statement.pyformat()
            if dialect == "postgresql"
            else statement.named(lists_as_json_each=True)
        )
    return out


def _now() -> datetime:
    return datetime.now(UTC)


class SQLiteDriverWorkload:
    """sqlite3 by hand: the connection set up as sqlstore sets up its own."""

    name = "driver"

    def __init__(self, dialect: str, url: str):
        self.conn = sqlite3.connect(
            url.removeprefix("sqlite:///"), isolation_level=None, cached_statements=256
        )
        self.conn.execute("PRAGMA foreign_keys = ON")
        self.conn.execute("PRAGMA journal_mode = WAL")
        self.conn.execute("PRAGMA synchronous = NORMAL")
        self.conn.execute("PRAGMA busy_timeout = 30000")
        self.sql = load_sql("sqlite")

    def close(self) -> None:
        self.conn.close()

    def _write(self, work: Any) -> Any:
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            result = work()
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")
        return result

    def _read(self, work: Any) -> Any:
        self.conn.execute("BEGIN")
        try:
            return work()
        finally:
            self.conn.execute("COMMIT")

    def insert(self, news: list[GenerationCreate]) -> list[Generation]:
        insert, track = (
            self.sql["generations.generations.insert"],
            self.sql["generations.prompts.track_usage"],
        )
        conn = self.conn

        def work() -> list[Generation]:
            out = []
            for new in news:
                now = _now().isoformat(timespec="microseconds")
                cur = conn.execute(
                    insert,
                    {
                        "id": str(new.id),
                        "prompt": new.prompt,
                        "model_name": new.model_name,
                        "model_version": new.model_version,
                        "duration_seconds": new.duration_seconds,
                        "sample_rate": new.sample_rate,
                        "channels": new.channels,
                        "file_path": new.file_path,
                        "metadata": json.dumps(new.metadata),
                        "created_at": now,
                    },
                )
                row = cur.fetchone()
                names = [d[0] for d in cur.description]
                conn.execute(track, {"text": new.prompt, "now": now}).fetchall()
                out.append(Generation.model_validate(dict(zip(names, row, strict=True))))
            return out

        return self._write(work)

    def insert_bulk(self, news: list[GenerationCreate]) -> int:
        insert, record = (
            self.sql["generations.generations.copy_in"],
            self.sql["generations.generations.record_prompts"],
        )
        conn = self.conn

        def work() -> int:
            now = _now().isoformat(timespec="microseconds")
            cur = conn.executemany(
                insert,
                (
                    {
                        "id": str(new.id),
                        "prompt": new.prompt,
                        "model_name": new.model_name,
                        "model_version": new.model_version,
                        "duration_seconds": new.duration_seconds,
                        "sample_rate": new.sample_rate,
                        "channels": new.channels,
                        "file_path": new.file_path,
                        "metadata": json.dumps(new.metadata),
                        "created_at": now,
                    }
                    for new in news
                ),
            )
            conn.execute(record, {"texts": json.dumps([n.prompt for n in news]), "now": now})
            return int(cur.rowcount)

        return int(self._write(work))

    def get(self, ids: list[UUID]) -> list[Generation | None]:
        get, conn = self.sql["generations.generations.get"], self.conn

        def work() -> list[Generation | None]:
            out: list[Generation | None] = []
            for id in ids:
                cur = conn.execute(get, {"id": str(id)})
                row = cur.fetchone()
                if row is None:
                    out.append(None)
                    continue
                names = [d[0] for d in cur.description]
                out.append(Generation.model_validate(dict(zip(names, row, strict=True))))
            return out

        return list(self._read(work))

    def list(self, status: str, n: int, page: int) -> list[Generation]:
        first, after_q, conn = (
            self.sql["generations.generations.list"],
            self.sql["generations.generations.list_after"],
            self.conn,
        )

        def work() -> list[Generation]:
            out: list[Generation] = []
            while len(out) < n:
                limit = min(page, n - len(out))
                filters: dict[str, Any] = {"status": status, "model_name": None, "limit": limit}
                if out:
                    last = out[-1]
                    cur = conn.execute(
                        after_q,
                        {
                            **filters,
                            "after_created_at": last.created_at.isoformat(timespec="microseconds"),
                            "after_id": str(last.id),
                        },
                    )
                else:
                    cur = conn.execute(first, {**filters, "offset": 0})
                rows = cur.fetchall()
                if not rows:
                    break
                names = [d[0] for d in cur.description]
                # One dict, one validation per row: the plain loop.
                out += [Generation.model_validate(dict(zip(names, r, strict=True))) for r in rows]
            return out

        return list(self._read(work))

    def update_status(self, ids: list[UUID]) -> list[Generation]:
        sql, conn = self.sql["generations.generations.set_status"], self.conn
        allowed = json.dumps(["pending"])

        def work() -> list[Generation]:
            out = []
            for id in ids:
                cur = conn.execute(
                    sql,
                    {
                        "id": str(id),
                        "status": "processing",
                        "error_message": None,
                        "now": _now().isoformat(timespec="microseconds"),
                        "from_statuses": allowed,
                    },
                )
                row = cur.fetchone()
                names = [d[0] for d in cur.description]
                out.append(Generation.model_validate(dict(zip(names, row, strict=True))))
            return out

        return list(self._write(work))

    def track_usage(self, texts: list[str]) -> list[Prompt]:
        sql, conn = self.sql["generations.prompts.track_usage"], self.conn

        def work() -> list[Prompt]:
            out = []
            for text in texts:
                now = _now().isoformat(timespec="microseconds")
                cur = conn.execute(sql, {"text": text, "now": now})
                row = cur.fetchone()
                names = [d[0] for d in cur.description]
                out.append(Prompt.model_validate(dict(zip(names, row, strict=True))))
            return out

        return list(self._write(work))

    def claim(self, batches: int, size: int) -> list[Any]:
        from sqlstore.models.tasks import Task

        sql, conn = self.sql["tasks.claim"], self.conn
        out: list[Any] = []
        for _ in range(batches):

            def work() -> list[Any]:
                now = _now().isoformat(timespec="microseconds")
                cur = conn.execute(
                    sql, {"limit": size, "max_retries": 1, "retryable_errors": "[]", "now": now}
                )
                rows = cur.fetchall()
                names = [d[0] for d in cur.description]
                tasks = [Task.model_validate(dict(zip(names, r, strict=True))) for r in rows]
                return sorted(tasks, key=lambda t: (-t.priority, t.created_at, str(t.id)))

            out += self._write(work)
        return out


class PostgresDriverWorkload:
    """psycopg 3 by hand: one connection, dict rows, one transaction per operation."""

    name = "driver"

    def __init__(self, dialect: str, url: str):
        self.conn = psycopg.connect(url, autocommit=True, options="-c TimeZone=UTC")
        self.sql = load_sql("postgresql")
        self.portable = load_sql("postgresql", portable=("generations.generations.copy_in",))

    def close(self) -> None:
        self.conn.close()

    def insert(self, news: list[GenerationCreate]) -> list[Generation]:
        insert, track = (
            self.sql["generations.generations.insert"],
            self.sql["generations.prompts.track_usage"],
        )
        out = []
        with self.conn.transaction(), self.conn.cursor(row_factory=dict_row) as cur:
            for new in news:
                now = _now()
                cur.execute(
                    insert,
                    {
                        "id": new.id,
                        "prompt": new.prompt,
                        "model_name": new.model_name,
                        "model_version": new.model_version,
                        "duration_seconds": new.duration_seconds,
                        "sample_rate": new.sample_rate,
                        "channels": new.channels,
                        "file_path": new.file_path,
                        "metadata": Jsonb(new.metadata),
                        "created_at": now,
                    },
                )
                row = cur.fetchone()
                cur.execute(track, {"text": new.prompt, "now": now})
                out.append(Generation.model_validate(row))
        return out

    def insert_bulk(self, news: list[GenerationCreate]) -> int:
        # executemany of the INSERT (psycopg pipelines it): the bare driver's bulk path.
        insert = self.portable["generations.generations.copy_in"]
        record = self.sql["generations.generations.record_prompts"]
        now = _now()
        with self.conn.transaction(), self.conn.cursor() as cur:
            cur.executemany(
                insert,
                [
                    {
                        "id": new.id,
                        "prompt": new.prompt,
                        "model_name": new.model_name,
                        "model_version": new.model_version,
                        "duration_seconds": new.duration_seconds,
                        "sample_rate": new.sample_rate,
                        "channels": new.channels,
                        "file_path": new.file_path,
                        "metadata": Jsonb(new.metadata),
                        "created_at": now,
                    }
                    for new in news
                ],
            )
            cur.execute(record, {"texts": [n.prompt for n in news], "now": now})
        return len(news)

    def get(self, ids: list[UUID]) -> list[Generation | None]:
        sql = self.sql["generations.generations.get"]
        out: list[Generation | None] = []
        with self.conn.transaction(), self.conn.cursor(row_factory=dict_row) as cur:
            for id in ids:
                cur.execute(sql, {"id": id})
                row = cur.fetchone()
                out.append(None if row is None else Generation.model_validate(row))
        return out

    def list(self, status: str, n: int, page: int) -> list[Generation]:
        first, after_q = (
            self.sql["generations.generations.list"],
            self.sql["generations.generations.list_after"],
        )
        out: list[Generation] = []
        with self.conn.transaction(), self.conn.cursor(row_factory=dict_row) as cur:
            while len(out) < n:
                limit = min(page, n - len(out))
                filters: dict[str, Any] = {"status": status, "model_name": None, "limit": limit}
                if out:
                    last = out[-1]
                    cur.execute(
                        after_q,
                        {**filters, "after_created_at": last.created_at, "after_id": last.id},
                    )
                else:
                    cur.execute(first, {**filters, "offset": 0})
                rows = cur.fetchall()
                if not rows:
                    break
                out += [Generation.model_validate(r) for r in rows]
        return out

    def update_status(self, ids: list[UUID]) -> list[Generation]:
        sql = self.sql["generations.generations.set_status"]
        out = []
        with self.conn.transaction(), self.conn.cursor(row_factory=dict_row) as cur:
            for id in ids:
                cur.execute(
                    sql,
                    {
                        "id": id,
                        "status": "processing",
                        "error_message": None,
                        "now": _now(),
                        "from_statuses": ["pending"],
                    },
                )
                out.append(Generation.model_validate(cur.fetchone()))
        return out

    def track_usage(self, texts: list[str]) -> list[Prompt]:
        sql = self.sql["generations.prompts.track_usage"]
        out = []
        with self.conn.transaction(), self.conn.cursor(row_factory=dict_row) as cur:
            for text in texts:
                cur.execute(sql, {"text": text, "now": _now()})
                out.append(Prompt.model_validate(cur.fetchone()))
        return out

    def claim(self, batches: int, size: int) -> list[Any]:
        from sqlstore.models.tasks import Task

        sql = self.sql["tasks.claim"]
        out: list[Any] = []
        for _ in range(batches):
            with self.conn.transaction(), self.conn.cursor(row_factory=dict_row) as cur:
                cur.execute(
                    sql, {"limit": size, "max_retries": 1, "retryable_errors": [], "now": _now()}
                )
                tasks = [Task.model_validate(r) for r in cur.fetchall()]
            out += sorted(tasks, key=lambda t: (-t.priority, t.created_at, str(t.id)))
        return out


def driver_workload(dialect: str, url: str) -> SQLiteDriverWorkload | PostgresDriverWorkload:
    """The bare-driver workload for ``dialect``."""
    if dialect == "sqlite":
        return SQLiteDriverWorkload(dialect, url)
    return PostgresDriverWorkload(dialect, url)
