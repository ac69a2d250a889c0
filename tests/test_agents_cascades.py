"""The agent store's cascades, enforced by the database on both dialects.

Each test builds two users' worlds sharing a tool, deletes one thing with a
single DELETE (the DAO's), and checks exactly what went and what stayed.
"""

from __future__ import annotations

import uuid

import pytest

from sqlstore import Store
from sqlstore.dao.agent_auth import AuthTokenDAO
from sqlstore.dao.agent_projects import MessageDAO, ProjectDAO
from sqlstore.dao.agent_tools import ToolDAO
from sqlstore.dao.agent_trees import NodeDAO, RepoNodeDAO
from sqlstore.dao.agents import ClientDAO, OperatorDAO, OrchestratorDAO, UserDAO
from sqlstore.models.agent_tools import Tool, ToolCreate
from sqlstore.models.agent_trees import NodeCreate, RepoNodeCreate
from tests.factories import Full, counts, make_full_world

pytestmark = pytest.mark.both_apis

PER_USER = {
    "users": 1,
    "orchestrators": 1,
    "operators": 2,
    "clients": 2,
    "projects": 3,  # one project and two direct-message projects
    "tools": 1,
    "user_tools": 2,
    "orchestrator_tools": 1,
    "operator_tools": 1,
    "messages": 6,
    "auth_tokens": 1,
}


def _two_users(store: Store) -> tuple[Full, Full, Tool]:
    with store.session() as session:
        shared = ToolDAO(session).create(ToolCreate(name="shared"))
        ada = make_full_world(session, "ada@example.com", shared)
        bob = make_full_world(session, "bob@example.com", shared)
    expected = {t: 2 * n for t, n in PER_USER.items()}
    expected["tools"] += 1
    assert {t: n for t, n in counts(store).items() if n} == expected
    return ada, bob, shared


def _minus(before: dict[str, int], gone: dict[str, int]) -> dict[str, int]:
    return {t: n - gone.get(t, 0) for t, n in before.items()}


def test_deleting_a_user_removes_everything_under_them_but_shared_tools(store: Store) -> None:
    ada, bob, shared = _two_users(store)
    before = counts(store)
    with store.session() as session:
        assert UserDAO(session).delete(ada.w.user.id)
    gone = dict(PER_USER, tools=0)  # tools are shared: only their links go
    assert counts(store) == _minus(before, gone)
    with store.session() as session:
        tools = ToolDAO(session)
        assert tools.get(ada.tool.id) == ada.tool and tools.get(shared.id) == shared
        assert tools.users_of(shared.id) == [bob.w.user]
        assert OrchestratorDAO(session).get(ada.w.orchestrator.id) is None
        assert AuthTokenDAO(session).get_for_user(ada.w.user.id) is None
        assert AuthTokenDAO(session).get_for_user(bob.w.user.id) is not None
        assert MessageDAO(session).count(bob.project.id) == 2


def test_deleting_an_orchestrator_removes_its_operators_projects_and_links(store: Store) -> None:
    ada, bob, shared = _two_users(store)
    before = counts(store)
    with store.session() as session:
        assert OrchestratorDAO(session).delete(ada.w.orchestrator.id, ada.w.user.id)
    gone = {
        "orchestrators": 1,
        "operators": 2,
        "clients": 2,
        "projects": 3,
        "messages": 6,
        "orchestrator_tools": 1,
        "operator_tools": 1,
    }
    assert counts(store) == _minus(before, gone)
    with store.session() as session:
        tools = ToolDAO(session)
        assert tools.get(ada.tool.id) == ada.tool  # the tool stays, so do user links
        assert tools.for_user(ada.w.user.id) == [ada.tool, shared]
        assert tools.orchestrators_of(ada.tool.id) == []
        assert UserDAO(session).get(ada.w.user.id) == ada.w.user
        assert ProjectDAO(session).list(include_direct_messages=True) == ProjectDAO(session).list(
            bob.w.orchestrator.id, include_direct_messages=True
        )


