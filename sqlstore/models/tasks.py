"""Models of the media-AI task queue: tasks and their statuses."""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Annotated, Any
from uuid import UUID, uuid4

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from sqlstore.models._row import RowModel
from sqlstore.models._types import JsonObject, UtcDateTime
from sqlstore.types import dumps_json, json_has_nul

__all__ = ["Task", "TaskCreate", "TaskStatus", "TaskUpdate"]

#: The largest priority PostgreSQL's INTEGER column holds.
MAX_PRIORITY = 2**31 - 1


class TaskStatus(StrEnum):
    """Where a task is in the queue."""

    CREATED = "created"
    ASSIGNED = "assigned"
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"
    NOT_FINISHED = "not_finished"

    @property
    def is_active(self) -> bool:
        """True for assigned and running: a worker holds the task."""
        return self in (TaskStatus.ASSIGNED, TaskStatus.RUNNING)

    @property
    def is_finished(self) -> bool:
        """True for completed and failed."""
        return self in (TaskStatus.COMPLETED, TaskStatus.FAILED)


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _storable_json(value: dict[str, Any]) -> dict[str, Any]:
    """The object as both dialects store it, or a ValueError for what one would refuse.

    NaN and infinities are not JSON, and PostgreSQL's JSONB refuses a NUL
    character that SQLite would keep: refusing them here makes the same input
    fail the same way on both dialects, before anything is sent.
    """
    try:
        text = dumps_json(value)
    except TypeError as exc:
        raise ValueError(str(exc)) from None
    if json_has_nul(text):
        raise ValueError("JSON text must not contain a NUL character")
    loaded: dict[str, Any] = json.loads(text, parse_constant=_refuse_constant)
    return loaded


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("text must not contain a NUL character")
    return value


Text = Annotated[str, AfterValidator(_no_nul)]
"""Text without NUL characters, which PostgreSQL refuses and SQLite would keep."""


StorableJson = Annotated[JsonObject, AfterValidator(_storable_json)]
"""A JSON object both dialects store alike (no NaN, no NUL characters)."""

Endpoint = Annotated[Text, Field(min_length=1, max_length=1000)]
UserId = Annotated[Text, Field(min_length=1, max_length=255)]
Progress = Annotated[float, Field(ge=0, le=100, allow_inf_nan=False)]


class TaskCreate(BaseModel):
    """What a caller supplies to queue a task."""

    # The DAO validates what it is given again, even a model built with
    # model_construct, so nothing unchecked reaches the database.
    model_config = ConfigDict(extra="forbid", revalidate_instances="always")

    id: UUID = Field(default_factory=uuid4)
    endpoint: Endpoint
    data: StorableJson = Field(default_factory=dict)
    priority: int = Field(default=0, ge=0, le=MAX_PRIORITY)
    user_id: UserId | None = None


class TaskUpdate(BaseModel):
    """A worker's report on a task: status, progress (percent) and result; all optional."""

    model_config = ConfigDict(extra="forbid")

    status: TaskStatus | None = None
    progress: Progress | None = None
    result: StorableJson | None = None


class Task(RowModel):
    """A task as stored. progress is a percentage, 0 to 100."""

    id: UUID
    endpoint: str
    data: JsonObject
    status: TaskStatus
    priority: int
    progress: float
    result: JsonObject | None
    num_retries: int
    user_id: str | None
    assigned_at: UtcDateTime | None
    completed_at: UtcDateTime | None
    created_at: UtcDateTime
    updated_at: UtcDateTime

    @property
    def is_active(self) -> bool:
        """True while a worker holds the task (assigned or running)."""
        return self.status.is_active

    @property
    def is_finished(self) -> bool:
        """True once completed or failed."""
        return self.status.is_finished

    @property
    def error(self) -> str | None:
        """The error name a failed task's result carries, if any."""
        error = (self.result or {}).get("error")
        return error if isinstance(error, str) else None
