"""The music-generation store: generation lifecycle and prompt analytics, on both dialects."""

from __future__ import annotations

import functools
import operator
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from sqlstore import Session, Store
from sqlstore.dao import GenerationDAO, PromptDAO
from sqlstore.errors import InvalidInput, InvalidTransition, NotFound
from sqlstore.models import Generation, GenerationStatus, GenerationUpdate
from tests.factories import new_generation

pytestmark = pytest.mark.both_apis


def test_create_returns_the_stored_row(session: Session) -> None:
    new = new_generation(model_version="1.0", metadata={"bpm": 140, "tags": ["a", "b"]})
    gen = GenerationDAO(session).create(new)
    assert isinstance(gen, Generation)
    assert gen.id == new.id and gen.status is GenerationStatus.PENDING
    assert gen.metadata == {"bpm": 140, "tags": ["a", "b"]}
    assert gen.created_at.tzinfo is UTC and gen.completed_at is None
    assert GenerationDAO(session).get(new.id) == gen


def test_create_records_prompt_usage_in_the_same_transaction(store: Store) -> None:
    with store.session() as session:
        GenerationDAO(session).create(new_generation(prompt="lofi"))
        GenerationDAO(session).create(new_generation(prompt="lofi"))
    with pytest.raises(RuntimeError), store.session() as session:
        GenerationDAO(session).create(new_generation(prompt="lofi"))
        raise RuntimeError("abort")
    with store.session() as session:
        prompt = PromptDAO(session).get_by_text("lofi")
        assert prompt is not None and prompt.used_count == 2
        assert GenerationDAO(session).count() == 2


def test_lifecycle_pending_processing_completed(session: Session) -> None:
    dao = GenerationDAO(session)
    gen = dao.create(new_generation(metadata={"bpm": 140, "key": "C"}))
    assert dao.mark_processing(gen.id).is_processing
    done = dao.complete(
        gen.id,
        generation_time=18.5,
        file_size_bytes=5_242_880,
        metadata={"key": "Cm", "nested": {"x": [1, True, None]}, "ok": False},
    )
    assert done.is_complete and done.is_finished
    assert done.generation_time_seconds == 18.5 and done.file_size_bytes == 5_242_880
    assert done.metadata == {"bpm": 140, "key": "Cm", "nested": {"x": [1, True, None]}, "ok": False}
    assert done.completed_at is not None and done.completed_at >= done.created_at


def test_fail_sets_message_and_completed_at(session: Session) -> None:
    dao = GenerationDAO(session)
    gen = dao.create(new_generation())
    failed = dao.fail(gen.id, "CUDA out of memory")
    assert failed.is_failed and failed.error_message == "CUDA out of memory"
    assert failed.completed_at is not None


@pytest.mark.parametrize(
    ("setup", "action"),
    [
        ("fail", "complete"),
        ("complete", "fail"),
        ("complete", "mark_processing"),
        ("fail", "mark_processing"),
    ],
)
def test_nonsense_transitions_are_refused_and_change_nothing(
    session: Session, setup: str, action: str
) -> None:
    dao = GenerationDAO(session)
    gen = dao.create(new_generation())
    before = dao.fail(gen.id, "x") if setup == "fail" else dao.complete(gen.id, 1.0, 10)
    with pytest.raises(InvalidTransition) as info:
        if action == "complete":
            dao.complete(gen.id, 2.0, 20, {"new": 1})
        elif action == "fail":
            dao.fail(gen.id, "late")
        else:
            dao.mark_processing(gen.id)
    assert info.value.current == before.status.value
    assert dao.get(gen.id) == before


def test_transition_of_missing_job_is_not_found(session: Session) -> None:
    with pytest.raises(NotFound):
        GenerationDAO(session).mark_processing(uuid.uuid4())


