"""Models of the agent framework: messages, the node trees, auth states and tokens, logs."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Self
from uuid import UUID

from pydantic import BaseModel, Field, SecretStr, model_validator

from sqlstore.models._types import JsonObject
from sqlstore.models.agents import AgentCreate, AgentUpdate, Row

__all__ = [
    "AuthState",
    "AuthStateBase",
    "AuthStateCreate",
    "AuthStateUpdate",
    "AuthToken",
    "AuthTokenBase",
    "AuthTokenCreate",
    "AuthTokenUpdate",
    "Log",
    "LogBase",
    "LogCreate",
    "LogUpdate",
    "Message",
    "MessageBase",
    "MessageCreate",
    "MessageStatus",
    "MessageUpdate",
    "Node",
    "NodeBase",
    "NodeCreate",
    "NodeUpdate",
    "RepoNode",
    "RepoNodeBase",
    "RepoNodeCreate",
    "RepoNodeUpdate",
]

NonEmpty = Annotated[str, Field(min_length=1)]
Short = Annotated[str, Field(min_length=1, max_length=128)]
Token = Annotated[SecretStr, Field(min_length=1, max_length=128)]


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


# -- nodes -------------------------------------------------------------------


class NodeBase(BaseModel):
    """A node of a tree; deleting a node deletes its subtree."""

    parent_id: UUID | None = None


class NodeCreate(NodeBase, AgentCreate):
    """What a caller supplies to create a node."""


class Node(NodeBase, Row):
    """A node as stored."""


class NodeUpdate(AgentUpdate):
    """Move a node: a new parent, or None to make it a root."""

    parent_id: UUID | None = None


class RepoNodeBase(BaseModel):
    """A node of a repository's tree (directory, file or chunk) with its summaries."""

    org: NonEmpty
    repo: NonEmpty
    branch: NonEmpty = "main"
    partition_type: str
    name: str
    summary: str = ""
    children_summaries: str = ""
    abs_path: str
    parent_id: UUID | None = None


class RepoNodeCreate(RepoNodeBase, AgentCreate):
    """What a caller supplies to create a repository node."""


class RepoNode(RepoNodeBase, Row):
    """A repository node as stored."""


class RepoNodeUpdate(AgentUpdate):
    """The changeable fields of a repository node; parent_id may be set to None."""

    not_null = frozenset(
        {
            "org",
            "repo",
            "branch",
            "partition_type",
            "name",
            "summary",
            "children_summaries",
            "abs_path",
        }
    )

    org: NonEmpty | None = None
    repo: NonEmpty | None = None
    branch: NonEmpty | None = None
    partition_type: str | None = None
    name: str | None = None
    summary: str | None = None
    children_summaries: str | None = None
    abs_path: str | None = None
    parent_id: UUID | None = None


# -- auth --------------------------------------------------------------------


class AuthStateBase(BaseModel):
    """An OAuth state and where to send the user back to; the state is unique."""

    state: Short
    destination_url: Short


class AuthStateCreate(AuthStateBase, AgentCreate):
    """What a caller supplies to create an auth state."""


class AuthState(AuthStateBase, Row):
    """An auth state as stored."""


class AuthStateUpdate(AgentUpdate):
    """The changeable fields of an auth state."""

    not_null = frozenset({"state", "destination_url"})

    state: Short | None = None
    destination_url: Short | None = None


class AuthTokenBase(BaseModel):
    """A user's refresh token (one per user); it never shows in a repr or a JSON dump."""

    refresh_token: Token
    user_id: UUID


class AuthTokenCreate(AuthTokenBase, AgentCreate):
    """What a caller supplies to store a user's token."""


class AuthToken(AuthTokenBase, Row):
    """An auth token as stored."""


class AuthTokenUpdate(AgentUpdate):
    """A new refresh token."""

    not_null = frozenset({"refresh_token"})

    refresh_token: Token | None = None


# -- logs --------------------------------------------------------------------


class LogBase(BaseModel):
    """A log line: a level and a message."""

    level: Annotated[str, Field(min_length=1, max_length=32)]
    message: str


class LogCreate(LogBase, AgentCreate):
    """What a caller supplies to write a log line."""


class Log(LogBase, Row):
    """A log line as stored."""


class LogUpdate(AgentUpdate):
    """The changeable fields of a log line."""

    not_null = frozenset({"level", "message"})

    level: Annotated[str, Field(min_length=1, max_length=32)] | None = None
    message: str | None = None
