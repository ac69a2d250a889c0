"""Builders of valid input and rows for the tests: the one place test modules share them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlstore import Session, Store
from sqlstore.dao import (
    AgentStoreDAO,
    AuthTokenDAO,
    ClientDAO,
    MessageDAO,
    OperatorDAO,
    OrchestratorDAO,
    ProjectDAO,
    ToolDAO,
    UserDAO,
)
from sqlstore.models import (
    ClientCreate,
    GenerationCreate,
    MessageCreate,
    Operator,
    OperatorCreate,
    Orchestrator,
    OrchestratorCreate,
    Project,
    ProjectCreate,
    Tool,
    ToolCreate,
    User,
    UserCreate,
)
from sqlstore.types import utcnow


def new_generation(**overrides: Any) -> GenerationCreate:
    fields: dict[str, Any] = {
        "prompt": "hip hop beat at 140 BPM",
        "model_name": "musicgen-small",
        "duration_seconds": 16.0,
        "sample_rate": 32000,
        "channels": 2,
        "file_path": "outputs/gen.wav",
        "metadata": {"bpm": 140},
    }
    fields.update(overrides)
    return GenerationCreate(**fields)


def raw_generation(**overrides: object) -> dict[str, object]:
    """Parameters of ``notes.raw_generation``, which inserts a generation past the models."""
    fields: dict[str, object] = {
        "id": uuid.uuid4(),
        "duration_seconds": 1.0,
        "channels": 2,
        "metadata": {},
        "created_at": utcnow(),
    }
    fields.update(overrides)
    return fields


# -- the agent store ---------------------------------------------------------


def make_user(session: Session, email: str = "ada@example.com", **fields: Any) -> User:
    return UserDAO(session).create(UserCreate(email=email, **fields))


def make_orchestrator(session: Session, user: User, name: str = "main") -> Orchestrator:
    return OrchestratorDAO(session).create(
        OrchestratorCreate(type="software", name=name, user_id=user.id)
    )


def make_operator(
    session: Session, orchestrator: Orchestrator, name: str = "Exec", title: str = "executive"
) -> Operator:
    return OperatorDAO(session).create(
        OperatorCreate(
            instructions="You plan.", name=name, title=title, orchestrator_id=orchestrator.id
        )
    )


@dataclass
class World:
    user: User
    orchestrator: Orchestrator
    executive: Operator
    developer: Operator


def make_world(session: Session, email: str = "ada@example.com") -> World:
    user = make_user(session, email)
    orch = make_orchestrator(session, user)
    return World(
        user,
        orch,
        make_operator(session, orch, "Exec", "executive"),
        make_operator(session, orch, "Dev", "developer"),
    )


def counts(store: Store) -> dict[str, int]:
    with store.session(readonly=True) as session:
        return AgentStoreDAO(session).counts()


@dataclass
class Full:
    w: World
    project: Project
    tool: Tool  # linked at user, orchestrator and operator level


def make_full_world(session: Session, email: str, shared: Tool) -> Full:
    """A user's world: 2 operators with clients, 1 project, 6 messages, 4 links, 1 token."""
    w = make_world(session, email)
    o = w.orchestrator.id
    for op in (w.executive, w.developer):
        ClientDAO(session).create(ClientCreate(operator_id=op.id, orchestrator_id=o))
    project = ProjectDAO(session).create(
        ProjectCreate(
            name="app", orchestrator_id=o, executive_id=w.executive.id, developer_id=w.developer.id
        )
    )
    tools = ToolDAO(session)
    tool = tools.create(ToolCreate(name=f"tool of {email}"), user_id=w.user.id)
    tools.attach_to_orchestrator(o, tool.id)
    tools.attach_to_operator(w.executive.id, tool.id)
    tools.attach_to_user(w.user.id, shared.id)
    assert w.executive.direct_message_project_id and w.developer.direct_message_project_id
    messages = MessageDAO(session)
    for project_id in (
        project.id,
        w.executive.direct_message_project_id,
        w.developer.direct_message_project_id,
    ):
        messages.append_many(
            [
                MessageCreate(type="T", content={}, project_id=project_id, user_id=w.user.id),
                MessageCreate(
                    type="T", content={}, project_id=project_id, operator_id=w.executive.id
                ),
            ]
        )
    AuthTokenDAO(session).save(w.user.id, "refresh-" + email)
    return Full(w, project, tool)
