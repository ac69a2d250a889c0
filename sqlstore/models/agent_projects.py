"""Models of the agent framework's projects and the messages in them."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Self
from uuid import UUID

from pydantic import BaseModel, Field, model_validator

from sqlstore.models._types import JsonObject
from sqlstore.models.agents import AgentCreate, AgentUpdate, Name64, Row

__all__ = [
    "Message",
    "MessageBase",
    "MessageCreate",
    "MessageStatus",
    "MessageUpdate",
    "Project",
    "ProjectBase",
    "ProjectCreate",
    "ProjectUpdate",
]

Short = Annotated[str, Field(min_length=1, max_length=128)]


# -- projects ----------------------------------------------------------------


class ProjectBase(BaseModel):
    """A project of an orchestrator, with optional executive and developer operators."""

    name: Name64
    orchestrator_id: UUID
    executive_id: UUID | None = None
    developer_id: UUID | None = None


class ProjectCreate(ProjectBase, AgentCreate):
    """What a caller supplies to create a project."""


class Project(ProjectBase, Row):
    """A project as stored; a direct-message project names its operator."""

    name: str = Field(min_length=1, max_length=128)
    direct_message_operator_id: UUID | None

    @property
    def is_direct_message(self) -> bool:
        """True for an operator's direct-message project."""
        return self.direct_message_operator_id is not None


class ProjectUpdate(AgentUpdate):
    """The changeable fields of a project; executive and developer may be set to None."""

    not_null = frozenset({"name"})

    name: Name64 | None = None
    executive_id: UUID | None = None
    developer_id: UUID | None = None


# -- messages ----------------------------------------------------------------


class MessageStatus(StrEnum):
    """Where the work a message belongs to stands (the framework's project status)."""

    INIT = "init"
    READY = "ready"
    WORKING = "working"
    WAITING = "waiting"
    FINISHED = "finished"


class MessageBase(BaseModel):
    """A message in a project; its sender is exactly one of a user or an operator."""

    type: Short
    content: JsonObject
    prompt: str | None = None
    status: MessageStatus = MessageStatus.INIT
    project_id: UUID
    user_id: UUID | None = None
    operator_id: UUID | None = None

    @model_validator(mode="after")
    def _one_sender(self) -> Self:
        if (self.user_id is None) == (self.operator_id is None):
            raise ValueError("a message has exactly one sender: a user_id or an operator_id")
        return self


class MessageCreate(MessageBase, AgentCreate):
    """What a caller supplies to append a message."""


class Message(MessageBase, Row):
    """A message as stored; ``seq`` is the order messages were appended in."""

    seq: int


class MessageUpdate(AgentUpdate):
    """The changeable fields of a message: its status and its prompt."""

    not_null = frozenset({"status"})

    status: MessageStatus | None = None
    prompt: str | None = None
