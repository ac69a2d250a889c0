"""Models of the agent framework's tools, shared by users, orchestrators and operators."""

from __future__ import annotations

from pydantic import BaseModel

from sqlstore.models.agents import AgentCreate, AgentUpdate, Name64, Row

__all__ = [
    "Tool",
    "ToolBase",
    "ToolCreate",
    "ToolUpdate",
]


# -- tools -------------------------------------------------------------------


class ToolBase(BaseModel):
    """A tool, shared: linked to users, orchestrators and operators."""

    name: Name64


class ToolCreate(ToolBase, AgentCreate):
    """What a caller supplies to create a tool."""


class Tool(ToolBase, Row):
    """A tool as stored."""


class ToolUpdate(AgentUpdate):
    """The changeable fields of a tool."""

    not_null = frozenset({"name"})

    name: Name64 | None = None
