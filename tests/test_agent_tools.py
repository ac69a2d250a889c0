"""The agent store's tools and their links to users, orchestrators and operators."""

from __future__ import annotations

import uuid

import pytest

from sqlstore import Session, Store
from sqlstore.dao.agent_tools import ToolDAO
from sqlstore.dao.agents import AgentStoreDAO
from sqlstore.errors import ForeignKeyError
from sqlstore.models.agent_tools import ToolCreate, ToolUpdate
from tests.factories import (
    counts,
    make_world,
)

pytestmark = pytest.mark.both_apis

# -- tools -----------------------------------------------------------------------


def test_tool_crud_and_user_attachment_on_create(session: Session) -> None:
    w = make_world(session)
    dao = ToolDAO(session)
    github = dao.create(ToolCreate(name="github"), user_id=w.user.id)
    arxiv = dao.create(ToolCreate(name="arxiv"))
    assert dao.get(github.id) == github and dao.list() == [github, arxiv]
    assert dao.for_user(w.user.id) == [github]
    assert dao.get_by_name("github", w.user.id) == github
    assert dao.get_by_name("arxiv", w.user.id) is None
    renamed = dao.update(arxiv.id, ToolUpdate(name="papers"))
    assert renamed.name == "papers" and renamed.modified_at > arxiv.modified_at
    assert dao.delete(arxiv.id) is True and dao.get(arxiv.id) is None


def test_tools_attach_detach_and_list_both_ways_at_every_level(session: Session) -> None:
    w = make_world(session)
    dao = ToolDAO(session)
    github, aws = dao.create(ToolCreate(name="github")), dao.create(ToolCreate(name="aws"))
    levels = [
        (dao.attach_to_user, dao.detach_from_user, dao.for_user, dao.users_of, w.user),
        (
            dao.attach_to_orchestrator,
            dao.detach_from_orchestrator,
            dao.for_orchestrator,
            dao.orchestrators_of,
            w.orchestrator,
        ),
        (
            dao.attach_to_operator,
            dao.detach_from_operator,
            dao.for_operator,
            dao.operators_of,
            w.executive,
        ),
    ]
    for attach, detach, tools_of, owners_of, owner in levels:
        assert attach(owner.id, github.id) is True
        assert attach(owner.id, github.id) is False  # linked already: nothing changes
        assert attach(owner.id, aws.id) is True
        assert tools_of(owner.id) == [github, aws]
        assert tools_of(owner.id, limit=1, offset=1) == [aws]
        assert owners_of(github.id) == [owner]
        assert detach(owner.id, github.id) is True and detach(owner.id, github.id) is False
        assert tools_of(owner.id) == [aws] and owners_of(github.id) == []
    # The operator comes back with its direct-message project id, like any operator read.
    assert dao.operators_of(aws.id) == [w.executive]
    assert counts_of(session) == {"user_tools": 1, "orchestrator_tools": 1, "operator_tools": 1}


def counts_of(session: Session) -> dict[str, int]:

    c = AgentStoreDAO(session).counts()
    return {k: c[k] for k in ("user_tools", "orchestrator_tools", "operator_tools")}


def test_a_link_to_a_missing_row_is_a_foreign_key_error(store: Store) -> None:
    with store.session() as session:
        w = make_world(session)
        tool = ToolDAO(session).create(ToolCreate(name="github"))
    before = counts(store)
    for attach, owner_id, tool_id in [
        ("attach_to_user", w.user.id, uuid.uuid4()),
        ("attach_to_orchestrator", uuid.uuid4(), tool.id),
        ("attach_to_operator", w.executive.id, uuid.uuid4()),
        ("attach_to_operator", uuid.uuid4(), tool.id),
    ]:
        with pytest.raises(ForeignKeyError), store.session() as session:
            getattr(ToolDAO(session), attach)(owner_id, tool_id)
    with pytest.raises(ForeignKeyError), store.session() as session:
        ToolDAO(session).create(ToolCreate(name="orphan"), user_id=uuid.uuid4())
    assert counts(store) == before


def test_deleting_a_tool_removes_its_links_everywhere(session: Session) -> None:
    w = make_world(session)
    dao = ToolDAO(session)
    tool = dao.create(ToolCreate(name="github"), user_id=w.user.id)
    dao.attach_to_orchestrator(w.orchestrator.id, tool.id)
    dao.attach_to_operator(w.developer.id, tool.id)
    assert dao.delete(tool.id)
    assert counts_of(session) == {"user_tools": 0, "orchestrator_tools": 0, "operator_tools": 0}
