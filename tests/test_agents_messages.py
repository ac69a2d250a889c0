"""The agent store: tools and their links, messages, and the message recorder."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Iterator

import pytest
from pydantic import BaseModel, ValidationError

from sqlstore import Session, Store
from sqlstore.agents_recorder import MessageRecorder
from sqlstore.dao.agent_projects import MessageDAO, ProjectDAO
from sqlstore.dao.agent_tools import ToolDAO
from sqlstore.errors import AlreadyExists, ForeignKeyError, IntegrityError, InvalidInput
from sqlstore.models.agent_messages import Message, MessageCreate, MessageStatus, MessageUpdate
from sqlstore.models.agents import ProjectCreate, ToolCreate, ToolUpdate
from tests.test_agents import World, counts, make_operator, make_user, make_world

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
    from sqlstore.dao.agents import AgentStoreDAO

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


# -- messages ----------------------------------------------------------------------


def _project(session: Session, w: World, name: str = "todo app") -> uuid.UUID:
    project = ProjectDAO(session).create(
        ProjectCreate(name=name, orchestrator_id=w.orchestrator.id, executive_id=w.executive.id)
    )
    return project.id


def _text(project_id: uuid.UUID, text: str, **sender: uuid.UUID) -> MessageCreate:
    return MessageCreate(
        type="TextMessage", content={"text": text}, project_id=project_id, **sender
    )


def test_messages_append_and_read_back_in_order(session: Session) -> None:
    w = make_world(session)
    project_id, other_id = _project(session, w), _project(session, w, "other")
    dao = MessageDAO(session)
    first = dao.append(_text(project_id, "build a todo app", user_id=w.user.id))
    assert first.user_id == w.user.id and first.operator_id is None
    assert first.status is MessageStatus.INIT and first.content == {"text": "build a todo app"}
    assert dao.get(first.id) == first
    sent = [first]
    for i in range(6):
        sent.append(dao.append(_text(project_id, f"step {i}", operator_id=w.executive.id)))
        dao.append(_text(other_id, f"elsewhere {i}", operator_id=w.developer.id))
    assert dao.list(project_id) == sent and dao.count(project_id) == 7
    # Keyset pages: each page starts after the last message of the one before.
    pages, after = [], None
    while page := dao.list(project_id, limit=3, after=after):
        pages.append(page)
        after = page[-1]
    assert [len(p) for p in pages] == [3, 3, 1]
    assert [m for p in pages for m in p] == sent


def test_messages_of_one_prompt(session: Session) -> None:
    w = make_world(session)
    project_id = _project(session, w)
    dao = MessageDAO(session)
    a = dao.append(_text(project_id, "a", user_id=w.user.id).model_copy(update={"prompt": "p1"}))
    dao.append(_text(project_id, "b", user_id=w.user.id).model_copy(update={"prompt": "p2"}))
    assert dao.list(project_id, prompt="p1") == [a]


def test_append_many_saves_a_conversation_in_one_batch(session: Session) -> None:
    w = make_world(session)
    project_id = _project(session, w)
    dao = MessageDAO(session)
    conversation = [
        _text(project_id, "build it", user_id=w.user.id),
        _text(project_id, "plan", operator_id=w.executive.id),
        _text(project_id, "code", operator_id=w.developer.id),
    ]
    saved = dao.append_many(conversation)
    assert [m.id for m in saved] == [m.id for m in conversation]
    assert [m.seq for m in saved] == sorted(m.seq for m in saved)
    assert dao.list(project_id) == saved
    assert dao.append_many([]) == []


def test_append_many_is_all_or_nothing(store: Store) -> None:
    with store.session() as session:
        w = make_world(session)
        project_id = _project(session, w)
    good = _text(project_id, "ok", user_id=w.user.id)
    bad = _text(uuid.uuid4(), "to a missing project", user_id=w.user.id)
    with store.session() as session:
        with pytest.raises(ForeignKeyError):
            MessageDAO(session).append_many([good, bad])
        assert MessageDAO(session).count(project_id) == 0
    with pytest.raises(AlreadyExists), store.session() as session:
        MessageDAO(session).append_many([good, good])
    assert counts(store)["messages"] == 0


def test_a_message_has_exactly_one_sender(store: Store) -> None:
    with store.session() as session:
        w = make_world(session)
        project_id = _project(session, w)
    with pytest.raises(ValidationError, match="exactly one sender"):
        _text(project_id, "both", user_id=w.user.id, operator_id=w.executive.id)
    with pytest.raises(ValidationError, match="exactly one sender"):
        _text(project_id, "neither")
    # The database checks it again, for writes that skip the model.
    for sender in ({}, {"user_id": w.user.id, "operator_id": w.executive.id}):
        unchecked = MessageCreate.model_construct(
            id=uuid.uuid4(),
            type="TextMessage",
            content={"text": "x"},
            prompt=None,
            status=MessageStatus.INIT,
            project_id=project_id,
            **{"user_id": None, "operator_id": None, **sender},
        )
        with pytest.raises(IntegrityError), store.session() as session:
            MessageDAO(session)._insert(Message, unchecked)
    with pytest.raises(ForeignKeyError), store.session() as session:
        MessageDAO(session).append(_text(project_id, "ghost", operator_id=uuid.uuid4()))
    assert counts(store)["messages"] == 0


def test_message_update_and_delete(session: Session) -> None:
    w = make_world(session)
    dao = MessageDAO(session)
    msg = dao.append(_text(_project(session, w), "hi", operator_id=w.executive.id))
    working = dao.update(msg.id, MessageUpdate(status=MessageStatus.WORKING, prompt="p"))
    assert (working.status, working.prompt, working.content) == ("working", "p", msg.content)
    assert working.modified_at > msg.modified_at and working.seq == msg.seq
    assert dao.update(msg.id, MessageUpdate(prompt=None)).prompt is None
    with pytest.raises(ValidationError):
        MessageUpdate(status="done")  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        MessageUpdate(status=None)
    assert dao.delete(msg.id) is True and dao.get(msg.id) is None


# -- the recorder ----------------------------------------------------------------


class PlannedComponents(BaseModel):
    components: list[str]


class ProjectFile(BaseModel):
    file_name: str
    file_contents: str


def _conversation() -> Iterator[tuple[str, object]]:
    """What a framework orchestrator yields: (operator name, message)."""
    yield "Executive", PlannedComponents(components=["model", "view"])
    yield "Developer", "What database should the model use?"
    yield "Executive", "SQLite."
    yield "Developer", ProjectFile(file_name="app.py", file_contents="print('hi')")


def test_the_recorder_saves_every_message_of_a_conversation(store: Store) -> None:
    with store.session() as session:
        w = make_world(session)
        project_id = _project(session, w)
    names = {"Executive": w.executive.id, "Developer": w.developer.id}
    recorder = MessageRecorder(store, project_id, prompt="build a todo app")
    assert recorder.record("build a todo app", user_id=w.user.id) is not None
    recorder.set_status(MessageStatus.WORKING)
    stream = recorder.tap(_conversation(), names)
    assert [name for name, _ in stream] == ["Executive", "Developer", "Executive", "Developer"]
    recorder.set_status("finished")
    recorder.record({"summary": "done"}, operator_id=w.executive.id, type="Summary")
    with store.session() as session:
        saved = MessageDAO(session).list(project_id)
    assert [(m.type, m.status, m.prompt) for m in saved] == [
        ("TextMessage", "init", "build a todo app"),
        ("PlannedComponents", "working", "build a todo app"),
        ("TextMessage", "working", "build a todo app"),
        ("TextMessage", "working", "build a todo app"),
        ("ProjectFile", "working", "build a todo app"),
        ("Summary", "finished", "build a todo app"),
    ]
    assert saved[1].content == {"components": ["model", "view"]}
    assert saved[2].content == {"text": "What database should the model use?"}
    assert [m.operator_id for m in saved[1:]] == [
        w.executive.id,
        w.developer.id,
        w.executive.id,
        w.developer.id,
        w.executive.id,
    ]


def test_the_batch_recorder_saves_on_leaving_the_block(store: Store) -> None:
    with store.session() as session:
        w = make_world(session)
        project_id = _project(session, w)
    names = {"Executive": w.executive.id, "Developer": w.developer.id}

    async def conversation() -> AsyncIterator[tuple[str, object]]:
        for pair in _conversation():
            yield pair

    async def run(recorder: MessageRecorder) -> list[str]:
        return [name async for name, _ in recorder.atap(conversation(), names)]

    with MessageRecorder(store, project_id, batch=True) as recorder:
        assert recorder.record("go", user_id=w.user.id) is None
        with pytest.raises(ValidationError):  # a mapping must say its type
            recorder.record({"x": 1}, operator_id=w.executive.id)
        assert asyncio.run(run(recorder)) == ["Executive", "Developer", "Executive", "Developer"]
        assert recorder.pending == 5 and counts(store)["messages"] == 0
    assert recorder.pending == 0
    with store.session() as session:
        saved = MessageDAO(session).list(project_id)
    assert [m.type for m in saved] == [
        "TextMessage",
        "PlannedComponents",
        "TextMessage",
        "TextMessage",
        "ProjectFile",
    ]


def test_the_recorder_refuses_what_it_cannot_attribute(store: Store) -> None:
    with store.session() as session:
        w = make_world(session)
        other = make_operator(session, w.orchestrator, "Other")
        project_id = _project(session, w)
    recorder = MessageRecorder(store, project_id)
    with pytest.raises(InvalidInput, match="Stranger"):
        list(recorder.tap(iter([("Stranger", "hi")]), {"Executive": w.executive.id}))
    with pytest.raises(ValidationError):
        recorder.record("both", user_id=w.user.id, operator_id=other.id)
    with pytest.raises(InvalidInput):
        recorder.record(42, user_id=w.user.id)  # type: ignore[arg-type]
    batch = MessageRecorder(store, uuid.uuid4(), batch=True)
    batch.record("to a missing project", user_id=make_user_id(store))
    with pytest.raises(ForeignKeyError):
        batch.flush()
    assert batch.pending == 1  # kept for another try
    assert counts(store)["messages"] == 0


def make_user_id(store: Store) -> uuid.UUID:
    with store.session() as session:
        return make_user(session, "rec@example.com").id
