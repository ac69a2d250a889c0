# Generated from sqlstore/aio/dao/generations.py (`make generate`): edit that file, not this one.
"""DAOs of the music-generation service: generation jobs and prompt analytics."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from pydantic import TypeAdapter

from sqlstore.dao._args import checked
from sqlstore.dao._types import List
from sqlstore.dao.base import BaseDAO, atomic, int_key, streaming, uuid_key
from sqlstore.errors import InvalidInput, InvalidTransition, NotFound
from sqlstore.models.generations import (
    PROMPT_MAX_BYTES,
    PROMPT_MAX_CHARS,
    Generation,
    GenerationCreate,
    GenerationStatus,
    GenerationUpdate,
    Prompt,
    prompt_too_long,
)
from sqlstore.results import NEWEST_ID, NEWEST_UUID, Page
from sqlstore.session import Session
from sqlstore.types import utcnow

__all__ = ["GenerationDAO", "PromptDAO"]

Ids = List[UUID] | tuple[UUID, ...] | set[UUID]
_AFTER = "generations.generations.list_after"

_CREATE_MANY: TypeAdapter[list[GenerationCreate]] = TypeAdapter(list[GenerationCreate])

_STATS_KEYS = (
    "total_generations",
    "pending_generations",
    "processing_generations",
    "completed_generations",
    "failed_generations",
    "total_prompts",
)


def _checked_prompt(text: str) -> str:
    """``text`` if it can be a prompt, else ``InvalidInput``."""
    if not text:
        raise InvalidInput("a prompt must not be empty")
    if prompt_too_long(text):
        raise InvalidInput(
            f"a prompt may have at most {PROMPT_MAX_CHARS} characters "
            f"and {PROMPT_MAX_BYTES} bytes in UTF-8"
        )
    return text


def _record_use(session: Session, text: str, now: datetime) -> dict[str, Any]:
    """Add one use of a prompt already checked (creating it at 1); its row."""
    row = session._row("generations.prompts.track_usage", {"text": text, "now": now})
    assert row is not None  # an upsert with RETURNING always returns its row
    return row


class PromptDAO(BaseDAO):
    """Prompt usage analytics."""

    @checked
    def track_usage(self, text: str) -> Prompt:
        """Record one use of ``text``: create it with a count of 1 or add 1, atomically."""
        row = _record_use(self.session, _checked_prompt(text), utcnow())
        return Prompt.model_validate(row)

    @checked
    def get_by_text(self, text: str) -> Prompt | None:
        """The prompt with exactly this text, or ``None``."""
        return self.fetch_model(Prompt, "generations.prompts.get_by_text", text=text)

    @checked
    def list(self, *, limit: int = 100, after: str | None = None) -> Page[Prompt]:
        """Prompts newest first (by when they were first used); ``after``: a page's ``next``."""
        return self.fetch_page(Prompt, "generations.prompts.list", NEWEST_ID, limit, after, {})

    @streaming
    @checked
    def iter_all(self, *, batch_size: int = 1000) -> Iterator[Prompt]:
        """Every prompt newest first, a page of ``batch_size`` at a time: memory stays bounded."""
        return self.iter_pages(self.list, batch_size)

    def count(self) -> int:
        """How many distinct prompts there are."""
        return int(self.session.fetch_value("generations.prompts.count"))

    @checked
    def most_used(self, limit: int = 10) -> List[Prompt]:
        """The most used prompts first."""
        return self.fetch_models(
            Prompt, "generations.prompts.most_used", limit=self.page_params(limit)["limit"]
        )

    def search(self, query: str, limit: int = 20, after: str | None = None) -> Page[Prompt]:
        """Prompts matching the full-text ``query`` (``sqlstore.search``), best first, by page."""
        return self.search_page(Prompt, "generations.prompts.search", query, limit, after, int_key)


