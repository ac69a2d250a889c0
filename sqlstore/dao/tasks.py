# Generated from sqlstore/aio/dao/tasks.py (`make generate`): edit that file, not this one.
"""The media-AI task queue: add, claim exactly once, report, expire, retry."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import timedelta
from typing import Annotated, Any
from uuid import UUID

from pydantic import Field

from sqlstore.dao._args import checked
from sqlstore.dao._types import List
from sqlstore.dao.base import BaseDAO, atomic, streaming
from sqlstore.errors import InvalidInput, InvalidTransition, NotFound
from sqlstore.models.tasks import Task, TaskCreate, TaskStatus, TaskUpdate, Text
from sqlstore.results import NEWEST_UUID, Page
from sqlstore.types import utcnow

__all__ = ["TaskDAO"]

# Strict: True is not 1, and "5" is not 5.
NonNegativeInt = Annotated[int, Field(strict=True, ge=0, le=2**31 - 1)]
Limit = Annotated[int, Field(strict=True)]
#: Timeouts in seconds: positive, finite, at most ten years.
Seconds = Annotated[float, Field(gt=0, le=10 * 365 * 86_400, allow_inf_nan=False)]
Ids = List[UUID] | tuple[UUID, ...] | set[UUID]
ErrorName = Annotated[Text, Field(min_length=1, max_length=1000)]


#: How many candidates a per-user claim ranks first, per task asked for, plus a minimum.
_CLAIM_WINDOW_PER_TASK = 8
_CLAIM_WINDOW_MIN = 64
#: A window past every candidate (a LIMIT both dialects take; NULL is not one on SQLite).
_WHOLE_QUEUE = 2**63 - 1


def _claim_order(task: Task) -> tuple[int, Any, str]:
    return (-task.priority, task.created_at, str(task.id))


class TaskDAO(BaseDAO):
    """The task queue (the media-AI SDK's task repository, exactly-once on both dialects)."""

    def add(self, new: TaskCreate) -> Task:
        """Queue one task as created; return the stored row."""
        new = TaskCreate.model_validate(new)
        row = self.session.fetch_one("tasks.insert", **new.model_dump(), now=utcnow())
        return Task.model_validate(row)

    @atomic
    def add_many(self, tasks: Iterable[TaskCreate]) -> int:
        """Queue many tasks in one batch; return how many were added."""
        rows = [
            {**TaskCreate.model_validate(t).model_dump(), "now": utcnow()}
            for t in tasks  # validated in full before the first is sent
        ]
        if not rows:
            return 0
        self.session.execute_many("tasks.insert_many", rows)
        return len(rows)

    @checked
    def get(self, id: UUID) -> Task | None:
        """The task with this id, or ``None``."""
        return self.fetch_model(Task, "tasks.get", id=id)

    @atomic
    @checked
    def claim(
        self,
        limit: Limit = 1,
        max_retries: NonNegativeInt = 1,
        retryable_errors: List[ErrorName] | tuple[ErrorName, ...] | set[ErrorName] = (),
        max_active_per_user: NonNegativeInt | None = None,
    ) -> List[Task]:
        """Claim up to ``limit`` tasks for a worker, each exactly once; see the README.

        Candidates are created and not_finished tasks, and failed tasks whose
        ``result["error"]`` is in ``retryable_errors`` with fewer than
        ``max_retries`` retries; highest priority first, then oldest. They
        become assigned (progress 0, no result, assigned_at now, one more
        retry) in one statement. With ``max_active_per_user``, no user ends
        up with more tasks assigned or running than that (tasks without a
        user are not limited). Returned in claim order.
        """
        params: dict[str, Any] = {
            "limit": self.page_params(limit)["limit"],
            "max_retries": max_retries,
            "retryable_errors": sorted(retryable_errors),
            "now": utcnow(),
        }
        if max_active_per_user is None:
            tasks = self.fetch_models(Task, "tasks.claim", **params)
        else:
            self.session.execute("tasks.claim_lock")
            limited = {**params, "max_active_per_user": max_active_per_user}
            # Rank a prefix of the queue first; the whole queue only when the
            # prefix holds too few tasks that the limit lets through.
            window = params["limit"] * _CLAIM_WINDOW_PER_TASK + _CLAIM_WINDOW_MIN
            tasks = self.fetch_models(Task, "tasks.claim_per_user", **limited, window=window)
            if len(tasks) < params["limit"]:
                limited["limit"] = params["limit"] - len(tasks)
                tasks += self.fetch_models(
                    Task, "tasks.claim_per_user", **limited, window=_WHOLE_QUEUE
                )
        return sorted(tasks, key=_claim_order)

    @checked
    def update_status(
        self,
        id: UUID,
        status: TaskStatus,
        progress: float | None = None,
        result: dict[str, Any] | None = None,
    ) -> Task:
        """Set a task's status and result (``None`` clears it) and, if given, its progress.

        completed and failed stamp completed_at; assigned stamps assigned_at
        and counts a retry, as the SDK does. ``NotFound`` if there is no task.
        """
        changes = TaskUpdate(status=status, progress=progress, result=result)
        row = self.session.fetch_one(
            "tasks.set_status",
            id=id,
            status=status.value,
            progress=changes.progress,
            result=changes.result,
            now=utcnow(),
        )
        if row is None:
            raise NotFound(f"no task with id={id}")
        return Task.model_validate(row)

    @checked
    def heartbeat(self, ids: List[UUID] | set[UUID] | tuple[UUID, ...]) -> int:
        """Touch updated_at of the given tasks (their worker is alive); return how many."""
        if not ids:
            return 0
        return self.session.execute("tasks.heartbeat", ids=sorted(set(ids)), now=utcnow())

    @checked
    def expire(
        self, execution_timeout: Seconds, heartbeat_timeout: Seconds, max_retries: NonNegativeInt
    ) -> List[Task]:
        """Time out held tasks assigned too long ago or with no recent heartbeat.

        A task with ``num_retries >= max_retries`` becomes failed with the
        SDK's ``{"error": "TimeoutError" | "HeartbeatTimeoutError", "message": ...}``
        result; any other becomes not_finished, to be claimed again. Returns
        the expired tasks.
        """
        now = utcnow()
        rows = self.session.fetch_all(
            "tasks.expire",
            execution_cutoff=now - timedelta(seconds=execution_timeout),
            heartbeat_cutoff=now - timedelta(seconds=heartbeat_timeout),
            max_retries=max_retries,
            timeout_result={
                "error": "TimeoutError",
                "message": (
                    f"Task execution timed out after {execution_timeout:g} seconds and "
                    f"exceeded the maximum number of retries ({max_retries})"
                ),
            },
            heartbeat_result={
                "error": "HeartbeatTimeoutError",
                "message": (
                    f"The task has not received a heartbeat for {heartbeat_timeout:g} seconds "
                    f"and exceeded the maximum number of retries ({max_retries})"
                ),
            },
            now=now,
        )
        return sorted((Task.model_validate(r) for r in rows), key=_claim_order)

    @checked
    def retry(self, id: UUID) -> Task:
        """Reset a failed task to created (progress 0, no result, no retries, times cleared).

        Only a failed task can be retried: any other raises ``InvalidTransition``.
        """
        row = self.session.fetch_one("tasks.retry", id=id, now=utcnow())
        if row is None:
            current = self.require_model(Task, "tasks.get", "task", id=id)
            raise InvalidTransition("task", id, current.status.value, TaskStatus.CREATED.value)
        return Task.model_validate(row)

    def active(self) -> List[Task]:
        """The tasks workers hold (assigned or running), oldest first."""
        return self.fetch_models(Task, "tasks.active")

    @checked
    def incomplete_among(self, ids: List[UUID] | set[UUID] | tuple[UUID, ...]) -> List[UUID]:
        """Of ``ids``, those still created, assigned or running, in the order given."""
        if not ids:
            return []
        wanted = list(dict.fromkeys(ids))
        rows = self.session.fetch_all("tasks.incomplete_among", ids=wanted)
        found = {UUID(str(r["id"])) for r in rows}
        return [i for i in wanted if i in found]

    @checked
    def list(
        self,
        user_id: Text | None = None,
        status: TaskStatus | None = None,
        limit: int = 100,
        offset: int = 0,
        after: str | None = None,
    ) -> Page[Task]:
        """Tasks newest first, optionally of one user and one status.

        Page by keyset (pass a page's ``next`` as ``after``) or by ``offset``.
        """
        filters = {"user_id": user_id, "status": None if status is None else status.value}
        if after is None:
            paging = self.page_params(limit, offset)
            paging["limit"] += 1  # one more: is there a next page?
            rows = self.fetch_models(Task, "tasks.list", **filters, **paging)
            return NEWEST_UUID.page("tasks.list_after", filters, rows, limit)
        if offset:
            raise InvalidInput("page with either offset or after, not both")
        return self.fetch_page(Task, "tasks.list_after", NEWEST_UUID, limit, after, filters)

    @streaming
    @checked
    def iter_all(
        self,
        *,
        user_id: Text | None = None,
        status: TaskStatus | None = None,
        batch_size: int = 1000,
    ) -> Iterator[Task]:
        """Every task newest first, a page of ``batch_size`` at a time: memory stays bounded."""
        return self.iter_pages(self.list, batch_size, user_id=user_id, status=status)

    @checked
    def count(self, user_id: Text | None = None) -> dict[str, int]:
        """Tasks by status, optionally of one user: every status (0 if none) and "total"."""
        counts = {s.value: 0 for s in TaskStatus}
        for row in self.session.fetch_all("tasks.count_by_status", user_id=user_id):
            counts[str(row["status"])] = int(row["n"])
        counts["total"] = sum(counts.values())
        return counts

    @atomic
    @checked
    def delete_many(
        self,
        ids: Ids | None = None,
        *,
        status: TaskStatus | None = None,
        user_id: Text | None = None,
        older_than: timedelta | None = None,
    ) -> int:
        """Delete the tasks with these ids and/or matching the filters; return how many.

        ``older_than``: created longer ago than that. All or nothing: if a
        worker holds one of them (assigned or running), ``InvalidTransition``
        and none is deleted, as ``delete`` refuses one.
        """
        params = self.select_params(ids, status=status, user_id=user_id, older_than=older_than)
        deleted = self.session.execute("tasks.delete_many", **params)
        if deleted:
            return deleted
        held = self.session.fetch_all("tasks.held_among", **params)
        if held:
            raise InvalidTransition(
                "task", ", ".join(str(r["id"]) for r in held), "assigned or running", "deleted"
            )
        return 0

    @checked
    def set_status_many(
        self,
        new_status: TaskStatus,
        ids: Ids | None = None,
        *,
        status: TaskStatus | None = None,
        user_id: Text | None = None,
        older_than: timedelta | None = None,
        result: dict[str, Any] | None = None,
    ) -> int:
        """Set the status and result of the tasks selected as ``delete_many`` does; return how many.

        As ``update_status`` for each: completed and failed stamp completed_at,
        assigned stamps assigned_at and counts a retry; progress stays.
        """
        params = self.select_params(ids, status=status, user_id=user_id, older_than=older_than)
        return self.session.execute(
            "tasks.set_status_many",
            **params,
            new_status=new_status.value,
            result=TaskUpdate(result=result).result,
            now=utcnow(),
        )

    @checked
    def delete(self, id: UUID) -> bool:
        """Delete a task; True if there was one. A held (assigned or running) one is refused."""
        if self.session.execute("tasks.delete", id=id) > 0:
            return True
        current = self.get(id)
        if current is None:
            return False
        raise InvalidTransition("task", id, current.status.value, "deleted")