@pytest.mark.parametrize(
    "bad",
    [
        {"channels": 3},
        {"duration_seconds": -1.0},
        {"sample_rate": 0},
        {"prompt": ""},
        {"model_name": ""},
        {"duration_seconds": float("nan")},
    ],
)
def test_invalid_jobs_are_refused_before_the_database(store: Store, bad: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        new_generation(**bad)
    with store.session() as session:
        assert GenerationDAO(session).count() == 0


def test_complete_refuses_negative_numbers(session: Session) -> None:
    dao = GenerationDAO(session)
    gen = dao.create(new_generation())
    with pytest.raises(InvalidInput):
        dao.complete(gen.id, generation_time=-1.0, file_size_bytes=1)
    with pytest.raises(InvalidInput):
        dao.complete(gen.id, generation_time=1.0, file_size_bytes=-1)
    assert dao.get(gen.id) == gen


def test_list_newest_first_with_filters_offset_and_keyset(session: Session) -> None:
    dao = GenerationDAO(session)
    made = [dao.create(new_generation(model_name="a" if i % 2 else "b")) for i in range(7)]
    dao.mark_processing(made[0].id)
    listed = dao.list(limit=100)
    assert [g.id for g in listed] == [g.id for g in reversed(made)]
    assert all(g.model_name == "a" for g in dao.list(model_name="a"))
    assert [g.id for g in dao.list(status=GenerationStatus.PROCESSING)] == [made[0].id]
    assert [g.id for g in dao.pending()] == [g.id for g in reversed(made[1:])]
    assert [g.id for g in dao.list(limit=2, offset=2)] == [g.id for g in listed[2:4]]
    pages, after = [], None
    while page := dao.list(limit=3, after=after):
        pages.append([g.id for g in page])
        after = page[-1]
    assert functools.reduce(operator.iadd, pages, []) == [g.id for g in listed]
    assert len(pages) == 3


@pytest.mark.parametrize(("limit", "offset"), [(0, 0), (-1, 0), (10_001, 0), (5, -1)])
def test_bad_paging_is_invalid_input(session: Session, limit: int, offset: int) -> None:
    with pytest.raises(InvalidInput):
        GenerationDAO(session).list(limit=limit, offset=offset)


def test_count_and_stats_keys(session: Session) -> None:
    dao = GenerationDAO(session)
    a, b, c = (dao.create(new_generation(prompt=p)) for p in ("x", "y", "x"))
    dao.mark_processing(a.id)
    dao.complete(b.id, 1.0, 1)
    assert dao.count() == 3 and dao.count(GenerationStatus.PENDING) == 1
    assert dao.stats() == {
        "total_generations": 3,
        "pending_generations": 1,
        "processing_generations": 1,
        "completed_generations": 1,
        "failed_generations": 0,
        "total_prompts": 2,
    }
    assert c.is_pending


def test_update_changes_only_given_fields(session: Session) -> None:
    dao = GenerationDAO(session)
    gen = dao.create(new_generation(model_version="1"))
    changed = dao.update(gen.id, GenerationUpdate(file_path="moved.wav"))
    assert changed.file_path == "moved.wav" and changed.model_version == "1"
    assert changed.metadata == gen.metadata
    with pytest.raises(NotFound):
        dao.update(uuid.uuid4(), GenerationUpdate(file_path="x"))


def test_update_sets_a_nullable_field_to_null_and_leaves_the_others(store: Store) -> None:
    with store.session() as session:
        dao = GenerationDAO(session)
        gen = dao.create(new_generation(model_version="1", metadata={"bpm": 90}))
        sized = dao.update(gen.id, GenerationUpdate(file_size_bytes=10))
    with store.session() as session:
        returned = GenerationDAO(session).update(gen.id, GenerationUpdate(model_version=None))
    with store.session() as session:
        stored = GenerationDAO(session).get(gen.id)
    assert stored == returned
    assert stored.model_version is None and stored.file_size_bytes == 10
    assert stored.model_dump(exclude={"model_version"}) == sized.model_dump(
        exclude={"model_version"}
    )
    with store.session() as session:
        GenerationDAO(session).update(gen.id, GenerationUpdate(file_size_bytes=None))
    with store.session() as session:
        cleared = GenerationDAO(session).get(gen.id)
    assert cleared is not None and cleared.file_size_bytes is None
    assert (cleared.file_path, cleared.metadata) == ("outputs/gen.wav", {"bpm": 90})


def test_update_with_no_field_given_changes_nothing(store: Store) -> None:
    with store.session() as session:
        gen = GenerationDAO(session).create(new_generation(model_version="1"))
    with store.session() as session:
        assert GenerationDAO(session).update(gen.id, GenerationUpdate()) == gen
    with store.session() as session:
        assert GenerationDAO(session).get(gen.id) == gen
        with pytest.raises(NotFound):
            GenerationDAO(session).update(uuid.uuid4(), GenerationUpdate())


def test_update_refuses_null_for_a_not_null_field(session: Session) -> None:
    for field in ("file_path", "metadata"):
        with pytest.raises(ValidationError, match=f"{field} cannot be set to null"):
            GenerationUpdate.model_validate({field: None})
    with pytest.raises(ValidationError):
        GenerationDAO(session).update(uuid.uuid4(), {"file_path": None})  # type: ignore[arg-type]


def test_delete_says_whether_a_row_went(session: Session) -> None:
    dao = GenerationDAO(session)
    gen = dao.create(new_generation())
    assert dao.delete(gen.id) is True
    assert dao.delete(gen.id) is False
    assert dao.get(gen.id) is None


def test_track_usage_creates_then_increments(session: Session) -> None:
    prompts = PromptDAO(session)
    first = prompts.track_usage("ambient pads")
    second = prompts.track_usage("ambient pads")
    assert (first.used_count, second.used_count) == (1, 2)
    assert second.id == first.id and second.first_used_at == first.first_used_at
    assert second.last_used_at >= first.last_used_at


def test_concurrent_track_usage_never_fails_or_loses_a_count(store: Store) -> None:
    # Several workers record the same new prompt at once, each in its own
    # session: with a select-then-insert two of them would both insert (one
    # fails) or both read the same count (one use is lost).
    workers, uses = 6, 10
    start = threading.Barrier(workers)

    def record(_: int) -> list[int]:
        start.wait(10)
        counts = []
        for _ in range(uses):
            with store.session() as session:
                counts.append(PromptDAO(session).track_usage("race").used_count)
        return counts

    with ThreadPoolExecutor(max_workers=workers) as pool:
        seen = [n for counts in pool.map(record, range(workers)) for n in counts]
    assert sorted(seen) == list(range(1, workers * uses + 1))  # each count handed out once
    with store.session() as session:
        prompt = PromptDAO(session).get_by_text("race")
        assert prompt is not None and prompt.used_count == workers * uses
        assert len(PromptDAO(session).most_used(100)) == 1


def test_update_status_makes_any_allowed_move(session: Session) -> None:
    dao = GenerationDAO(session)
    done = dao.update_status(dao.create(new_generation()).id, GenerationStatus.COMPLETED)
    assert done.is_complete and done.completed_at is not None and done.error_message is None
    gen = dao.create(new_generation())
    working = dao.update_status(gen.id, GenerationStatus.PROCESSING)
    assert working.is_processing and working.completed_at is None
    failed = dao.update_status(gen.id, GenerationStatus.FAILED, "model crashed")
    assert failed.error_message == "model crashed" and failed.completed_at is not None
    for status in GenerationStatus:  # nothing moves a finished job, nothing goes back to pending
        with pytest.raises(InvalidTransition):
            dao.update_status(gen.id, status)
    assert dao.get(gen.id) == failed
    with pytest.raises(InvalidTransition):
        dao.update_status(dao.create(new_generation()).id, GenerationStatus.PENDING)


def test_most_used_orders_by_count(session: Session) -> None:
    prompts = PromptDAO(session)
    for text, n in (("a", 1), ("b", 3), ("c", 2)):
        for _ in range(n):
            prompts.track_usage(text)
    assert [p.text for p in prompts.most_used(2)] == ["b", "c"]
    assert prompts.get_by_text("zzz") is None


def test_row_helpers_and_to_dict(session: Session) -> None:
    gen = GenerationDAO(session).create(new_generation())
    data = gen.to_dict()
    assert data["id"] == str(gen.id) and data["status"] == "pending"
    assert datetime.fromisoformat(data["created_at"]) == gen.created_at
    assert gen.is_pending and not (gen.is_processing or gen.is_complete or gen.is_failed)


def test_get_by_malformed_id_is_a_validation_error(session: Session) -> None:
    with pytest.raises(ValidationError):
        GenerationDAO(session).get("'; DROP TABLE generations; --")  # type: ignore[arg-type]


def test_reset_drops_and_recreates(store: Store) -> None:
    with store.session() as session:
        GenerationDAO(session).create(new_generation())
    store.reset()
    with store.session() as session:
        assert GenerationDAO(session).count() == 0
