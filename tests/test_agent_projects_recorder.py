"""The message recorder awaited: through an AsyncStore, or a blocking Store on a worker thread."""

from __future__ import annotations

import asyncio
import threading
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from pydantic import BaseModel

from sqlstore import Store
from sqlstore.agents_recorder import MessageRecorder, RecordFailure
from sqlstore.aio import AsyncStore
from sqlstore.dao.agent_projects import MessageDAO, ProjectDAO
from sqlstore.errors import ForeignKeyError, InvalidInput
from sqlstore.models.agent_projects import Message, MessageStatus, ProjectCreate
from tests.factories import World, counts, make_world

pytestmark = pytest.mark.anyio

#: How long another transaction holds the lock the recorder's first write waits for.
HOLD = 0.5


class PlannedComponents(BaseModel):
    components: list[str]


@dataclass
class Project:
    w: World
    id: uuid.UUID
    names: dict[str, uuid.UUID]


@pytest.fixture(params=["async_store", "blocking_store"])
async def target(
    request: pytest.FixtureRequest, store: Store, sqlstore_async_store: AsyncStore
) -> Store | AsyncStore:
    """What the recorder writes through: the test's AsyncStore, or the same database blocking."""
    return sqlstore_async_store if request.param == "async_store" else store


@pytest.fixture
def project(store: Store) -> Project:
    with store.session() as session:
        w = make_world(session)
        project = ProjectDAO(session).create(
            ProjectCreate(
                name="todo", orchestrator_id=w.orchestrator.id, executive_id=w.executive.id
            )
        )
    return Project(w, project.id, {"Executive": w.executive.id, "Developer": w.developer.id})


async def _conversation(n: int = 2) -> AsyncIterator[tuple[str, object]]:
    """What a framework orchestrator's async generator yields: (operator name, message)."""
    for i in range(n):
        yield "Executive", PlannedComponents(components=[f"part {i}"])
        yield "Developer", f"working on part {i}"


def _saved(store: Store, project_id: uuid.UUID) -> list[Message]:
    with store.session() as session:
        return MessageDAO(session).list(project_id)


async def test_atap_and_arecord_save_each_message_at_once(
    target: Store | AsyncStore, store: Store, project: Project
) -> None:
    recorder = MessageRecorder(target, project.id, prompt="build it")
    first = await recorder.arecord("build it", user_id=project.w.user.id)
    assert first is not None and first.user_id == project.w.user.id
    recorder.set_status(MessageStatus.WORKING)
    seen = []
    async for name, _ in recorder.atap(_conversation(), project.names):
        seen.append(name)
        # Each pair is saved before the next one is asked for.
        assert len(_saved(store, project.id)) == 1 + len(seen)
    assert seen == ["Executive", "Developer", "Executive", "Developer"]
    saved = _saved(store, project.id)
    assert saved[0] == first
    assert [(m.type, m.status, m.prompt) for m in saved[1:3]] == [
        ("PlannedComponents", "working", "build it"),
        ("TextMessage", "working", "build it"),
    ]
    assert saved[1].content == {"components": ["part 0"]}
    assert [m.operator_id for m in saved[1:]] == [
        project.w.executive.id,
        project.w.developer.id,
    ] * 2


async def test_async_with_a_batch_recorder_saves_all_on_leaving_the_block(
    target: Store | AsyncStore, store: Store, project: Project
) -> None:
    with pytest.raises(RuntimeError, match="orchestrator failed"):
        async with MessageRecorder(target, project.id, batch=True) as recorder:
            assert await recorder.arecord("go", user_id=project.w.user.id) is None
            assert recorder.record("and go", user_id=project.w.user.id) is None
            assert [n async for n, _ in recorder.atap(_conversation(), project.names)]
            assert recorder.pending == 6 and counts(store)["messages"] == 0
            raise RuntimeError("orchestrator failed")
    # What passed through was real: saved although the block raised, in order.
    assert recorder.pending == 0
    saved = _saved(store, project.id)
    assert [m.content.get("text") for m in saved[:2]] == ["go", "and go"]
    assert [m.type for m in saved[2:]] == ["PlannedComponents", "TextMessage"] * 2
    assert await recorder.aflush() == []


