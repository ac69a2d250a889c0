# Generated from sqlstore/aio/dao/agent_tools.py (`make generate`): edit that file, not this one.
"""DAO of the agent framework's tools and their links to users, orchestrators and operators.

A tool is shared: deleting a user, orchestrator or operator removes only its
links; deleting a tool removes its links everywhere.
"""

from __future__ import annotations

from typing import Any, TypeVar
from uuid import UUID

from pydantic import BaseModel

from sqlstore.dao._args import checked
from sqlstore.dao._types import List
from sqlstore.dao.agent_base import AgentDAO
from sqlstore.dao.base import atomic
from sqlstore.models.agent_tools import Tool, ToolCreate, ToolUpdate
from sqlstore.models.agents import Operator, Orchestrator, User
from sqlstore.types import utcnow

__all__ = ["ToolDAO"]

M = TypeVar("M", bound=BaseModel)

# level -> (the link table's query prefix, its owner key)
_LINKS = {
    "user": ("agent_tools.user_tools", "user_id"),
    "orchestrator": ("agent_tools.orchestrator_tools", "orchestrator_id"),
    "operator": ("agent_tools.operator_tools", "operator_id"),
}


class ToolDAO(AgentDAO):
    """Tools, attached and detached at user, orchestrator and operator level."""

    queries, what = "agent_tools.tools", "tool"

    @atomic
    def create(self, new: ToolCreate, *, user_id: UUID | None = None) -> Tool:
        """Store a tool and, if given, attach it to the user, both or neither."""
        new = ToolCreate.model_validate(new)
        tool = self._insert(Tool, new)
        if user_id is not None:
            self.attach_to_user(user_id, tool.id)
        return tool

    @checked
    def get(self, id: UUID) -> Tool | None:
        """The tool with this id, or ``None``."""
        return self._find(Tool, id=id)

    @checked
    def get_by_name(self, name: str, user_id: UUID) -> Tool | None:
        """The user's tool with this name, or ``None``."""
        return self.fetch_model(
            Tool, "agent_tools.tools.get_by_name_for_user", name=name, user_id=user_id
        )

    @checked
    def list(self, *, limit: int = 100, offset: int = 0) -> List[Tool]:
        """Every tool, in the order they were created."""
        return self.fetch_models(Tool, "agent_tools.tools.list", **self.page_params(limit, offset))

    @checked
    def update(self, id: UUID, changes: ToolUpdate) -> Tool:
        """Rename a tool; ``NotFound`` if there is no such tool."""
        return self._change(Tool, changes, id=id)

    @checked
    def delete(self, id: UUID) -> bool:
        """Delete a tool and all its links; True if there was one."""
        return self._remove(id=id)

    # -- links ---------------------------------------------------------------

    def _attach(self, level: str, owner_id: UUID, tool_id: UUID) -> bool:
        table, key = _LINKS[level]
        row = self.session.fetch_one(
            f"{table}.attach", **{key: owner_id}, tool_id=tool_id, now=utcnow()
        )
        return row is not None

    def _detach(self, level: str, owner_id: UUID, tool_id: UUID) -> bool:
        table, key = _LINKS[level]
        return self.session.execute(f"{table}.detach", **{key: owner_id}, tool_id=tool_id) > 0

    def _tools(self, level: str, owner_id: UUID, limit: int, offset: int) -> List[Tool]:
        table, key = _LINKS[level]
        params: dict[str, Any] = {key: owner_id, **self.page_params(limit, offset)}
        return self.fetch_models(Tool, f"{table}.tools", **params)

    def _owners(
        self, model: type[M], level: str, tool_id: UUID, limit: int, offset: int
    ) -> List[M]:
        table, _ = _LINKS[level]
        return self.fetch_models(
            model, f"{table}.owners", tool_id=tool_id, **self.page_params(limit, offset)
        )

    @checked
    def attach_to_user(self, user_id: UUID, tool_id: UUID) -> bool:
        """Link a tool to a user; False if it was linked already. A missing row: ForeignKeyError."""
        return self._attach("user", user_id, tool_id)

    @checked
    def detach_from_user(self, user_id: UUID, tool_id: UUID) -> bool:
        """Unlink a tool from a user; True if it was linked."""
        return self._detach("user", user_id, tool_id)

    @checked
    def for_user(self, user_id: UUID, *, limit: int = 100, offset: int = 0) -> List[Tool]:
        """The user's tools, in the order they were linked."""
        return self._tools("user", user_id, limit, offset)

    @checked
    def users_of(self, tool_id: UUID, *, limit: int = 100, offset: int = 0) -> List[User]:
        """The users a tool is linked to, in the order they were linked."""
        return self._owners(User, "user", tool_id, limit, offset)

    @checked
    def attach_to_orchestrator(self, orchestrator_id: UUID, tool_id: UUID) -> bool:
        """Link a tool to an orchestrator; False if it was linked already."""
        return self._attach("orchestrator", orchestrator_id, tool_id)

    @checked
    def detach_from_orchestrator(self, orchestrator_id: UUID, tool_id: UUID) -> bool:
        """Unlink a tool from an orchestrator; True if it was linked."""
        return self._detach("orchestrator", orchestrator_id, tool_id)

    @checked
    def for_orchestrator(
        self, orchestrator_id: UUID, *, limit: int = 100, offset: int = 0
    ) -> List[Tool]:
        """The orchestrator's tools, in the order they were linked."""
        return self._tools("orchestrator", orchestrator_id, limit, offset)

    @checked
    def orchestrators_of(
        self, tool_id: UUID, *, limit: int = 100, offset: int = 0
    ) -> List[Orchestrator]:
        """The orchestrators a tool is linked to, in the order they were linked."""
        return self._owners(Orchestrator, "orchestrator", tool_id, limit, offset)

    @checked
    def attach_to_operator(self, operator_id: UUID, tool_id: UUID) -> bool:
        """Link a tool to an operator; False if it was linked already."""
        return self._attach("operator", operator_id, tool_id)

    @checked
    def detach_from_operator(self, operator_id: UUID, tool_id: UUID) -> bool:
        """Unlink a tool from an operator; True if it was linked."""
        return self._detach("operator", operator_id, tool_id)

    @checked
    def for_operator(self, operator_id: UUID, *, limit: int = 100, offset: int = 0) -> List[Tool]:
        """The operator's tools, in the order they were linked."""
        return self._tools("operator", operator_id, limit, offset)

    @checked
    def operators_of(self, tool_id: UUID, *, limit: int = 100, offset: int = 0) -> List[Operator]:
        """The operators a tool is linked to, in the order they were linked."""
        return self._owners(Operator, "operator", tool_id, limit, offset)
