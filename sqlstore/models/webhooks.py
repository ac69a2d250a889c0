"""Models of the webhooks called when a task starts, completes or fails."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated
from uuid import UUID, uuid4

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
)

from sqlstore.models._row import RowModel
from sqlstore.models._types import UtcDateTime, load_json
from sqlstore.models._update import Update

__all__ = [
    "Webhook",
    "WebhookCreate",
    "WebhookEvent",
    "WebhookUpdate",
]


class WebhookEvent(StrEnum):
    """The events a webhook may subscribe to; any other value is refused."""

    TASK_COMPLETED = "task.completed"
    TASK_FAILED = "task.failed"
    TASK_STARTED = "task.started"


def _unique(events: list[WebhookEvent]) -> list[WebhookEvent]:
    return list(dict.fromkeys(events))


WebhookUrl = Annotated[str, StringConstraints(max_length=4096, pattern=r"^https?://\S+$")]
EventList = Annotated[list[WebhookEvent], AfterValidator(_unique)]
"""Event types, each once, in the order given."""


class WebhookCreate(BaseModel):
    """A webhook to register: no user means system-wide, no events means every event."""

    model_config = ConfigDict(extra="forbid")

    id: UUID = Field(default_factory=uuid4)
    user_id: str | None = Field(default=None, min_length=1, max_length=256)
    url: WebhookUrl
    events: EventList = Field(default_factory=list)


class WebhookUpdate(Update):
    """Fields of a webhook to change; only the ones given change.

    ``user_id=None`` makes the webhook system-wide; url and events may not be ``None``.
    """

    not_null = frozenset({"url", "events"})

    user_id: str | None = Field(default=None, min_length=1, max_length=256)
    url: WebhookUrl | None = None
    events: EventList | None = None


class Webhook(RowModel):
    """A webhook as stored."""

    id: UUID
    user_id: str | None
    url: str
    events: Annotated[EventList, BeforeValidator(load_json)]
    created_at: UtcDateTime
    updated_at: UtcDateTime

    def wants(self, event: WebhookEvent | str) -> bool:
        """True if this webhook is called for ``event`` (an empty list means every event)."""
        return not self.events or WebhookEvent(event) in self.events