async def test_a_failed_aflush_keeps_the_batch_and_saves_nothing(
    target: Store | AsyncStore, store: Store, project: Project
) -> None:
    recorder = MessageRecorder(target, uuid.uuid4(), batch=True)  # no such project
    await recorder.arecord("one", user_id=project.w.user.id)
    await recorder.arecord("two", user_id=project.w.user.id)
    with pytest.raises(ForeignKeyError):
        await recorder.aflush()
    assert recorder.pending == 2 and counts(store)["messages"] == 0
    # Kept for another try, before anything recorded since.
    recorder.project_id = project.id
    await recorder.arecord("three", user_id=project.w.user.id)
    with pytest.raises(ForeignKeyError):
        await recorder.aflush()  # the first two still name the missing project
    assert recorder.pending == 3 and counts(store)["messages"] == 0


async def test_atap_reports_an_unknown_sender_and_saves_nothing(
    target: Store | AsyncStore, store: Store, project: Project
) -> None:
    async def stranger() -> AsyncIterator[tuple[str, object]]:
        yield "Stranger", "hi"

    recorder = MessageRecorder(target, project.id)
    assert [pair async for pair in recorder.atap(stranger(), project.names)] == [("Stranger", "hi")]
    [failure] = recorder.failures
    assert isinstance(failure.error, InvalidInput) and "Stranger" in str(failure.error)
    with pytest.raises(InvalidInput):
        await recorder.arecord(42, user_id=project.w.user.id)  # type: ignore[arg-type]
    assert counts(store)["messages"] == 0


async def test_a_recorder_on_an_async_store_refuses_blocking_writes(
    sqlstore_async_store: AsyncStore, store: Store, project: Project
) -> None:
    recorder = MessageRecorder(sqlstore_async_store, project.id)
    with pytest.raises(InvalidInput, match=r"AsyncStore.*arecord"):
        recorder.record("hi", user_id=project.w.user.id)
    batched = MessageRecorder(sqlstore_async_store, project.id, batch=True)
    assert batched.record("queued", user_id=project.w.user.id) is None  # writes nothing
    with pytest.raises(InvalidInput, match="async with"):
        with batched:
            pass
    with pytest.raises(InvalidInput, match="aflush"):
        MessageRecorder(sqlstore_async_store, project.id, batch=True).flush()  # even empty
    assert batched.pending == 1 and counts(store)["messages"] == 0
    assert [m.content for m in await batched.aflush()] == [{"text": "queued"}]


async def _worst_lag(stop: asyncio.Event) -> float:
    """How late, at worst, a coroutine sleeping 1 ms at a time woke up."""
    loop = asyncio.get_running_loop()
    worst = 0.0
    while not stop.is_set():
        start = loop.time()
        await asyncio.sleep(0.001)
        worst = max(worst, loop.time() - start - 0.001)
    return worst


def _hold_the_project(store: Store, project: Project, held: threading.Event) -> None:
    """Lock the project (a delete, rolled back) for HOLD seconds: messages to it must wait."""
    with pytest.raises(RuntimeError), store.session() as session:
        assert ProjectDAO(session).delete(project.id, project.w.orchestrator.id)
        held.set()
        time.sleep(HOLD)
        raise RuntimeError("roll the delete back")


