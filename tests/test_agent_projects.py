"""The agent store's projects and their messages, and the message recorder."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Iterator

import pytest
from pydantic import BaseModel, ValidationError

from sqlstore import Session, Store
from sqlstore.agents_recorder import MessageRecorder
from sqlstore.dao.agent_projects import MessageDAO, ProjectDAO
from sqlstore.errors import AlreadyExists, ForeignKeyError, IntegrityError, InvalidInput
from sqlstore.models.agent_projects import (
    Message,
    MessageCreate,
    MessageStatus,
    MessageUpdate,
    ProjectCreate,
    ProjectUpdate,
)
from tests.factories import (
    World,
    counts,
    make_operator,
    make_orchestrator,
    make_user,
    make_world,
)

pytestmark = pytest.mark.both_apis

# -- projects --------------------------------------------------------------------


def test_project_crud(session: Session) -> None:
    w = make_world(session)
    dao = ProjectDAO(session)
    project = dao.create(
        ProjectCreate(
            name="todo app",
            orchestrator_id=w.orchestrator.id,
            executive_id=w.executive.id,
            developer_id=w.developer.id,
        )
    )
    assert not project.is_direct_message and project.executive_id == w.executive.id
    assert dao.get(project.id, w.orchestrator.id) == project
    assert dao.get_by_name("todo app", w.orchestrator.id) == project
    assert dao.get_by_name("Exec's Direct Messages", w.orchestrator.id) is None
    assert dao.list(w.orchestrator.id) == [project]
    second = dao.create(ProjectCreate(name="second", orchestrator_id=w.orchestrator.id))
    assert dao.list(w.orchestrator.id, limit=1, offset=1) == [second]
    changed = dao.update(project.id, w.orchestrator.id, ProjectUpdate(developer_id=None))
    assert changed.developer_id is None and changed.executive_id == w.executive.id
    assert changed.name == "todo app" and changed.modified_at > project.modified_at
    assert dao.delete(project.id, w.orchestrator.id) is True
    assert dao.get(project.id, w.orchestrator.id) is None


def test_project_name_is_unique_per_orchestrator(store: Store) -> None:
    with store.session() as session:
        w = make_world(session)
        other = make_orchestrator(session, w.user, "other")
        ProjectDAO(session).create(ProjectCreate(name="p", orchestrator_id=w.orchestrator.id))
        ProjectDAO(session).create(ProjectCreate(name="p", orchestrator_id=other.id))
    with pytest.raises(AlreadyExists), store.session() as session:
        ProjectDAO(session).create(ProjectCreate(name="p", orchestrator_id=w.orchestrator.id))
    with store.session() as session:
        assert len(ProjectDAO(session).list()) == 2


def test_project_operators_must_be_of_its_orchestrator(store: Store) -> None:
    with store.session() as session:
        w = make_world(session)
        stranger = make_operator(session, make_orchestrator(session, w.user, "other"), "X")
        project = ProjectDAO(session).create(
            ProjectCreate(name="p", orchestrator_id=w.orchestrator.id)
        )
    before = counts(store)
    with pytest.raises(InvalidInput), store.session() as session:
        ProjectDAO(session).create(
            ProjectCreate(name="q", orchestrator_id=w.orchestrator.id, executive_id=stranger.id)
        )
    with pytest.raises(InvalidInput), store.session() as session:
        ProjectDAO(session).update(
            project.id, w.orchestrator.id, ProjectUpdate(developer_id=stranger.id)
        )
    with pytest.raises(ForeignKeyError), store.session() as session:
        ProjectDAO(session).create(
            ProjectCreate(name="q", orchestrator_id=w.orchestrator.id, developer_id=uuid.uuid4())
        )
    assert counts(store) == before
    with store.session() as session:
        assert ProjectDAO(session).get(project.id, w.orchestrator.id) == project


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
        with pytest.raises(InvalidInput, match="type"):  # a mapping must say its type
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
    # The stream goes on; the refusal is the recorder's to report.
    assert list(recorder.tap(iter([("Stranger", "hi")]), {"Executive": w.executive.id})) == [
        ("Stranger", "hi")
    ]
    [failure] = recorder.failures
    assert failure.sender == "Stranger" and isinstance(failure.error, InvalidInput)
    assert "Stranger" in str(failure.error)
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
