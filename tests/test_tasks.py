"""The task queue: every TaskDAO call on both dialects (concurrency: test_tasks_concurrency)."""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pydantic import ValidationError

from sqlstore import Session, Store
from sqlstore.dao import MAX_PAGE, TaskDAO
from sqlstore.errors import InvalidInput, InvalidTransition, NotFound
from sqlstore.models import Task, TaskCreate, TaskStatus

pytestmark = pytest.mark.both_apis

FAILED, COMPLETED, RUNNING = TaskStatus.FAILED, TaskStatus.COMPLETED, TaskStatus.RUNNING


def add(dao: TaskDAO, **fields: Any) -> Task:
    return dao.add(TaskCreate(**{"endpoint": "/video/transcribe", **fields}))


def frozen_clock(monkeypatch: pytest.MonkeyPatch) -> Callable[[datetime], None]:
    """Make the DAO's clock read a chosen time; returns the setter."""
    current: list[datetime] = [datetime.now(UTC)]
    for module in ("sqlstore.dao.tasks", "sqlstore.aio.dao.tasks"):
        monkeypatch.setattr(f"{module}.utcnow", lambda: current[0])

    def set_to(when: datetime) -> None:
        current[0] = when

    return set_to


def test_add_returns_the_stored_row(session: Session) -> None:
    dao = TaskDAO(session)
    task = add(dao, data={"media_id": "m1", "opts": [1, {"x": None}]}, priority=3, user_id="u1")
    assert task.status is TaskStatus.CREATED and task.priority == 3 and task.user_id == "u1"
    assert task.data == {"media_id": "m1", "opts": [1, {"x": None}]}
    assert task.progress == 0 and task.result is None and task.num_retries == 0
    assert task.assigned_at is None and task.completed_at is None
    assert task.created_at.tzinfo is UTC and task.updated_at == task.created_at
    assert dao.get(task.id) == task
    assert dao.get(uuid.uuid4()) is None
    plain = add(dao)
    assert plain.data == {} and plain.priority == 0 and plain.user_id is None
    with pytest.raises(ValidationError):
        TaskCreate(endpoint="/e", unknown=1)  # type: ignore[call-arg]


def test_add_many_queues_a_batch(session: Session) -> None:
    dao = TaskDAO(session)
    news = [TaskCreate(endpoint="/e", priority=i % 3, user_id=f"u{i % 2}") for i in range(25)]
    assert dao.add_many(news) == 25 and dao.add_many([]) == 0
    assert dao.count()["created"] == 25
    assert {t.id for t in dao.list(limit=100)} == {n.id for n in news}


BAD_TASKS: list[dict[str, Any]] = [
    {"endpoint": ""},
    {"priority": -1},
    {"priority": 2**31},
    {"data": {"x": float("nan")}},
    {"data": {"x": "nul\x00"}},
    {"data": [1, 2]},
    {"user_id": "a\x00b"},
    {"user_id": ""},
]


def test_bad_tasks_are_refused_before_the_database(store: Store) -> None:
    for bad in BAD_TASKS:
        fields = {"endpoint": "/e", **bad}
        with pytest.raises(ValidationError):
            TaskCreate(**fields)
        with store.session() as session:
            dao = TaskDAO(session)
            # Even a model built without validation is checked again by the DAO.
            with pytest.raises(ValidationError):
                dao.add(TaskCreate.model_construct(**fields))
            with pytest.raises(ValidationError):
                dao.add_many([TaskCreate(endpoint="/ok"), TaskCreate.model_construct(**fields)])
            assert dao.count()["total"] == 0, bad


def test_claim_takes_highest_priority_then_oldest_and_marks_them(session: Session) -> None:
    dao = TaskDAO(session)
    low_old, high_old, low_new, high_new = (add(dao, priority=p) for p in (0, 5, 0, 5))
    first = dao.claim(3)
    assert [t.id for t in first] == [high_old.id, high_new.id, low_old.id]
    for t in first:
        assert t.status is TaskStatus.ASSIGNED and t.progress == 0 and t.result is None
        assert t.num_retries == 1 and t.assigned_at is not None
        assert t.updated_at == t.assigned_at and t.completed_at is None
        assert dao.get(t.id) == t
    assert [t.id for t in dao.claim(10)] == [low_new.id]
    assert dao.claim(10) == []