class GenerationDAO(BaseDAO):
    """Generation jobs through their lifecycle: pending, processing, completed or failed."""

    def search(self, query: str, limit: int = 20, after: str | None = None) -> Page[Generation]:
        """Generations whose prompt matches the full-text ``query``, best first, by page."""
        return self.search_page(
            Generation, "generations.generations.search", query, limit, after, uuid_key
        )

    def rebuild_search(self) -> None:
        """Rebuild the prompt search index from the table (on SQLite, needed after a VACUUM)."""
        self.session.execute("generations.generations.rebuild_search")

    @atomic
    def create(self, new: GenerationCreate) -> Generation:
        """Store a pending job and record its prompt's usage, in this session's transaction."""
        if type(new) is not GenerationCreate:
            new = GenerationCreate.model_validate(new)
        now = utcnow()
        # The fields as stored, not model_dump(): they are flat, so it is the same dict, faster.
        row = self.session._row(
            "generations.generations.insert", {**new.__dict__, "created_at": now}
        )
        # The usage is recorded (the model checked the prompt); its Prompt model
        # would be thrown away, so none is built.
        _record_use(self.session, new.prompt, now)
        return Generation.model_validate(row)

    @atomic
    def create_many(self, news: Iterable[GenerationCreate]) -> int:
        """Store many pending jobs in bulk and record their prompts' usage; return the count.

        One COPY on PostgreSQL, one batched insert on SQLite, then one statement
        for all the prompts, in this session's transaction. Every job is
        checked before the first is sent.
        """
        jobs = _CREATE_MANY.validate_python(news if isinstance(news, list) else list(news))
        if not jobs:
            return 0
        texts = [_checked_prompt(job.prompt) for job in jobs]
        now = utcnow()
        count = self.session.copy_in(
            "generations.generations.copy_in",
            (
                (
                    job.id,
                    job.prompt,
                    job.model_name,
                    job.model_version,
                    job.duration_seconds,
                    job.sample_rate,
                    job.channels,
                    job.file_path,
                    job.metadata,
                    now,
                )
                for job in jobs
            ),
        )
        self.session.execute("generations.generations.record_prompts", texts=texts, now=now)
        return count

    @checked
    def get(self, id: UUID) -> Generation | None:
        """The job with this id, or ``None``."""
        return self.fetch_model(Generation, "generations.generations.get", id=id)

    @checked
    def list(
        self,
        *,
        status: GenerationStatus | None = None,
        model_name: str | None = None,
        limit: int = 100,
        offset: int = 0,
        after: str | Generation | None = None,
    ) -> Page[Generation]:
        """Jobs newest first, filtered by status and model.

        Page by keyset, cheaper on deep pages: pass a page's ``next`` (or the
        last job of the previous page) as ``after``; or by ``offset``.
        """
        filters: dict[str, Any] = {"status": status, "model_name": model_name}
        if after is None:
            paging = self.page_params(limit, offset)
            paging["limit"] += 1  # one more: is there a next page?
            rows = self.fetch_models(
                Generation, "generations.generations.list", **filters, **paging
            )
            return NEWEST_UUID.page(_AFTER, filters, rows, limit)
        if offset:
            raise InvalidInput("page with either offset or after, not both")
        if isinstance(after, Generation):
            after = NEWEST_UUID.encode(_AFTER, filters, after)
        return self.fetch_page(Generation, _AFTER, NEWEST_UUID, limit, after, filters)

    @streaming
    @checked
    def iter_all(
        self,
        *,
        status: GenerationStatus | None = None,
        model_name: str | None = None,
        batch_size: int = 1000,
    ) -> Iterator[Generation]:
        """Every job newest first, read in batches of ``batch_size``: memory stays bounded.

        PostgreSQL reads through a server-side cursor. Consume the iterator
        inside the session that made it.
        """
        return self.stream_models(
            Generation,
            "generations.generations.list_all",
            batch_size=self.page_params(batch_size)["limit"],
            status=status,
            model_name=model_name,
        )

    @checked
    def pending(self, limit: int = 100) -> List[Generation]:
        """Pending jobs, newest first."""
        return self.list(status=GenerationStatus.PENDING, limit=limit)

    @checked
    def count(self, status: GenerationStatus | None = None) -> int:
        """How many jobs there are, optionally of one status."""
        return int(self.session.fetch_value("generations.generations.count", status=status))

    @checked
    def update(self, id: UUID, changes: GenerationUpdate) -> Generation:
        """Change the fields given in ``changes`` (``None``: to NULL); the others stay as they are.

        With no field given nothing is written and the job comes back as it is.
        """
        if not changes.given():
            return self.require_model(
                Generation, "generations.generations.get", "generation", id=id
            )
        row = self.session.fetch_one("generations.generations.update", id=id, **changes.params())
        if row is None:
            raise NotFound(f"no generation with id={id}")
        return Generation.model_validate(row)

    @checked
    def update_status(
        self, id: UUID, status: GenerationStatus, error_message: str | None = None
    ) -> Generation:
        """Move a job to ``status``; a finished status stamps completed_at.

        Only moves that make sense are made (pending -> processing -> completed
        or failed); any other raises ``InvalidTransition`` and changes nothing.
        """
        row = self.session.fetch_one(
            "generations.generations.set_status",
            id=id,
            status=status,
            error_message=error_message,
            now=utcnow(),
            from_statuses=list(status.allowed_from()),
        )
        if row is None:
            self._refuse(id, status)
        return Generation.model_validate(row)

    @checked
    def mark_processing(self, id: UUID) -> Generation:
        """A worker has started the job."""
        return self.update_status(id, GenerationStatus.PROCESSING)

    @checked
    def fail(self, id: UUID, error_message: str) -> Generation:
        """The job failed: keep the message and stamp completed_at."""
        return self.update_status(id, GenerationStatus.FAILED, error_message)

    @checked
    def complete(
        self,
        id: UUID,
        generation_time: float,
        file_size_bytes: int,
        metadata: dict[str, Any] | None = None,
    ) -> Generation:
        """The audio is ready: record timing and size, and merge ``metadata`` into the old."""
        if not generation_time >= 0:
            raise InvalidInput(f"generation_time must be >= 0, not {generation_time!r}")
        if file_size_bytes < 0:
            raise InvalidInput(f"file_size_bytes must be >= 0, not {file_size_bytes!r}")
        row = self.session.fetch_one(
            "generations.generations.complete",
            id=id,
            generation_time_seconds=generation_time,
            file_size_bytes=file_size_bytes,
            metadata=metadata or {},
            now=utcnow(),
        )
        if row is None:
            self._refuse(id, GenerationStatus.COMPLETED)
        return Generation.model_validate(row)

    @checked
    def delete(self, id: UUID) -> bool:
        """Delete a job; True if there was one."""
        return self.session.execute("generations.generations.delete", id=id) > 0

    @checked
    def delete_many(
        self,
        ids: Ids | None = None,
        *,
        status: GenerationStatus | None = None,
        older_than: timedelta | None = None,
    ) -> int:
        """Delete the jobs with these ids and/or of a status, created over ``older_than`` ago.

        Returns how many were deleted.
        """
        params = self.select_params(ids, status=status, older_than=older_than)
        return self.session.execute("generations.generations.delete_many", **params)

    @atomic
    @checked
    def set_status_many(
        self,
        new_status: GenerationStatus,
        ids: Ids | None = None,
        *,
        status: GenerationStatus | None = None,
        older_than: timedelta | None = None,
        error_message: str | None = None,
    ) -> int:
        """Move the jobs selected as ``delete_many`` does to ``new_status``; return how many.

        All or nothing: if one of them may not make the move (see
        ``update_status``), ``InvalidTransition`` names it and none moves.
        """
        params = self.select_params(ids, status=status, older_than=older_than)
        from_statuses = [s.value for s in new_status.allowed_from()]
        moved = self.session.execute(
            "generations.generations.set_status_many",
            **params,
            new_status=new_status,
            error_message=error_message,
            from_statuses=from_statuses,
            now=utcnow(),
        )
        if moved:
            return moved
        stuck = self.session.fetch_all(
            "generations.generations.stuck_among", **params, from_statuses=from_statuses
        )
        if stuck:
            raise InvalidTransition(
                "generation",
                ", ".join(str(r["id"]) for r in stuck),
                ", ".join(sorted({str(r["status"]) for r in stuck})),
                new_status.value,
            )
        return 0

    def stats(self) -> dict[str, int]:
        """Jobs by status and the number of prompts, with the music service's keys."""
        row = self.session.fetch_one("generations.generations.stats")
        assert row is not None  # an aggregate always returns one row
        return {key: int(row[key] or 0) for key in _STATS_KEYS}

    def _refuse(self, id: UUID, status: GenerationStatus) -> None:
        current = self.get(id)
        if current is None:
            raise NotFound(f"no generation with id={id}")
        raise InvalidTransition("generation", id, current.status.value, status.value)
