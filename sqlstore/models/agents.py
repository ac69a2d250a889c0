"""Models of the agent framework: users, orchestrators, operators, clients, logs.

Each table follows the framework's pattern: ``ThingBase`` holds the fields a
caller supplies, ``ThingCreate`` adds an optional id, ``Thing`` is a stored
row (frozen, with ``id``, ``created_at`` and ``modified_at``) and
``ThingUpdate`` has every changeable field optional: only the fields given
change, and a nullable field given as ``None`` is set to NULL.
"""

from __future__ import annotations

from typing import Annotated
from uuid import UUID, uuid4

from pydantic import BaseModel, ConfigDict, Field

from sqlstore.models._row import RowModel
from sqlstore.models._types import UtcDateTime
from sqlstore.models._update import Update, reveal

__all__ = [
    "AgentCreate",
    "AgentUpdate",
    "Client",
    "ClientBase",
    "ClientCreate",
    "ClientUpdate",
    "Log",
    "LogBase",
    "LogCreate",
    "LogUpdate",
    "Operator",
    "OperatorBase",
    "OperatorCreate",
    "OperatorUpdate",
    "Orchestrator",
    "OrchestratorBase",
    "OrchestratorCreate",
    "OrchestratorUpdate",
    "Row",
    "User",
    "UserBase",
    "UserCreate",
    "UserUpdate",
    "reveal",
]

Name32 = Annotated[str, Field(min_length=1, max_length=32)]
Name64 = Annotated[str, Field(min_length=1, max_length=64)]
Url = Annotated[str, Field(max_length=2048)]
PersonName = Annotated[str, Field(max_length=64)]
Temperature = Annotated[float, Field(ge=0, allow_inf_nan=False)]


class AgentUpdate(Update):
    """Base of every agent-store ``ThingUpdate``: the update convention of ``Update``."""


class Row(RowModel):
    """What every stored row has: a uuid id and its creation and last modification times."""

    id: UUID
    created_at: UtcDateTime
    modified_at: UtcDateTime


class AgentCreate(BaseModel):
    """Base of every ``ThingCreate``: the id is made here unless the caller gives one."""

    model_config = ConfigDict(extra="forbid", protected_namespaces=())

    id: UUID = Field(default_factory=uuid4)


# -- users -------------------------------------------------------------------


class UserBase(BaseModel):
    """A person who owns orchestrators; the email is unique."""

    first_name: PersonName | None = None
    last_name: PersonName | None = None
    email: str = Field(min_length=1, max_length=128)
    profile_picture_url: Url | None = None


class UserCreate(UserBase, AgentCreate):
    """What a caller supplies to create a user."""


class User(UserBase, Row):
    """A user as stored."""


class UserUpdate(AgentUpdate):
    """The changeable fields of a user (the email is the user's identity, as in the framework)."""

    first_name: PersonName | None = None
    last_name: PersonName | None = None
    profile_picture_url: Url | None = None


# -- orchestrators -----------------------------------------------------------


class OrchestratorBase(BaseModel):
    """A user's orchestrator; its name is unique per user."""

    type: Name32
    name: Name32
    user_id: UUID


class OrchestratorCreate(OrchestratorBase, AgentCreate):
    """What a caller supplies to create an orchestrator."""


class Orchestrator(OrchestratorBase, Row):
    """An orchestrator as stored."""


class OrchestratorUpdate(AgentUpdate):
    """The changeable fields of an orchestrator."""

    not_null = frozenset({"type", "name"})

    type: Name32 | None = None
    name: Name32 | None = None


# -- operators ---------------------------------------------------------------


class OperatorBase(BaseModel):
    """An operator (an agent) of an orchestrator; its name is unique per orchestrator."""

    instructions: str
    name: Name64
    title: Name32
    profile_picture_url: Url | None = None
    orchestrator_id: UUID


class OperatorCreate(OperatorBase, AgentCreate):
    """What a caller supplies to create an operator (its direct-message project comes with it)."""


class Operator(OperatorBase, Row):
    """An operator as stored, with the id of its direct-message project."""

    direct_message_project_id: UUID | None


class OperatorUpdate(AgentUpdate):
    """The changeable fields of an operator."""

    not_null = frozenset({"instructions", "name", "title"})

    instructions: str | None = None
    name: Name64 | None = None
    title: Name32 | None = None
    profile_picture_url: Url | None = None


# -- clients -----------------------------------------------------------------


class ClientBase(BaseModel):
    """The LLM client settings of an operator (defaults as in the framework)."""

    model_config = ConfigDict(protected_namespaces=())

    client: Name32 = "OpenAI"
    temperature: Temperature = 0.0
    model: Name32 = "gpt-4o-mini"
    orchestrator_id: UUID
    operator_id: UUID


class ClientCreate(ClientBase, AgentCreate):
    """What a caller supplies to create a client."""


class Client(ClientBase, Row):
    """A client as stored."""


class ClientUpdate(AgentUpdate):
    """The changeable fields of a client."""

    not_null = frozenset({"client", "temperature", "model"})

    client: Name32 | None = None
    temperature: Temperature | None = None
    model: Name32 | None = None


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
