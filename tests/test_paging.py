"""Every table is listed the same way: keyset pages with a signed cursor, iter_all, count."""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from sqlstore import Session, Store
from sqlstore.dao import (
    CaptionDAO,
    GenerationDAO,
    MediaDAO,
    MessageDAO,
    ProjectDAO,
    PromptDAO,
    TaskDAO,
    TranscriptDAO,
    VideoDAO,
    WebhookDAO,
)
from sqlstore.errors import InvalidInput
from sqlstore.models import (
    GenerationStatus,
    MessageCreate,
    ProjectCreate,
    TaskCreate,
    TranscriptCreate,
    VideoCreate,
    WebhookCreate,
)
from sqlstore.results import Page
from tests.factories import make_world, new_generation

pytestmark = pytest.mark.both_apis

_counter = iter(range(10**9))


@dataclass
class Table:
    """How to add rows to one table and list them with its DAO."""

    setup: Callable[[Session], dict[str, Any]]  # rows the others hang off; the list's filters
    add: Callable[[Session, dict[str, Any]], None]  # one more row
    dao: Callable[[Session], Any]


def _no_setup(session: Session) -> dict[str, Any]:
    return {}


def _a_video(session: Session) -> dict[str, Any]:
    VideoDAO(session).save(VideoCreate(id="host"))
    return {"media_id": "host"}


def _a_project(session: Session) -> dict[str, Any]:
    w = make_world(session)
    project = ProjectDAO(session).create(ProjectCreate(name="p", orchestrator_id=w.orchestrator.id))
    return {"project_id": project.id, "_user": w.user.id}


def _add_message(session: Session, ctx: dict[str, Any]) -> None:
    MessageDAO(session).append(
        MessageCreate(
            type="TextMessage",
            content={"text": str(next(_counter))},
            project_id=ctx["project_id"],
            user_id=ctx["_user"],
        )
    )


def _add_transcript(session: Session, ctx: dict[str, Any]) -> None:
    TranscriptDAO(session).save(
        TranscriptCreate(
            model="whisper",
            media_id=ctx["media_id"],
            transcript="t",
            language="en",
            language_confidence=0.5,
        )
    )


TABLES: dict[str, Table] = {
    "media": Table(
        _no_setup,
        lambda s, c: VideoDAO(s).save(VideoCreate(id=f"m{next(_counter)}")) and None,
        MediaDAO,
    ),
    "video": Table(
        _no_setup,
        lambda s, c: VideoDAO(s).save(VideoCreate(id=f"v{next(_counter)}")) and None,
        VideoDAO,
    ),
    "transcripts": Table(_a_video, _add_transcript, TranscriptDAO),
    "captions": Table(
        _a_video,
        lambda s, c: CaptionDAO(s).save_all("blip", c["media_id"], ["c"], [0.0], [0]) and None,
        CaptionDAO,
    ),
    "webhooks": Table(
        _no_setup,
        lambda s, c: (
            WebhookDAO(s).save(WebhookCreate(user_id="u", url="https://h.test/x")) and None
        ),
        WebhookDAO,
    ),
    "prompts": Table(
        _no_setup, lambda s, c: PromptDAO(s).track_usage(f"p{next(_counter)}") and None, PromptDAO
    ),
    "tasks": Table(
        _no_setup, lambda s, c: TaskDAO(s).add(TaskCreate(endpoint="/e", data={})) and None, TaskDAO
    ),
    "generations": Table(
        _no_setup, lambda s, c: GenerationDAO(s).create(new_generation()) and None, GenerationDAO
    ),
    "messages": Table(_a_project, _add_message, MessageDAO),
}


def _filters(ctx: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in ctx.items() if not k.startswith("_")}


@pytest.mark.parametrize("table", sorted(TABLES))
def test_paging_to_the_end_sees_every_row_once_while_rows_are_inserted(
    store: Store, table: str
) -> None:
    spec = TABLES[table]
    with store.session() as session:
        ctx = spec.setup(session)
        for _ in range(23):
            spec.add(session, ctx)
        before = {row.id for row in spec.dao(session).iter_all(**_filters(ctx), batch_size=7)}
        counted = spec.dao(session).count(**_filters(ctx))
        # TaskDAO.count gives the count of each status and "total", as the SDK's.
        assert len(before) == 23 and (counted["total"] if table == "tasks" else counted) == 23
    seen: list[Any] = []
    after: str | None = None
    pages = 0
    while True:
        with store.session() as session:  # each page in its own transaction, as a web client
            page = spec.dao(session).list(**_filters(ctx), limit=5, after=after)
        assert isinstance(page, Page) and len(page) <= 5 and page.items == list(page)
        seen.extend(row.id for row in page)
        pages += 1
        with store.session() as session:  # another writer between two pages
            spec.add(session, ctx)
        if page.next is None:
            break
        after = page.next
    assert len(seen) == len(set(seen)), "a row came twice"
    assert before <= set(seen), "a row was missed"
    assert pages >= 5


