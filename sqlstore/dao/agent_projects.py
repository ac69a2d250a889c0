# Generated from sqlstore/aio/dao/agent_projects.py (`make generate`): edit that file, not this one.
"""DAOs of the agent framework: projects and the messages in them."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from uuid import UUID

from sqlstore.dao._args import checked
from sqlstore.dao._types import List
from sqlstore.dao.agent_base import AgentDAO
from sqlstore.dao.base import atomic, streaming
from sqlstore.errors import InvalidInput
from sqlstore.models.agent_projects import (
    Message,
    MessageCreate,
    MessageUpdate,
    Project,
    ProjectCreate,
    ProjectUpdate,
)
from sqlstore.results import BY_SEQ, Page
from sqlstore.types import utcnow

__all__ = ["MessageDAO", "ProjectDAO"]

_LIST = "agent_projects.messages.list"


class ProjectDAO(AgentDAO):
    """Projects of an orchestrator; an operator's direct-message project comes with the operator."""

    queries, what = "agent_projects.projects", "project"

    def create(self, new: ProjectCreate) -> Project:
        """Store a project; a name the orchestrator already uses is ``AlreadyExists``.

        The executive and developer must be operators of the same
        orchestrator (``InvalidInput``); a missing one is ``ForeignKeyError``.
        """
        new = ProjectCreate.model_validate(new)
        self._check_operators(new.orchestrator_id, new.executive_id, new.developer_id)
        return self._insert(Project, new)

    @checked
    def get(self, id: UUID, orchestrator_id: UUID) -> Project | None:
        """The orchestrator's project with this id (direct-message ones too), or ``None``."""
        return self._find(Project, id=id, orchestrator_id=orchestrator_id)

    @checked
    def get_by_name(self, name: str, orchestrator_id: UUID) -> Project | None:
        """The orchestrator's project (not a direct-message one) with this name, or ``None``."""
        return self.fetch_model(
            Project,
            "agent_projects.projects.get_by_name",
            name=name,
            orchestrator_id=orchestrator_id,
        )

    @checked
    def get_direct_message(self, operator_id: UUID) -> Project | None:
        """The direct-message project of this operator, or ``None``."""
        return self.fetch_model(
            Project, "agent_projects.projects.get_direct_message", operator_id=operator_id
        )

    @checked
    def list(
        self,
        orchestrator_id: UUID | None = None,
        *,
        include_direct_messages: bool = False,
        limit: int = 100,
        offset: int = 0,
    ) -> List[Project]:
        """Projects in the order they were created; direct-message projects only if asked."""
        return self.fetch_models(
            Project,
            "agent_projects.projects.list",
            orchestrator_id=orchestrator_id,
            include_direct_messages=include_direct_messages,
            **self.page_params(limit, offset),
        )

    @checked
    def update(self, id: UUID, orchestrator_id: UUID, changes: ProjectUpdate) -> Project:
        """Change the fields given in ``changes``; executive and developer may be set to None."""
        given = changes.given()
        self._check_operators(orchestrator_id, given.get("executive_id"), given.get("developer_id"))
        return self._change(Project, changes, id=id, orchestrator_id=orchestrator_id)

    @checked
    def delete(self, id: UUID, orchestrator_id: UUID) -> bool:
        """Delete a project and its messages; True if there was one."""
        return self._remove(id=id, orchestrator_id=orchestrator_id)

    def _check_operators(self, orchestrator_id: UUID, *operator_ids: UUID | None) -> None:
        ids = [i for i in operator_ids if i is not None]
        if ids and self.session.fetch_value(
            "agent_projects.projects.foreign_operators",
            operator_ids=ids,
            orchestrator_id=orchestrator_id,
        ):
            raise InvalidInput(
                "a project's executive and developer must be operators of its orchestrator "
                f"{orchestrator_id}"
            )


class MessageDAO(AgentDAO):
    """Messages of a project, read back in the order they were appended."""

    queries, what = "agent_projects.messages", "message"

    def append(self, new: MessageCreate) -> Message:
        """Append one message; its sender is exactly one of a user or an operator."""
        return self._insert(Message, MessageCreate.model_validate(new))

    @atomic
    def append_many(self, messages: Sequence[MessageCreate]) -> List[Message]:
        """Append a conversation in one batch, every message or none; return them in order."""
        news = [MessageCreate.model_validate(m) for m in messages]
        if not news:
            return []
        now = utcnow()
        self.session.execute_many(
            "agent_projects.messages.insert", [{**m.model_dump(), "now": now} for m in news]
        )
        return self.fetch_models(
            Message, "agent_projects.messages.get_many", ids=[m.id for m in news]
        )

    @checked
    def get(self, id: UUID) -> Message | None:
        """The message with this id, or ``None``."""
        return self._find(Message, id=id)

    @checked
    def list(
        self,
        project_id: UUID,
        *,
        prompt: str | None = None,
        limit: int = 100,
        after: str | Message | None = None,
    ) -> Page[Message]:
        """A project's messages in the order they were appended, optionally of one prompt.

        Page by keyset: pass a page's ``next`` (or its last message) as ``after``.
        """
        filters = {"project_id": project_id, "prompt": prompt}
        if isinstance(after, Message):
            after = BY_SEQ.encode(_LIST, filters, after)
        return self.fetch_page(Message, _LIST, BY_SEQ, limit, after, filters)

    @streaming
    @checked
    def iter_all(
        self, project_id: UUID, *, prompt: str | None = None, batch_size: int = 1000
    ) -> Iterator[Message]:
        """Every message of a project in order, a page of ``batch_size`` at a time."""
        return self.iter_pages(self.list, batch_size, project_id=project_id, prompt=prompt)

    @checked
    def count(self, project_id: UUID) -> int:
        """How many messages the project has."""
        return int(self.session.fetch_value("agent_projects.messages.count", project_id=project_id))

    @checked
    def update(self, id: UUID, changes: MessageUpdate) -> Message:
        """Change the status or prompt of a message; ``NotFound`` if there is no such message."""
        return self._change(Message, changes, id=id)

    @checked
    def delete(self, id: UUID) -> bool:
        """Delete a message; True if there was one."""
        return self._remove(id=id)
