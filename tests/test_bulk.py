"""Bulk writes: saves in one statement per table, updates and deletes by ids or a filter."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from sqlstore import Session, Store
from sqlstore.dao import (
    CaptionDAO,
    GenerationDAO,
    MediaDAO,
    TaskDAO,
    TranscriptDAO,
    VideoDAO,
    WebhookDAO,
)
from sqlstore.errors import (
    AlreadyExists,
    ForeignKeyError,
    IntegrityError,
    InvalidInput,
    InvalidTransition,
)
from sqlstore.models import (
    GenerationStatus,
    TaskCreate,
    TaskStatus,
    TranscriptCreate,
    TranscriptUpdate,
    VideoCreate,
    WebhookCreate,
    WebhookUpdate,
)
from sqlstore.results import Written
from tests.factories import new_generation

pytestmark = pytest.mark.both_apis


def _transcript(media_id: str, text: str = "t", confidence: float = 0.5) -> TranscriptCreate:
    return TranscriptCreate(
        model="whisper",
        media_id=media_id,
        transcript=text,
        segments=[{"start": 0, "end": 1, "text": text}],
        language="en",
        language_confidence=confidence,
    )


def test_save_many_videos_writes_media_and_video_rows_and_says_which(session: Session) -> None:
    dao = VideoDAO(session)
    written = dao.save_many([VideoCreate(id=f"v{i}", title=f"t{i}") for i in range(50)])
    assert isinstance(written, Written) and written == 50
    assert written.ids == tuple(f"v{i}" for i in range(50))
    assert dao.get("v7") is not None and dao.get("v7").title == "t7"  # type: ignore[union-attr]
    assert MediaDAO(session).count(media_type="video") == 50 and dao.count() == 50
    assert dao.save_many([]) == 0


def test_save_many_videos_is_all_or_nothing(store: Store) -> None:
    with store.session() as session:
        VideoDAO(session).save(VideoCreate(id="taken"))
        news = [VideoCreate(id="a"), VideoCreate(id="taken"), VideoCreate(id="c")]
        with pytest.raises(AlreadyExists, match="no video was saved"):
            VideoDAO(session).save_many(news)
        with pytest.raises(AlreadyExists):
            VideoDAO(session).save_many([VideoCreate(id="x"), VideoCreate(id="x")])
        # The session goes on; nothing of the refused batches is there.
        assert VideoDAO(session).count() == 1 and MediaDAO(session).count() == 1
    with store.session() as session:
        assert [v.id for v in VideoDAO(session).list()] == ["taken"]


def test_save_many_transcripts_returns_the_new_ids_in_order(session: Session) -> None:
    VideoDAO(session).save(VideoCreate(id="v"))
    dao = TranscriptDAO(session)
    written = dao.save_many([_transcript("v", f"n{i}") for i in range(20)])
    assert written == 20 and list(written.ids) == sorted(written.ids)
    for i, id in enumerate(written.ids):
        got = dao.get_by_id(id)
        assert got is not None and got.transcript == f"n{i}" and got.segments[0].text == f"n{i}"


def test_save_many_transcripts_with_a_refused_row_in_the_middle_writes_none(
    store: Store,
) -> None:
    with store.session() as session:
        VideoDAO(session).save(VideoCreate(id="v"))
        batch = [_transcript("v"), _transcript("ghost"), _transcript("v")]
        with pytest.raises(ForeignKeyError):
            TranscriptDAO(session).save_many(batch)
        assert TranscriptDAO(session).count() == 0
    # A row the database refuses (not the model): a confidence over 1, built unchecked.
    bad = _transcript("v").model_copy(update={"language_confidence": 1.5})
    with store.session() as session:
        with pytest.raises(IntegrityError):
            TranscriptDAO(session).save_many([_transcript("v"), bad, _transcript("v")])
        assert TranscriptDAO(session).count(media_id="v") == 0


def test_caption_save_all_is_one_statement_all_or_nothing_with_ids(store: Store) -> None:
    with store.session() as session:
        VideoDAO(session).save(VideoCreate(id="v"))
        dao = CaptionDAO(session)
        written = dao.save_all("blip", "v", ["a", "b", "c"], [0.0, 1.0, 2.0], [0, 1, 2])
        assert written == 3 and [dao.get_by_id(i).caption for i in written.ids] == ["a", "b", "c"]  # type: ignore[union-attr]
        with pytest.raises(ForeignKeyError, match="ghost"):
            dao.save_all("blip", "ghost", ["x"], [0.0], [0])
        assert dao.count(media_id="v") == 3
        assert dao.delete(written.ids[1]) is True and dao.delete(written.ids[1]) is False
        assert [c.caption for c in dao.get("blip", "v")] == ["a", "c"]


def test_transcript_get_update_delete_by_id(session: Session) -> None:
    VideoDAO(session).save(VideoCreate(id="v"))
    dao = TranscriptDAO(session)
    saved = dao.save(_transcript("v"))
    changed = dao.update(saved.id, TranscriptUpdate(language="fr", segments=[]))
    assert changed.language == "fr" and changed.segments == [] and changed.transcript == "t"
    assert dao.update(saved.id, TranscriptUpdate()) == changed
    assert dao.delete(saved.id) is True and dao.get_by_id(saved.id) is None
    assert dao.delete(saved.id) is False


def test_task_bulk_delete_by_status_and_age(session: Session) -> None:
    dao = TaskDAO(session)
    old = [dao.add(TaskCreate(endpoint="/e", data={})) for _ in range(3)]
    for t in old:
        dao.update_status(t.id, TaskStatus.COMPLETED)
    assert dao.delete_many(status=TaskStatus.COMPLETED, older_than=timedelta(days=30)) == 0
    assert dao.delete_many(status=TaskStatus.COMPLETED, older_than=timedelta(0)) == 3
    assert dao.count()["total"] == 0
    with pytest.raises(InvalidInput, match="name the rows"):
        dao.delete_many()


def test_task_bulk_delete_is_refused_as_a_whole_when_one_is_held(store: Store) -> None:
    with store.session() as session:
        dao = TaskDAO(session)
        tasks = [dao.add(TaskCreate(endpoint="/e", data={}, user_id="gone")) for _ in range(3)]
        dao.update_status(tasks[1].id, TaskStatus.RUNNING)
        with pytest.raises(InvalidTransition, match=str(tasks[1].id)):
            dao.delete_many([t.id for t in tasks])
        with pytest.raises(InvalidTransition):
            dao.delete_many(user_id="gone")
        assert dao.count()["total"] == 3  # nothing deleted
        # Fail every task of a deleted user, then they can go.
        assert dao.set_status_many(TaskStatus.FAILED, user_id="gone", result={"error": "x"}) == 3
        assert {t.status for t in dao.list(user_id="gone")} == {TaskStatus.FAILED}
        assert dao.delete_many([t.id for t in tasks]) == 3
    with store.session() as session:
        assert TaskDAO(session).count()["total"] == 0
        assert TaskDAO(session).delete_many([]) == 0


def test_generation_bulk_status_and_delete(session: Session) -> None:
    dao = GenerationDAO(session)
    jobs = [dao.create(new_generation()) for _ in range(4)]
    dao.mark_processing(jobs[0].id)
    dao.complete(jobs[0].id, 1.0, 10)
    # One completed job among those named: none moves.
    with pytest.raises(InvalidTransition, match=str(jobs[0].id)):
        dao.set_status_many(GenerationStatus.FAILED, [j.id for j in jobs], error_message="x")
    assert dao.count(GenerationStatus.PENDING) == 3
    moved = dao.set_status_many(
        GenerationStatus.FAILED, status=GenerationStatus.PENDING, older_than=timedelta(0)
    )
    assert moved == 3 and dao.count(GenerationStatus.FAILED) == 3
    assert all(g.error_message is None for g in dao.list(status=GenerationStatus.FAILED))
    assert dao.delete_many(status=GenerationStatus.FAILED) == 3
    assert dao.delete_many([jobs[0].id, uuid.uuid4()]) == 1 and dao.count() == 0


def test_webhook_bulk_update_and_delete_by_user(session: Session) -> None:
    dao = WebhookDAO(session)
    mine = [dao.save(WebhookCreate(user_id="u1", url=f"https://h.test/{i}")) for i in range(3)]
    other = dao.save(WebhookCreate(user_id="u2", url="https://h.test/o"))
    assert dao.update_many(WebhookUpdate(url="https://h.test/new"), user_id="u1") == 3
    assert {h.url for h in dao.list(user_id="u1")} == {"https://h.test/new"}
    assert dao.update_many(WebhookUpdate(), user_id="u1") == 0
    assert dao.delete_many([mine[0].id]) == 1
    assert dao.delete_many(user_id="u1") == 2
    assert dao.list() == [other]
