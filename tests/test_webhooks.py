"""Webhooks: registration, event matching and refusal of unknown events, on both dialects."""

from __future__ import annotations

import time
import uuid
from datetime import UTC

import pytest
from pydantic import ValidationError

from sqlstore import Json, Session, Store
from sqlstore.dao import WebhookDAO
from sqlstore.errors import AlreadyExists, IntegrityError, NotFound
from sqlstore.models import Webhook, WebhookCreate, WebhookEvent, WebhookUpdate
from sqlstore.types import utcnow

pytestmark = pytest.mark.both_apis

COMPLETED = WebhookEvent.TASK_COMPLETED
FAILED = WebhookEvent.TASK_FAILED
STARTED = WebhookEvent.TASK_STARTED


def _hook(dao: WebhookDAO, user_id: str | None, *events: WebhookEvent) -> Webhook:
    tag = "-".join(e.value for e in events) or "all"
    return dao.save(
        WebhookCreate(user_id=user_id, url=f"https://hooks.test/{user_id}/{tag}", events=events)
    )


def test_save_and_get(session: Session) -> None:
    dao = WebhookDAO(session)
    saved = dao.save(
        WebhookCreate(user_id="u1", url="https://hooks.test/a", events=["task.completed", FAILED])
    )
    assert isinstance(saved, Webhook) and isinstance(saved.id, uuid.UUID)
    assert saved.user_id == "u1" and saved.url == "https://hooks.test/a"
    assert saved.events == [COMPLETED, FAILED]
    assert all(isinstance(e, WebhookEvent) for e in saved.events)
    assert saved.created_at.tzinfo is UTC and saved.updated_at == saved.created_at
    assert dao.get(saved.id) == saved
    assert dao.get(uuid.uuid4()) is None


def test_defaults_are_system_wide_and_every_event(session: Session) -> None:
    saved = WebhookDAO(session).save(WebhookCreate(url="http://hooks.test/all"))
    assert saved.user_id is None and saved.events == []
    assert saved.wants(STARTED) and saved.wants("task.failed")


def test_repeated_events_are_kept_once(session: Session) -> None:
    saved = WebhookDAO(session).save(
        WebhookCreate(url="https://hooks.test/x", events=[FAILED, COMPLETED, FAILED])
    )
    assert saved.events == [FAILED, COMPLETED]
    assert saved.wants(FAILED) and not saved.wants(STARTED)


