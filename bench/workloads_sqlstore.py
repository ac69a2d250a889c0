"""The work done through sqlstore's DAOs, one session per operation."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import sqlstore
from sqlstore.dao import GenerationDAO, PromptDAO
from sqlstore.models import Generation, GenerationCreate, GenerationStatus, Prompt


class SqlstoreWorkload:
    """sqlstore: named SQL files, typed DAOs, Pydantic models."""

    name = "sqlstore"

    def __init__(self, dialect: str, url: str):
        self.dialect = dialect
        self.store = sqlstore.connect(url)

    def close(self) -> None:
        self.store.close()

    def insert(self, news: list[GenerationCreate]) -> list[Generation]:
        with self.store.session() as session:
            dao = GenerationDAO(session)
            return [dao.create(new) for new in news]

    def insert_bulk(self, news: list[GenerationCreate]) -> int:
        with self.store.session() as session:
            return GenerationDAO(session).create_many(news)

    def get(self, ids: list[UUID]) -> list[Generation | None]:
        with self.store.session(readonly=True) as session:
            dao = GenerationDAO(session)
            return [dao.get(id) for id in ids]

    def list(self, status: str, n: int, page: int) -> list[Generation]:
        """``n`` jobs of ``status``, newest first, in keyset pages of ``page``."""
        wanted = GenerationStatus(status)
        out: list[Generation] = []
        after = None
        with self.store.session(readonly=True) as session:
            dao = GenerationDAO(session)
            while len(out) < n:
                got = dao.list(status=wanted, limit=min(page, n - len(out)), after=after)
                if not got:
                    break
                out += got
                after = got[-1]
        return out

    def update_status(self, ids: list[UUID]) -> list[Generation]:
        with self.store.session() as session:
            dao = GenerationDAO(session)
            return [dao.update_status(id, GenerationStatus.PROCESSING) for id in ids]

    def track_usage(self, texts: list[str]) -> list[Prompt]:
        with self.store.session() as session:
            prompts = PromptDAO(session)
            return [prompts.track_usage(text) for text in texts]

    def claim(self, batches: int, size: int) -> list[Any]:
        """``batches`` claims of ``size`` tasks, each in its own transaction, as a worker does."""
        from sqlstore.dao.tasks import TaskDAO

        out: list[Any] = []
        for _ in range(batches):
            with self.store.session() as session:
                out += TaskDAO(session).claim(size)
        return out
