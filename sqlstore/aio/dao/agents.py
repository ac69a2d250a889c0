"""DAOs of the agent framework: users, orchestrators, operators, their clients, and logs.

Getters are scoped by owner as the framework scopes them: an operator is
found by its id *and* its orchestrator's (``get(id, orchestrator_id)``), so a
caller holding one orchestrator cannot reach another's operators.
"""

from __future__ import annotations

from uuid import UUID, uuid4

from sqlstore.aio.dao.agent_base import AgentDAO
from sqlstore.aio.dao.base import BaseDAO, atomic
from sqlstore.dao._args import checked
from sqlstore.dao._types import List
from sqlstore.models.agents import (
    Client,
    ClientCreate,
    ClientUpdate,
    Log,
    LogCreate,
    LogUpdate,
    Operator,
    OperatorCreate,
    OperatorUpdate,
    Orchestrator,
    OrchestratorCreate,
    OrchestratorUpdate,
    User,
    UserCreate,
    UserUpdate,
)
from sqlstore.types import utcnow

__all__ = [
    "AgentStoreDAO",
    "ClientDAO",
    "LogDAO",
    "OperatorDAO",
    "OrchestratorDAO",
    "UserDAO",
    "direct_message_project_name",
]

AGENT_TABLES = (
    "users",
    "orchestrators",
    "operators",
    "clients",
    "projects",
    "tools",
    "user_tools",
    "orchestrator_tools",
    "operator_tools",
    "messages",
    "nodes",
    "repo_nodes",
    "auth_states",
    "auth_tokens",
    "logs",
)


def direct_message_project_name(operator_name: str) -> str:
    """The name of an operator's direct-message project, as the framework names it."""
    return f"{operator_name}'s Direct Messages"


class UserDAO(AgentDAO):
    """Users; the email is unique."""

    queries, what = "agents.users", "user"

    async def create(self, new: UserCreate) -> User:
        """Store a user; a taken email is ``AlreadyExists``."""
        return await self._insert(User, UserCreate.model_validate(new))

    @checked
    async def get(self, id: UUID) -> User | None:
        """The user with this id, or ``None``."""
        return await self._find(User, id=id)

    @checked
    async def get_by_email(self, email: str) -> User | None:
        """The user with this email, or ``None``."""
        return await self.fetch_model(User, "agents.users.get_by_email", email=email)

    @checked
    async def list(self, *, limit: int = 100, offset: int = 0) -> List[User]:
        """Users in the order they were created."""
        return await self.fetch_models(User, "agents.users.list", **self.page_params(limit, offset))

    @checked
    async def update(self, id: UUID, changes: UserUpdate) -> User:
        """Change the fields given in ``changes``; ``NotFound`` if there is no such user."""
        return await self._change(User, changes, id=id)

    @checked
    async def delete(self, id: UUID) -> bool:
        """Delete a user and everything under them; True if there was one."""
        return await self._remove(id=id)


class OrchestratorDAO(AgentDAO):
    """Orchestrators; the name is unique per user. ``user_id=None`` means any user."""

    queries, what = "agents.orchestrators", "orchestrator"

    async def create(self, new: OrchestratorCreate) -> Orchestrator:
        """Store an orchestrator; a name the user already uses is ``AlreadyExists``."""
        return await self._insert(Orchestrator, OrchestratorCreate.model_validate(new))

    @checked
    async def get(self, id: UUID, user_id: UUID | None = None) -> Orchestrator | None:
        """The orchestrator with this id (of this user, if given), or ``None``."""
        return await self._find(Orchestrator, id=id, user_id=user_id)

    @checked
    async def get_by_name(self, name: str, user_id: UUID) -> Orchestrator | None:
        """The user's orchestrator with this name, or ``None``."""
        return await self.fetch_model(
            Orchestrator, "agents.orchestrators.get_by_name", name=name, user_id=user_id
        )

    @checked
    async def list(
        self, user_id: UUID | None = None, *, limit: int = 100, offset: int = 0
    ) -> List[Orchestrator]:
        """Orchestrators in the order they were created, of one user or of all."""
        return await self.fetch_models(
            Orchestrator,
            "agents.orchestrators.list",
            user_id=user_id,
            **self.page_params(limit, offset),
        )

    @checked
    async def update(
        self, id: UUID, changes: OrchestratorUpdate, user_id: UUID | None = None
    ) -> Orchestrator:
        """Change the fields given in ``changes``; ``NotFound`` if there is no such orchestrator."""
        return await self._change(Orchestrator, changes, id=id, user_id=user_id)

    @checked
    async def delete(self, id: UUID, user_id: UUID | None = None) -> bool:
        """Delete an orchestrator, its operators, projects and tool links; True if there was one."""
        return await self._remove(id=id, user_id=user_id)