@pytest.mark.parametrize(
    "fields",
    [
        {"url": "https://hooks.test/x", "events": ["task.deleted"]},
        {"url": "https://hooks.test/x", "events": ["TASK.COMPLETED"]},
        {"url": "https://hooks.test/x", "events": [""]},
        {"url": "ftp://hooks.test/x"},
        {"url": "not a url"},
        {"url": ""},
        {"url": "https://hooks.test/x", "user_id": ""},
        {"url": "https://hooks.test/x", "secret": "s"},
    ],
)
def test_bad_webhooks_are_refused(fields: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        WebhookCreate(**fields)  # type: ignore[arg-type]


def test_the_database_refuses_unknown_events_too(session: Session) -> None:
    for events in (["task.deleted"], ["task.completed", "nope"], [1], {"task.completed": 1}):
        with pytest.raises(IntegrityError), session.savepoint():
            session.fetch_one(
                "webhooks.insert",
                id=uuid.uuid4(),
                user_id=None,
                url="https://hooks.test/raw",
                events=Json(events),
                now=utcnow(),
            )
    hook = WebhookDAO(session).save(WebhookCreate(url="https://hooks.test/ok", events=[FAILED]))
    raw = {**WebhookUpdate(events=[]).params(), "events": Json(["task.deleted"])}
    with pytest.raises(IntegrityError), session.savepoint():
        session.execute("webhooks.update", id=hook.id, **raw)
    assert WebhookDAO(session).for_event(None) == [hook]


def test_a_duplicate_id_is_already_exists(session: Session) -> None:
    dao = WebhookDAO(session)
    hook = dao.save(WebhookCreate(url="https://hooks.test/a"))
    with pytest.raises(AlreadyExists), session.savepoint():
        dao.save(WebhookCreate(id=hook.id, url="https://hooks.test/b"))
    assert dao.get(hook.id) == hook


def test_for_event_matches_the_users_and_system_wide_hooks(session: Session) -> None:
    dao = WebhookDAO(session)
    u1_completed = _hook(dao, "u1", COMPLETED)
    u1_all = _hook(dao, "u1")
    u1_failed = _hook(dao, "u1", FAILED, STARTED)
    u2_completed = _hook(dao, "u2", COMPLETED)
    sys_completed = _hook(dao, None, COMPLETED, FAILED)
    sys_all = _hook(dao, None)
    sys_started = _hook(dao, None, STARTED)

    def ids(hooks: list[Webhook]) -> set[uuid.UUID]:
        return {h.id for h in hooks}

    assert ids(dao.for_event("u1", COMPLETED)) == ids(
        [u1_completed, u1_all, sys_completed, sys_all]
    )
    assert ids(dao.for_event("u1", FAILED)) == ids([u1_all, u1_failed, sys_completed, sys_all])
    assert ids(dao.for_event("u2", STARTED)) == ids([sys_all, sys_started])
    assert ids(dao.for_event("u2", COMPLETED)) == ids([u2_completed, sys_completed, sys_all])
    assert ids(dao.for_event(None, COMPLETED)) == ids([sys_completed, sys_all])
    assert ids(dao.for_event("nobody", "task.started")) == ids([sys_all, sys_started])
    assert ids(dao.for_event("u1")) == ids(
        [u1_completed, u1_all, u1_failed, sys_completed, sys_all, sys_started]
    )
    every = dao.for_event("u1")
    assert [h.created_at for h in every] == sorted(h.created_at for h in every)
    for hook in dao.for_event("u1", FAILED):
        assert hook.wants(FAILED)


def test_for_event_refuses_unknown_events(session: Session) -> None:
    with pytest.raises(ValidationError):
        WebhookDAO(session).for_event("u1", "task.deleted")  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        WebhookDAO(session).for_event(42, COMPLETED)  # type: ignore[arg-type]


def test_update_changes_the_given_fields_and_moves_updated_at(session: Session) -> None:
    dao = WebhookDAO(session)
    hook = dao.save(WebhookCreate(user_id="u1", url="https://hooks.test/a", events=[FAILED]))
    time.sleep(0.002)  # past SQLite's millisecond clock
    moved = dao.update(hook.id, WebhookUpdate(url="https://hooks.test/b"))
    assert moved.url == "https://hooks.test/b" and moved.events == [FAILED]
    assert moved.updated_at > hook.updated_at and moved.created_at == hook.created_at
    widened = dao.update(hook.id, WebhookUpdate(events=[]))
    assert widened.events == [] and widened.updated_at > moved.updated_at
    assert dao.for_event("u1", STARTED) == [widened]
    with pytest.raises(ValidationError):
        WebhookUpdate(events=["task.deleted"])
    with pytest.raises(NotFound):
        dao.update(uuid.uuid4(), WebhookUpdate(url="https://hooks.test/c"))


def test_update_sets_the_user_to_null_and_leaves_the_others(store: Store) -> None:
    with store.session() as session:
        hook = WebhookDAO(session).save(
            WebhookCreate(user_id="u1", url="https://hooks.test/a", events=[FAILED])
        )
    with store.session() as session:
        returned = WebhookDAO(session).update(hook.id, WebhookUpdate(user_id=None))
    with store.session() as session:
        stored = WebhookDAO(session).get(hook.id)
        system_wide = WebhookDAO(session).for_event(None, FAILED)
    assert stored == returned and system_wide == [stored]
    assert stored.user_id is None
    assert (stored.url, stored.events, stored.created_at) == (hook.url, [FAILED], hook.created_at)
    assert stored.updated_at > hook.updated_at
    with store.session() as session:
        WebhookDAO(session).update(hook.id, WebhookUpdate(user_id="u2", events=[]))
    with store.session() as session:
        moved = WebhookDAO(session).get(hook.id)
    assert moved is not None and (moved.user_id, moved.url, moved.events) == ("u2", hook.url, [])


def test_update_with_no_field_given_changes_nothing_not_even_updated_at(store: Store) -> None:
    with store.session() as session:
        hook = WebhookDAO(session).save(WebhookCreate(user_id="u1", url="https://hooks.test/a"))
    with store.session() as session:
        assert WebhookDAO(session).update(hook.id, WebhookUpdate()) == hook
    with store.session() as session:
        assert WebhookDAO(session).get(hook.id) == hook
        with pytest.raises(NotFound):
            WebhookDAO(session).update(uuid.uuid4(), WebhookUpdate())


def test_update_refuses_null_for_url_and_events() -> None:
    for field in ("url", "events"):
        with pytest.raises(ValidationError, match=f"{field} cannot be set to null"):
            WebhookUpdate.model_validate({field: None})


def test_delete(store: Store) -> None:
    with store.session() as session:
        hook = WebhookDAO(session).save(WebhookCreate(url="https://hooks.test/a"))
    with store.session() as session:
        assert WebhookDAO(session).delete(hook.id) is True
        assert WebhookDAO(session).delete(hook.id) is False
    with store.session() as session:
        assert WebhookDAO(session).get(hook.id) is None
        assert WebhookDAO(session).for_event(None) == []