def test_claim_candidates_follow_the_sdk(session: Session) -> None:
    dao = TaskDAO(session)
    created, not_finished, retryable, other_error, spent, done, running = (
        add(dao, priority=p) for p in range(7)
    )
    assert len(dao.claim(10)) == 7  # all assigned, num_retries 1
    dao.update_status(not_finished.id, TaskStatus.NOT_FINISHED)
    dao.update_status(retryable.id, FAILED, result={"error": "InferenceException", "message": "x"})
    dao.update_status(other_error.id, FAILED, result={"error": "ValueError"})
    dao.update_status(done.id, COMPLETED, 100, {"text": "ok"})
    dao.update_status(running.id, RUNNING, 10)
    dao.update_status(spent.id, FAILED, result={"error": "InferenceException"})
    dao.update_status(spent.id, TaskStatus.ASSIGNED)  # as the SDK: assigned counts a retry
    dao.update_status(spent.id, FAILED, result={"error": "InferenceException"})
    dao.update_status(created.id, TaskStatus.CREATED)
    claimed = dao.claim(10, max_retries=2, retryable_errors=["InferenceException", "Timeout"])
    assert [t.id for t in claimed] == [retryable.id, not_finished.id, created.id]
    again = {t.id: t for t in claimed}
    assert again[retryable.id].result is None and again[retryable.id].completed_at is None
    assert again[retryable.id].num_retries == 2 and again[not_finished.id].num_retries == 2
    assert dao.get(spent.id).status is FAILED  # type: ignore[union-attr]
    assert dao.claim(10, max_retries=9) == []  # no retryable errors given: failed stay failed
    odd = add(dao)
    dao.claim(1)
    dao.update_status(odd.id, FAILED, result={"error": 5})
    assert dao.claim(10, max_retries=9, retryable_errors=["5"]) == []  # errors are names


def test_claim_per_user_limit(session: Session) -> None:
    dao = TaskDAO(session)
    busy = add(dao, user_id="a", priority=9)
    assert [t.id for t in dao.claim(1)] == [busy.id]  # "a" already has one task held
    a_tasks = [add(dao, user_id="a", priority=5) for _ in range(3)]
    b_tasks = [add(dao, user_id="b") for _ in range(3)]
    anonymous = [add(dao) for _ in range(3)]
    claimed = dao.claim(10, max_active_per_user=2)
    expected = [a_tasks[0], b_tasks[0], b_tasks[1], *anonymous]  # claim order
    assert [t.id for t in claimed] == [t.id for t in expected]
    assert [t.user_id for t in claimed].count("a") == 1
    assert [t.user_id for t in claimed].count("b") == 2
    assert dao.claim(10, max_active_per_user=2) == []  # a and b are at their limit
    dao.update_status(busy.id, COMPLETED, 100)
    assert [t.id for t in dao.claim(10, max_active_per_user=2)] == [a_tasks[1].id]
    late = add(dao)
    assert [t.id for t in dao.claim(10, max_active_per_user=0)] == [late.id]
    assert len(dao.claim(10)) == 2  # without a limit the rest goes


def limited_claim_model(queue: list[Task], limit: int, per_user: int) -> list[uuid.UUID]:
    """What a per-user claim must take: candidates in claim order, each user held to the limit."""
    held: dict[str | None, int] = {}
    for task in queue:
        if task.status in (TaskStatus.ASSIGNED, TaskStatus.RUNNING):
            held[task.user_id] = held.get(task.user_id, 0) + 1
    open_ = [t for t in queue if t.status in (TaskStatus.CREATED, TaskStatus.NOT_FINISHED)]
    taken: list[uuid.UUID] = []
    for task in sorted(open_, key=lambda t: (-t.priority, t.created_at, str(t.id))):
        if len(taken) == limit:
            break
        if task.user_id is None or held.get(task.user_id, 0) < per_user:
            held[task.user_id] = held.get(task.user_id, 0) + 1
            taken.append(task.id)
    return taken