@pytest.mark.alone  # the loop's lag, measured against HOLD
async def test_atap_never_blocks_the_event_loop(
    target: Store | AsyncStore, store: Store, project: Project
) -> None:
    held = threading.Event()
    holder = asyncio.create_task(asyncio.to_thread(_hold_the_project, store, project, held))
    assert await asyncio.to_thread(held.wait, 10)
    locked_at = time.monotonic()
    stop = asyncio.Event()
    lag = asyncio.create_task(_worst_lag(stop))
    await asyncio.sleep(0.01)  # the ticker is sleeping before the first write
    recorder = MessageRecorder(target, project.id)
    names = [n async for n, _ in recorder.atap(_conversation(50), project.names)]
    waited = time.monotonic() - locked_at
    stop.set()
    worst = await lag
    await holder
    assert len(names) == 100 and len(_saved(store, project.id)) == 100
    # The first write waited for the lock; the loop kept turning meanwhile.
    assert waited >= HOLD * 0.9, waited
    assert worst < HOLD / 2, f"the event loop stalled for {worst * 1000:.0f} ms"


async def _mixed() -> AsyncIterator[tuple[str, object]]:
    """Messages of every kind an orchestrator yields, mappings with their type key included."""
    yield "Executive", {"type": "Plan", "steps": ["a", "b"]}
    yield "Developer", "on it"
    yield "Executive", {"steps": []}  # no type: refused, the stream goes on
    yield "Developer", PlannedComponents(components=["x"])


async def test_atap_records_mapping_messages_by_their_type_key(
    target: Store | AsyncStore, store: Store, project: Project
) -> None:
    seen: list[RecordFailure] = []
    recorder = MessageRecorder(target, project.id, on_failure=seen.append)
    passed = [pair async for pair in recorder.atap(_mixed(), project.names)]
    assert [name for name, _ in passed] == ["Executive", "Developer", "Executive", "Developer"]
    saved = _saved(store, project.id)
    assert [(m.type, m.content) for m in saved] == [
        ("Plan", {"steps": ["a", "b"]}),
        ("TextMessage", {"text": "on it"}),
        ("PlannedComponents", {"components": ["x"]}),
    ]
    assert seen == recorder.failures and len(seen) == 1
    assert seen[0].message == {"steps": []} and isinstance(seen[0].error, InvalidInput)


async def test_a_failed_write_never_stops_the_tapped_stream(
    target: Store | AsyncStore, store: Store, project: Project
) -> None:
    missing = uuid.uuid4()  # no such project: every write fails in the database
    seen: list[RecordFailure] = []
    recorder = MessageRecorder(target, missing, on_failure=seen.append)
    passed = [name async for name, _ in recorder.atap(_conversation(), project.names)]
    assert passed == ["Executive", "Developer", "Executive", "Developer"]
    assert [type(f.error) for f in recorder.failures] == [ForeignKeyError] * 4
    assert [f.sender for f in seen] == passed
    assert counts(store)["messages"] == 0
    if isinstance(target, Store):  # the blocking tap, on the same stream
        blocking = MessageRecorder(target, missing)
        pairs = [("Executive", {"type": "Plan"}), ("Developer", "hi")]
        assert list(blocking.tap(iter(pairs), project.names)) == pairs
        assert [type(f.error) for f in blocking.failures] == [ForeignKeyError] * 2


def test_a_mapping_message_takes_its_type_from_the_argument_or_its_key(
    store: Store, project: Project
) -> None:
    recorder = MessageRecorder(store, project.id)
    by_key = recorder.record({"type": "Plan", "n": 1}, operator_id=project.w.executive.id)
    by_arg = recorder.record({"type": "kept", "n": 2}, user_id=project.w.user.id, type="Note")
    assert by_key is not None and (by_key.type, by_key.content) == ("Plan", {"n": 1})
    assert by_arg is not None and by_arg.type == "Note"
    assert by_arg.content == {"type": "kept", "n": 2}
    for bad in ({"n": 3}, {"type": ""}, {"type": 7}):
        with pytest.raises(InvalidInput, match="type"):
            recorder.record(bad, user_id=project.w.user.id)
    assert len(_saved(store, project.id)) == 2