@pytest.mark.parametrize("table", sorted(TABLES))
def test_a_tampered_cursor_is_invalid_input(session: Session, table: str) -> None:
    spec = TABLES[table]
    ctx = spec.setup(session)
    for _ in range(3):
        spec.add(session, ctx)
    dao = spec.dao(session)
    cursor = dao.list(**_filters(ctx), limit=1).next
    assert isinstance(cursor, str)
    body, mac = cursor.split(".")
    payload = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    forged = base64.urlsafe_b64encode(payload.replace(b"[", b"[ ", 1)).rstrip(b"=").decode()
    flipped = mac[:-1] + ("A" if mac[-1] != "A" else "B")
    for bad in (f"{forged}.{mac}", f"{body}.{flipped}", cursor[:-3], "nonsense", "a.b.c", ""):
        with pytest.raises(InvalidInput, match="cursor"):
            dao.list(**_filters(ctx), limit=1, after=bad)
    assert len(dao.list(**_filters(ctx), limit=1, after=cursor)) == 1


def test_a_cursor_of_other_filters_or_another_list_is_refused(session: Session) -> None:
    tasks = TaskDAO(session)
    for user in ("a", "a", "b"):
        tasks.add(TaskCreate(endpoint="/e", data={}, user_id=user))
    cursor = tasks.list(user_id="a", limit=1).next
    assert cursor is not None
    assert len(tasks.list(user_id="a", limit=1, after=cursor)) == 1
    with pytest.raises(InvalidInput, match="other filters"):
        tasks.list(user_id="b", limit=1, after=cursor)
    with pytest.raises(InvalidInput, match="another list"):
        GenerationDAO(session).list(limit=1, after=cursor)


def test_offset_paging_stays_and_gives_a_cursor_too(session: Session) -> None:
    gens = GenerationDAO(session)
    made = [gens.create(new_generation()) for _ in range(5)]
    newest_first = sorted(made, key=lambda g: (g.created_at, g.id), reverse=True)
    first = gens.list(limit=2, offset=1)
    assert first == newest_first[1:3]
    rest = gens.list(limit=10, after=first.next)
    assert rest == newest_first[3:] and rest.next is None
    # The old form: the last job of the previous page as ``after``.
    assert gens.list(limit=10, after=first[-1]) == newest_first[3:]
    with pytest.raises(InvalidInput, match="either offset or after"):
        gens.list(limit=2, offset=1, after=first.next)
    tasks = TaskDAO(session)
    for _ in range(3):
        tasks.add(TaskCreate(endpoint="/e", data={}))
    assert tasks.list(None, None, 2, 1).next is None
    assert len(tasks.list(None, None, 1, 1)) == 1


def test_filters_on_indexed_columns(session: Session) -> None:
    gens = GenerationDAO(session)
    job = gens.create(new_generation())
    gens.create(new_generation())
    gens.mark_processing(job.id)
    assert [g.id for g in gens.list(status=GenerationStatus.PROCESSING)] == [job.id]
    hooks = WebhookDAO(session)
    mine = hooks.save(WebhookCreate(user_id="u1", url="https://h.test/1"))
    system = hooks.save(WebhookCreate(user_id=None, url="https://h.test/s"))
    hooks.save(WebhookCreate(user_id="u2", url="https://h.test/2"))
    assert hooks.list(user_id="u1") == [mine]
    assert hooks.list(system_wide=True) == [system]
    assert len(hooks.list()) == 3 and hooks.count() == 3
    assert hooks.count(user_id="u1") == 1 and hooks.count(system_wide=True) == 1
    with pytest.raises(InvalidInput, match="not both"):
        hooks.list(user_id="u1", system_wide=True)
    VideoDAO(session).save(VideoCreate(id="v"))
    TranscriptDAO(session).save(
        TranscriptCreate(
            model="a", media_id="v", transcript="t", language="en", language_confidence=1
        )
    )
    assert TranscriptDAO(session).count(model="b") == 0
    assert [t.model for t in TranscriptDAO(session).list(media_id="v", model="a")] == ["a"]
    assert MediaDAO(session).count(media_type="audio") == 0


@pytest.mark.parametrize("limit", [0, -1, 10_001])
def test_a_bad_limit_is_invalid_input(session: Session, limit: Any) -> None:
    with pytest.raises((InvalidInput, ValueError)):
        PromptDAO(session).list(limit=limit)