class OperatorDAO(AgentDAO):
    """Operators of an orchestrator, each with its direct-message project."""

    queries, what = "agents.operators", "operator"

    @atomic
    async def create(self, new: OperatorCreate) -> Operator:
        """Store an operator and its direct-message project, both or neither.

        A name the orchestrator already uses is ``AlreadyExists``; a missing
        orchestrator is ``ForeignKeyError``.
        """
        new = OperatorCreate.model_validate(new)
        operator = await self._insert(Operator, new)
        project = await self.session.fetch_one(
            "agent_projects.projects.insert_direct_message",
            id=uuid4(),
            orchestrator_id=new.orchestrator_id,
            operator_id=operator.id,
            name=direct_message_project_name(new.name),
            now=utcnow(),
        )
        assert project is not None  # INSERT ... RETURNING returns its row or raises
        return Operator.model_validate(
            {**operator.model_dump(), "direct_message_project_id": project["id"]}
        )

    @checked
    async def get(self, id: UUID, orchestrator_id: UUID) -> Operator | None:
        """The orchestrator's operator with this id, or ``None``."""
        return await self._find(Operator, id=id, orchestrator_id=orchestrator_id)

    @checked
    async def get_by_name(self, name: str, orchestrator_id: UUID) -> Operator | None:
        """The orchestrator's operator with this name, or ``None``."""
        return await self.fetch_model(
            Operator, "agents.operators.get_by_name", name=name, orchestrator_id=orchestrator_id
        )

    @checked
    async def list(
        self, orchestrator_id: UUID | None = None, *, limit: int = 100, offset: int = 0
    ) -> List[Operator]:
        """Operators in the order they were created, of one orchestrator or of all."""
        return await self.fetch_models(
            Operator,
            "agents.operators.list",
            orchestrator_id=orchestrator_id,
            **self.page_params(limit, offset),
        )

    @atomic
    @checked
    async def update(self, id: UUID, orchestrator_id: UUID, changes: OperatorUpdate) -> Operator:
        """Change the fields given in ``changes``; a new name renames the direct-message project."""
        operator = await self._change(Operator, changes, id=id, orchestrator_id=orchestrator_id)
        if "name" in changes.given():
            await self.session.execute(
                "agent_projects.projects.rename_direct_message",
                operator_id=id,
                name=direct_message_project_name(operator.name),
                now=utcnow(),
            )
        return operator

    @checked
    async def delete(self, id: UUID, orchestrator_id: UUID) -> bool:
        """Delete an operator, its clients, tool links and direct-message project; True if found.

        Projects it was the executive or developer of keep going without it
        (those references become NULL).
        """
        return await self._remove(id=id, orchestrator_id=orchestrator_id)


class ClientDAO(AgentDAO):
    """The LLM clients of an operator, scoped by operator and orchestrator."""

    queries, what = "agents.clients", "client"

    async def create(self, new: ClientCreate) -> Client:
        """Store a client; an operator missing from the orchestrator is ``ForeignKeyError``."""
        return await self._insert(Client, ClientCreate.model_validate(new))

    @checked
    async def get(self, id: UUID, operator_id: UUID, orchestrator_id: UUID) -> Client | None:
        """The operator's client with this id, or ``None``."""
        return await self._find(
            Client, id=id, operator_id=operator_id, orchestrator_id=orchestrator_id
        )

    @checked
    async def list(
        self,
        orchestrator_id: UUID | None = None,
        operator_id: UUID | None = None,
        *,
        limit: int = 100,
        offset: int = 0,
    ) -> List[Client]:
        """Clients in the order they were created, filtered by orchestrator and operator."""
        return await self.fetch_models(
            Client,
            "agents.clients.list",
            orchestrator_id=orchestrator_id,
            operator_id=operator_id,
            **self.page_params(limit, offset),
        )

    @checked
    async def update(
        self, id: UUID, operator_id: UUID, orchestrator_id: UUID, changes: ClientUpdate
    ) -> Client:
        """Change the fields given in ``changes``; ``NotFound`` if there is no such client."""
        return await self._change(
            Client, changes, id=id, operator_id=operator_id, orchestrator_id=orchestrator_id
        )

    @checked
    async def delete(self, id: UUID, operator_id: UUID, orchestrator_id: UUID) -> bool:
        """Delete a client; True if there was one."""
        return await self._remove(id=id, operator_id=operator_id, orchestrator_id=orchestrator_id)


class LogDAO(AgentDAO):
    """Log lines (level and message)."""

    queries, what = "agents.logs", "log line"

    async def create(self, new: LogCreate) -> Log:
        """Store a log line."""
        return await self._insert(Log, LogCreate.model_validate(new))

    @checked
    async def write(self, level: str, message: str) -> Log:
        """Store a log line from its level and message."""
        return await self.create(LogCreate(level=level, message=message))

    @checked
    async def get(self, id: UUID) -> Log | None:
        """The log line with this id, or ``None``."""
        return await self._find(Log, id=id)

    @checked
    async def list(self, *, limit: int = 100, offset: int = 0) -> List[Log]:
        """Log lines, oldest first."""
        return await self.fetch_models(Log, "agents.logs.list", **self.page_params(limit, offset))

    @checked
    async def newest(self, n: int = 100) -> List[Log]:
        """The newest ``n`` log lines, newest first (the framework's ``get_logs(n)``)."""
        return await self.fetch_models(
            Log, "agents.logs.newest", limit=self.page_params(n)["limit"]
        )

    @checked
    async def update(self, id: UUID, changes: LogUpdate) -> Log:
        """Change the fields given in ``changes``; ``NotFound`` if there is no such line."""
        return await self._change(Log, changes, id=id)

    @checked
    async def delete(self, id: UUID) -> bool:
        """Delete a log line; True if there was one."""
        return await self._remove(id=id)


class AgentStoreDAO(BaseDAO):
    """The agent store as a whole."""

    async def counts(self) -> dict[str, int]:
        """How many rows each table of the agent store holds."""
        row = await self.session.fetch_one("agents.store.counts")
        assert row is not None  # an aggregate always returns one row
        return {table: int(row[table]) for table in AGENT_TABLES}