def test_deleting_an_operator_removes_its_clients_and_direct_message_project(
    store: Store,
) -> None:
    ada, _, _ = _two_users(store)
    dev = ada.w.developer
    before = counts(store)
    with store.session() as session:
        assert OperatorDAO(session).delete(dev.id, ada.w.orchestrator.id)
    # Its client, its direct-message project with that project's 2 messages.
    gone = {"operators": 1, "clients": 1, "projects": 1, "messages": 2}
    assert counts(store) == _minus(before, gone)
    with store.session() as session:
        assert ProjectDAO(session).get_direct_message(dev.id) is None
        assert ClientDAO(session).list(operator_id=dev.id) == []
        # The project it was developer of stays, without it; the database
        # stamped modified_at when its foreign key set the column to NULL.
        project = ProjectDAO(session).get(ada.project.id, ada.w.orchestrator.id)
        assert project is not None and project.developer_id is None
        assert project.executive_id == ada.w.executive.id
        assert project.modified_at > ada.project.modified_at
        assert MessageDAO(session).count(ada.project.id) == 2


def test_deleting_an_operator_removes_its_tool_links_and_messages_it_sent(store: Store) -> None:
    ada, _, _ = _two_users(store)
    exe = ada.w.executive
    before = counts(store)
    with store.session() as session:
        assert OperatorDAO(session).delete(exe.id, ada.w.orchestrator.id)
    # Its client and link; its direct-message project (2 messages); the
    # messages it sent in the two other projects (1 each).
    gone = {"operators": 1, "clients": 1, "operator_tools": 1, "projects": 1, "messages": 4}
    assert counts(store) == _minus(before, gone)
    with store.session() as session:
        assert ToolDAO(session).operators_of(ada.tool.id) == []
        assert ToolDAO(session).get(ada.tool.id) == ada.tool
        project = ProjectDAO(session).get(ada.project.id, ada.w.orchestrator.id)
        assert project is not None and project.executive_id is None
        assert [m.user_id for m in MessageDAO(session).list(ada.project.id)] == [ada.w.user.id]


def test_deleting_a_project_removes_its_messages(store: Store) -> None:
    ada, _, _ = _two_users(store)
    before = counts(store)
    with store.session() as session:
        assert ProjectDAO(session).delete(ada.project.id, ada.w.orchestrator.id)
    assert counts(store) == _minus(before, {"projects": 1, "messages": 2})


def test_deleting_a_tool_removes_only_its_links(store: Store) -> None:
    _, _, shared = _two_users(store)
    before = counts(store)
    with store.session() as session:
        assert ToolDAO(session).delete(shared.id)
    assert counts(store) == _minus(before, {"tools": 1, "user_tools": 2})


@pytest.mark.parametrize("kind", ["nodes", "repo_nodes"])
def test_deleting_a_node_removes_its_subtree(store: Store, kind: str) -> None:
    with store.session() as session:
        dao: NodeDAO | RepoNodeDAO

        def make(parent: uuid.UUID | None) -> uuid.UUID:
            if kind == "nodes":
                return NodeDAO(session).create(NodeCreate(parent_id=parent)).id
            new = RepoNodeCreate(
                org="acme",
                repo="app",
                partition_type="file",
                name="n",
                abs_path="/",
                parent_id=parent,
            )
            return RepoNodeDAO(session).create(new).id

        dao = NodeDAO(session) if kind == "nodes" else RepoNodeDAO(session)
        root = make(None)
        keep, doomed = make(root), make(root)
        grandchildren = [make(doomed) for _ in range(3)]
        great = make(grandchildren[0])
        other_root = make(None)
        assert len(dao.subtree(root)) == 7
    with store.session() as session:
        dao = NodeDAO(session) if kind == "nodes" else RepoNodeDAO(session)
        assert dao.delete(doomed)
        for gone in (doomed, *grandchildren, great):
            assert dao.get(gone) is None
        assert [n.id for n in dao.subtree(root)] == [root, keep]
        assert dao.get(other_root) is not None
    assert counts(store)[kind] == 3
    with store.session() as session:
        dao = NodeDAO(session) if kind == "nodes" else RepoNodeDAO(session)
        assert dao.delete(root)
    assert counts(store)[kind] == 1


def test_the_cascades_are_the_databases_not_the_daos(store: Store) -> None:
    """One DELETE statement, run directly, cascades just like the DAO call."""
    ada, _, _ = _two_users(store)
    before = counts(store)
    with store.session() as session:
        assert session.execute("agents.users.delete", id=ada.w.user.id) == 1
    assert counts(store) == _minus(before, dict(PER_USER, tools=0))