def test_claim_per_user_past_the_ranked_prefix(session: Session) -> None:
    # The first candidates in claim order all belong to one user: the claim
    # ranks only a prefix of the queue first, so the other users' tasks are
    # reached only by ranking the whole queue.
    dao = TaskDAO(session)
    hog = [TaskCreate(endpoint="/e", user_id="hog", priority=9) for _ in range(200)]
    others = [TaskCreate(endpoint="/e", user_id=f"u{i % 4}") for i in range(8)]
    dao.add_many([*hog, *others, TaskCreate(endpoint="/e")])
    expected = limited_claim_model(list(dao.iter_all()), 6, 2)
    claimed = dao.claim(6, max_active_per_user=2)
    assert [t.id for t in claimed] == expected
    assert [t.user_id for t in claimed].count("hog") == 2 and len(claimed) == 6


def test_claim_per_user_matches_the_rule(session: Session) -> None:
    # A queue longer than the ranked prefix, claimed again and again with
    # random limits: every claim takes exactly what the rule says.
    rng = random.Random(7)
    dao = TaskDAO(session)
    dao.add_many(
        TaskCreate(
            endpoint="/e",
            priority=rng.choice((0, 0, 1, 2)),
            user_id=rng.choice([None, *(f"u{i}" for i in range(25))]),
        )
        for _ in range(400)
    )
    for _ in range(12):
        limit, per_user = rng.randint(1, 12), rng.randint(1, 3)
        expected = limited_claim_model(list(dao.iter_all()), limit, per_user)
        assert [t.id for t in dao.claim(limit, max_active_per_user=per_user)] == expected
        for task in dao.list(status=TaskStatus.ASSIGNED, limit=500):
            if rng.random() < 0.3:
                dao.update_status(task.id, COMPLETED, 100)


BAD_CLAIMS: list[dict[str, Any]] = [
    {"limit": 0},
    {"limit": MAX_PAGE + 1},
    {"limit": True},
    {"limit": "5"},
    {"max_retries": -1},
    {"retryable_errors": "InferenceException"},
    {"retryable_errors": [""]},
    {"retryable_errors": ["Bad\x00Error"]},
    {"max_active_per_user": -1},
]


def test_claim_refuses_bad_arguments_and_claims_nothing(session: Session) -> None:
    dao = TaskDAO(session)
    task = add(dao)
    for bad in BAD_CLAIMS:
        with pytest.raises((InvalidInput, ValidationError)):
            dao.claim(**{"limit": 5, **bad})
        assert dao.get(task.id) == task, bad


def test_a_claim_rolled_back_claims_nothing(store: Store) -> None:
    with store.session() as session:
        task = add(TaskDAO(session))
    with pytest.raises(RuntimeError), store.session() as session:
        assert len(TaskDAO(session).claim(5)) == 1
        raise RuntimeError("worker crashed before commit")
    with store.session() as session:
        assert TaskDAO(session).get(task.id) == task
        assert [t.id for t in TaskDAO(session).claim(5)] == [task.id]


def test_update_status(session: Session) -> None:
    dao = TaskDAO(session)
    task = add(dao)
    running = dao.update_status(task.id, RUNNING, 40.5)
    assert running.status is RUNNING and running.progress == 40.5
    assert running.completed_at is None and running.updated_at > task.updated_at
    kept = dao.update_status(task.id, RUNNING, result={"partial": [1]})
    assert kept.progress == 40.5 and kept.result == {"partial": [1]}
    done = dao.update_status(task.id, COMPLETED, 100, {"text": "hello"})
    assert done.completed_at is not None and done.result == {"text": "hello"}
    cleared = dao.update_status(task.id, FAILED)
    assert cleared.result is None and cleared.completed_at >= done.completed_at  # type: ignore[operator]
    assigned = dao.update_status(task.id, TaskStatus.ASSIGNED, 0)
    assert assigned.num_retries == 1 and assigned.assigned_at is not None
    with pytest.raises(NotFound):
        dao.update_status(uuid.uuid4(), RUNNING)
    for bad in ({"progress": 101}, {"progress": -1}, {"progress": float("nan")}):
        with pytest.raises(ValidationError):
            dao.update_status(task.id, RUNNING, **bad)
    with pytest.raises(ValidationError):
        dao.update_status(task.id, "paused")  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        dao.update_status(task.id, FAILED, result={"error": float("inf")})
    assert dao.get(task.id) == assigned


