"""Models of the agent framework's trees: nodes and repository nodes."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, Field

from sqlstore.models.agents import AgentCreate, AgentUpdate, Row

__all__ = [
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