def test_updated_at_changes_on_every_update(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    dao = TaskDAO(session)
    task = add(dao)
    seen = [task.updated_at]
    for change in (
        lambda: dao.claim(1),
        lambda: dao.heartbeat([task.id]),
        lambda: dao.update_status(task.id, RUNNING, 5),
        lambda: dao.expire(1e-6, 1e-6, max_retries=0),
        lambda: dao.retry(task.id),
    ):
        change()
        stored = dao.get(task.id)
        assert stored is not None and stored.updated_at > seen[-1]
        seen.append(stored.updated_at)
    # An UPDATE that leaves updated_at as it was (here: the same clock
    # reading twice) is stamped by the trigger, so the value still moves.
    set_clock = frozen_clock(monkeypatch)
    set_clock(seen[-1] + timedelta(seconds=1))
    first = dao.update_status(task.id, RUNNING, 1)
    dao.update_status(task.id, RUNNING, 2)
    stored = dao.get(task.id)
    assert stored is not None and stored.updated_at > first.updated_at


def test_heartbeat_touches_only_the_given_tasks(session: Session) -> None:
    dao = TaskDAO(session)
    one, two, other = add(dao), add(dao), add(dao)
    assert dao.heartbeat({one.id, two.id, uuid.uuid4()}) == 2
    assert dao.heartbeat([]) == 0
    assert dao.get(one.id).updated_at > one.updated_at  # type: ignore[union-attr]
    assert dao.get(other.id) == other
    with pytest.raises(ValidationError):
        dao.heartbeat("not-a-list")  # type: ignore[arg-type]


def test_expire_fails_or_requeues_timed_out_tasks(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    dao = TaskDAO(session)
    set_clock = frozen_clock(monkeypatch)
    now = datetime.now(UTC)
    stale, retried, silent, fresh, finished = (add(dao, priority=p) for p in (5, 4, 3, 2, 1))
    set_clock(now - timedelta(hours=2))
    dao.claim(2)  # stale and retried: assigned two hours ago
    dao.update_status(retried.id, TaskStatus.NOT_FINISHED)
    dao.claim(1)  # retried again: num_retries 2
    set_clock(now - timedelta(minutes=30))
    dao.claim(1)  # silent: assigned half an hour ago, never a heartbeat since
    set_clock(now - timedelta(seconds=5))
    dao.claim(2)  # fresh and finished
    dao.update_status(finished.id, COMPLETED, 100)
    set_clock(now)
    expired = {t.id: t for t in dao.expire(3600, 600, max_retries=2)}
    assert set(expired) == {stale.id, retried.id, silent.id}
    assert expired[stale.id].status is TaskStatus.NOT_FINISHED
    assert expired[stale.id].result is None and expired[stale.id].completed_at is None
    assert expired[retried.id].status is FAILED and expired[retried.id].completed_at == now
    assert expired[retried.id].result == {
        "error": "TimeoutError",
        "message": "Task execution timed out after 3600 seconds and exceeded "
        "the maximum number of retries (2)",
    }
    silent_row = dao.get(silent.id)
    assert silent_row is not None and silent_row.status is TaskStatus.NOT_FINISHED
    assert all(t.progress == 0 for t in expired.values())
    assert dao.get(fresh.id).status is TaskStatus.ASSIGNED  # type: ignore[union-attr]
    assert dao.expire(3600, 600, max_retries=2) == []
    dao.claim(5)  # stale and silent again: num_retries 2
    set_clock(now + timedelta(minutes=15))
    dao.heartbeat([stale.id])
    out = {t.id: t for t in dao.expire(3600, 600, max_retries=2)}
    assert set(out) == {silent.id, fresh.id}
    assert out[silent.id].error == "HeartbeatTimeoutError" and out[silent.id].status is FAILED
    assert out[fresh.id].status is TaskStatus.NOT_FINISHED  # one retry so far
    for bad in ({"execution_timeout": 0}, {"heartbeat_timeout": float("inf")}):
        with pytest.raises(ValidationError):
            dao.expire(**{"execution_timeout": 1, "heartbeat_timeout": 1, **bad}, max_retries=1)


def test_retry_resets_only_failed_tasks(session: Session) -> None:
    dao = TaskDAO(session)
    task = add(dao, priority=2)
    dao.claim(1)
    failed = dao.update_status(task.id, FAILED, 30, {"error": "ValueError"})
    again = dao.retry(task.id)
    assert again.status is TaskStatus.CREATED and again.progress == 0 and again.result is None
    assert again.num_retries == 0 and again.assigned_at is None and again.completed_at is None
    assert again.priority == 2 and again.created_at == failed.created_at
    for status in (TaskStatus.CREATED, RUNNING, COMPLETED):
        before = dao.update_status(task.id, status)
        with pytest.raises(InvalidTransition) as info:
            dao.retry(task.id)
        assert info.value.current == status.value and dao.get(task.id) == before
    with pytest.raises(NotFound):
        dao.retry(uuid.uuid4())


def test_active_and_incomplete_among(session: Session) -> None:
    dao = TaskDAO(session)
    created, assigned, running, done, failed, not_finished = (add(dao) for _ in range(6))
    dao.claim(6)
    dao.update_status(created.id, TaskStatus.CREATED)
    dao.update_status(running.id, RUNNING)
    dao.update_status(done.id, COMPLETED)
    dao.update_status(failed.id, FAILED)
    dao.update_status(not_finished.id, TaskStatus.NOT_FINISHED)
    assert [t.id for t in dao.active()] == [assigned.id, running.id]
    unknown = uuid.uuid4()
    ids = [done.id, running.id, unknown, created.id, failed.id, not_finished.id, assigned.id]
    assert dao.incomplete_among(ids) == [running.id, created.id, assigned.id]
    assert dao.incomplete_among([]) == []


def test_list_newest_first_with_filters_and_paging(session: Session) -> None:
    dao = TaskDAO(session)
    tasks = [add(dao, user_id="u1" if i % 2 else "u2") for i in range(6)]
    dao.update_status(tasks[5].id, COMPLETED)
    newest_first = [t.id for t in reversed(tasks)]
    assert [t.id for t in dao.list()] == newest_first
    assert [t.id for t in dao.list(user_id="u1")] == newest_first[0::2]
    assert [t.id for t in dao.list(user_id="u1", status=COMPLETED)] == [tasks[5].id]
    assert [t.id for t in dao.list(status=TaskStatus.CREATED, limit=2, offset=1)] == [
        tasks[3].id,
        tasks[2].id,
    ]
    assert dao.list(user_id="nobody") == []
    with pytest.raises(InvalidInput):
        dao.list(limit=0)
    with pytest.raises(InvalidInput):
        dao.list(offset=-1)
    with pytest.raises(ValidationError):
        dao.list(user_id="u\x001")


def test_count_by_status_with_total(session: Session) -> None:
    dao = TaskDAO(session)
    empty = dao.count()
    assert empty == {**{s.value: 0 for s in TaskStatus}, "total": 0}
    for i in range(5):
        add(dao, user_id="u1" if i < 3 else None)
    dao.claim(2)
    dao.update_status(dao.list(limit=1)[0].id, FAILED)
    counts = dao.count()
    assert counts["created"] == 2 and counts["assigned"] == 2 and counts["failed"] == 1
    assert counts["total"] == 5 and sum(v for k, v in counts.items() if k != "total") == 5
    assert dao.count(user_id="u1") == {**empty, "assigned": 2, "created": 1, "total": 3}
    assert dao.count(user_id="nobody") == empty
    with pytest.raises(ValidationError):
        dao.count(user_id="u\x001")


def test_delete_refuses_held_tasks(session: Session) -> None:
    dao = TaskDAO(session)
    created, assigned, running, done = (add(dao, priority=p) for p in (0, 3, 2, 1))
    dao.claim(3)
    dao.update_status(running.id, RUNNING)
    dao.update_status(done.id, COMPLETED)
    for held, status in ((assigned, "assigned"), (running, "running")):
        before = dao.get(held.id)
        with pytest.raises(InvalidTransition) as info:
            dao.delete(held.id)
        assert info.value.current == status and dao.get(held.id) == before
    assert dao.delete(created.id) and dao.delete(done.id)
    assert dao.get(created.id) is None and dao.count()["total"] == 2
    assert dao.delete(uuid.uuid4()) is False
