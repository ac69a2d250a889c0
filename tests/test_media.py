"""The media store: media, video, transcripts and captions, on both dialects."""

from __future__ import annotations

import math
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from pydantic import TypeAdapter, ValidationError

from sqlstore import Json, Session, Store, connect
from sqlstore.dao import CaptionDAO, MediaDAO, TranscriptDAO, VideoDAO
from sqlstore.errors import (
    AlreadyExists,
    ForeignKeyError,
    IntegrityError,
    InvalidInput,
    NotFound,
)
from sqlstore.models import (
    Media,
    Transcript,
    TranscriptCreate,
    UtcDateTime,
    Video,
    VideoCreate,
    VideoMetadata,
    VideoUpdate,
)
from sqlstore.types import utcnow
from tests.helpers import RAW_SQL

pytestmark = pytest.mark.both_apis

_times = TypeAdapter(UtcDateTime)

SEGMENTS: list[dict[str, Any]] = [
    {"start": 0.0, "end": 1.5, "text": "Hello", "words": [{"word": "Hello", "start": 0.0}]},
    {"start": 1.5, "end": 3.0, "text": "world", "words": [], "confidence": 0.9},
]


def _transcript(media_id: str, **overrides: Any) -> TranscriptCreate:
    fields: dict[str, Any] = {
        "model": "whisper-medium",
        "media_id": media_id,
        "transcript": "Hello world",
        "segments": SEGMENTS,
        "language": "en",
        "language_confidence": 0.98,
    }
    fields.update(overrides)
    return TranscriptCreate(**fields)


@pytest.fixture
def video(session: Session) -> Video:
    return VideoDAO(session).save(
        VideoCreate(id="vid-1", path="/data/v.mp4", title="Beach", description="Waves")
    )


# --- media and video ---------------------------------------------------------------------


def test_save_writes_media_and_video_rows_and_reads_them_joined(session: Session) -> None:
    videos = VideoDAO(session)
    saved = videos.save(
        VideoCreate(media_id="abc", path=Path("/data/a.mp4"), url="https://x.test/a.mp4")
    )
    assert isinstance(saved, Video)
    assert saved.id == saved.media_id == "abc" and saved.media_type == "video"
    assert (saved.path, saved.url, saved.title, saved.description) == (
        "/data/a.mp4",
        "https://x.test/a.mp4",
        "",
        "",
    )
    assert saved.created_at.tzinfo is UTC and saved.updated_at >= saved.created_at
    assert videos.get("abc") == saved
    media = MediaDAO(session).get("abc")
    assert isinstance(media, Media) and not isinstance(media, Video)
    assert media.media_type == "video"
    assert videos.check_media_exists("abc") and MediaDAO(session).check_media_exists("abc")
    assert not videos.check_media_exists("nope") and videos.get("nope") is None


def test_a_generated_id_is_uuid4_text(session: Session) -> None:
    saved = VideoDAO(session).save(VideoCreate(title="t"))
    assert uuid.UUID(saved.id).version == 4 and str(uuid.UUID(saved.id)) == saved.id


def test_a_duplicate_id_is_already_exists_naming_it_and_leaves_nothing_partial(
    session: Session, video: Video
) -> None:
    videos = VideoDAO(session)
    with pytest.raises(AlreadyExists, match="media id 'vid-1' already exists") as info:
        videos.save(VideoCreate(id="vid-1", title="Other", path="/other.mp4"))
    assert info.value.__cause__ is not None
    # The session goes on (the failed save was its own savepoint), and the
    # first video is untouched.
    assert videos.get("vid-1") == video
    assert videos.save(VideoCreate(id="vid-2")).id == "vid-2"


@pytest.mark.sync_only  # a blocking DAO subclass
def test_a_failure_after_the_media_row_leaves_no_media_row(session: Session) -> None:
    class FailingDAO(VideoDAO):
        def insert_video(self, video: VideoCreate, now: datetime) -> None:
            super().insert_video(video, now)
            raise RuntimeError("crash between the rows")

    with pytest.raises(RuntimeError):
        FailingDAO(session).save(VideoCreate(id="half"))
    assert not MediaDAO(session).check_media_exists("half")
    assert VideoDAO(session).get("half") is None


def test_a_duplicate_in_another_transaction_rolls_back_cleanly(store: Store) -> None:
    with store.session() as session:
        VideoDAO(session).save(VideoCreate(id="same", title="first"))
    with pytest.raises(AlreadyExists, match="'same'"), store.session() as session:
        VideoDAO(session).save(VideoCreate(id="same", title="second"))
    with store.session() as session:
        found = VideoDAO(session).get("same")
        assert found is not None and found.title == "first"


def test_workers_saving_the_same_id_at_once_get_one_video(store: Store) -> None:
    # The check is the primary key itself: each loser gets AlreadyExists
    # naming the id, never a raw driver error, and nothing partial stays.
    workers = 5
    start = threading.Barrier(workers)

    def save(n: int) -> str:
        start.wait(10)
        try:
            with store.session() as session:
                VideoDAO(session).save(VideoCreate(id="raced", title=f"worker {n}"))
        except AlreadyExists as exc:
            assert "media id 'raced' already exists" in str(exc)
            return "exists"
        return "saved"

    with ThreadPoolExecutor(max_workers=workers) as pool:
        outcomes = sorted(pool.map(save, range(workers)))
    assert outcomes == ["exists"] * (workers - 1) + ["saved"]
    with store.session() as session:
        found = VideoDAO(session).get("raced")
        assert found is not None and found.title.startswith("worker ")


@pytest.mark.parametrize("bad", ["", "x" * 37])
def test_ids_outside_1_to_36_characters_are_refused(session: Session, bad: str) -> None:
    with pytest.raises(ValidationError):
        VideoCreate(id=bad)
    with pytest.raises(ValidationError):
        VideoDAO(session).get(bad)
    with pytest.raises(ValidationError):
        MediaDAO(session).check_media_exists(bad)


def test_the_database_refuses_a_long_id_too(session: Session) -> None:
    with pytest.raises(IntegrityError), session.savepoint():
        session.execute("media.media.insert", id="x" * 37, media_type="video", now=utcnow())
    assert session.fetch_value("media.media.exists", id="x" * 37) is None


def test_bad_argument_types_are_refused_on_both_dialects(session: Session) -> None:
    for call in (
        lambda: VideoDAO(session).get(123),  # type: ignore[arg-type]
        lambda: MediaDAO(session).delete(None),  # type: ignore[arg-type]
        lambda: VideoDAO(session).save({"id": "a", "colour": "red"}),  # type: ignore[arg-type]
    ):
        with pytest.raises(ValidationError):
            call()


def test_get_metadata(session: Session, video: Video) -> None:
    assert VideoDAO(session).get_metadata("vid-1") == VideoMetadata(
        title="Beach", description="Waves"
    )
    with pytest.raises(NotFound, match="missing"):
        VideoDAO(session).get_metadata("missing")


def test_update_changes_given_fields_and_moves_updated_at(session: Session, video: Video) -> None:
    time.sleep(0.002)  # past SQLite's millisecond clock
    changed = VideoDAO(session).update("vid-1", VideoUpdate(title="Sunset"))
    assert changed.title == "Sunset"
    assert (changed.description, changed.path) == (video.description, video.path)
    assert changed.updated_at > video.updated_at and changed.created_at == video.created_at
    with pytest.raises(NotFound):
        VideoDAO(session).update("missing", VideoUpdate(title="x"))


def test_update_sets_a_nullable_field_to_null_and_leaves_the_others(store: Store) -> None:
    with store.session() as session:
        saved = VideoDAO(session).save(
            VideoCreate(id="vid-n", path="/data/v.mp4", url="https://x.test/v.mp4", title="T")
        )
    with store.session() as session:
        returned = VideoDAO(session).update("vid-n", VideoUpdate(url=None, description="D"))
    with store.session() as session:
        stored = VideoDAO(session).get("vid-n")
    assert stored == returned
    assert stored.url is None and stored.description == "D"
    assert (stored.path, stored.title, stored.created_at) == ("/data/v.mp4", "T", saved.created_at)
    assert stored.updated_at > saved.updated_at
    with store.session() as session:
        VideoDAO(session).update("vid-n", VideoUpdate(path=None))
    with store.session() as session:
        cleared = VideoDAO(session).get("vid-n")
    assert cleared is not None and (cleared.path, cleared.url, cleared.title) == (None, None, "T")


def test_update_with_no_field_given_changes_nothing_not_even_updated_at(store: Store) -> None:
    with store.session() as session:
        saved = VideoDAO(session).save(VideoCreate(id="vid-1", path="/data/v.mp4", title="T"))
    with store.session() as session:
        assert VideoDAO(session).update("vid-1", VideoUpdate()) == saved
    with store.session() as session:
        assert VideoDAO(session).get("vid-1") == saved
        with pytest.raises(NotFound, match="missing"):
            VideoDAO(session).update("missing", VideoUpdate())


def test_update_refuses_null_for_title_and_description() -> None:
    for field in ("title", "description"):
        with pytest.raises(ValidationError, match=f"{field} cannot be set to null"):
            VideoUpdate.model_validate({field: None})
    changes = VideoUpdate(title="T")
    with pytest.raises(ValidationError):
        changes.description = None  # refused when set afterwards too, and not kept
    assert changes.given() == {"title": "T"}


def test_updated_at_moves_on_every_raw_update_of_every_table(store: Store) -> None:
    with store.session() as session:
        VideoDAO(session).save(VideoCreate(id="vid-1"))
        TranscriptDAO(session).save(_transcript("vid-1"))
        CaptionDAO(session).save_all("blip", "vid-1", ["a", "b"], [0.0, 1.0], [0, 1])
    raw_url = store.settings.url.render(hide_password=False)
    with connect(raw_url, sql_dirs=[RAW_SQL]) as raw:

        def stamps() -> dict[tuple[str, str], datetime]:
            with raw.session() as session:
                rows = session.fetch_all("raw.updated_at", id="vid-1")
            return {(r["tbl"], r["key"]): _times.validate_python(r["updated_at"]) for r in rows}

        before = stamps()
        assert {t for t, _ in before} == {"media", "video", "transcripts", "captions"}
        # Raw UPDATEs that never name updated_at, in one transaction: each row moves.
        with raw.session() as session:
            session.execute("raw.touch_media", id="vid-1")
            session.execute("media.video.update", id="vid-1", **VideoUpdate(title="t").params())
            session.execute("raw.touch_transcripts", media_id="vid-1", language="fr")
            session.execute("raw.touch_captions", media_id="vid-1")
        after = stamps()
        assert after.keys() == before.keys()
        for key, old in before.items():
            assert after[key] > old, key
        with raw.session() as session:
            session.execute("raw.touch_media", id="vid-1")
        assert stamps()[("media", "vid-1")] > after[("media", "vid-1")]


def test_delete_takes_the_transcripts_and_captions_with_it(session: Session, video: Video) -> None:
    TranscriptDAO(session).save(_transcript("vid-1"))
    CaptionDAO(session).save_all("blip", "vid-1", ["a"], [0.0], [0])
    assert VideoDAO(session).delete("vid-1") is True
    assert VideoDAO(session).get("vid-1") is None
    assert not MediaDAO(session).check_media_exists("vid-1")
    assert TranscriptDAO(session).get("whisper-medium", "vid-1") is None
    assert CaptionDAO(session).get("blip", "vid-1") == []
    assert VideoDAO(session).delete("vid-1") is False
    assert MediaDAO(session).delete("vid-1") is False


def test_media_delete_cascades_too(session: Session, video: Video) -> None:
    assert MediaDAO(session).delete("vid-1") is True
    assert VideoDAO(session).get("vid-1") is None


def test_video_delete_leaves_a_media_that_is_not_a_video(session: Session) -> None:
    session.execute("media.media.insert", id="img-1", media_type="image", now=utcnow())
    assert VideoDAO(session).delete("img-1") is False
    assert MediaDAO(session).check_media_exists("img-1")
    assert VideoDAO(session).get("img-1") is None


def test_naive_datetimes_are_taken_as_utc() -> None:
    naive = datetime(2026, 1, 2, 3, 4, 5)
    video = Video(
        id="a",
        media_type="video",
        path=None,
        url=None,
        title="",
        description="",
        created_at=naive,
        updated_at="2026-01-02T03:04:05.000000+00:00",  # type: ignore[arg-type]
    )
    assert video.created_at == naive.replace(tzinfo=UTC) == video.updated_at


# --- transcripts ---------------------------------------------------------------------------


def test_transcript_save_and_get(session: Session, video: Video) -> None:
    saved = TranscriptDAO(session).save(_transcript("vid-1"))
    assert isinstance(saved, Transcript) and isinstance(saved.id, int)
    assert saved.model == "whisper-medium" and saved.media_id == "vid-1"
    assert [s.model_dump() for s in saved.segments] == SEGMENTS
    assert (saved.language, saved.language_confidence) == ("en", 0.98)
    assert saved.created_at.tzinfo is UTC
    assert TranscriptDAO(session).get("whisper-medium", "vid-1") == saved
    assert TranscriptDAO(session).get("other-model", "vid-1") is None


def test_get_returns_the_latest_transcript_of_the_model(session: Session, video: Video) -> None:
    dao = TranscriptDAO(session)
    dao.save(_transcript("vid-1", transcript="first"))
    latest = dao.save(_transcript("vid-1", transcript="second"))
    dao.save(_transcript("vid-1", model="other", transcript="third"))
    assert dao.get("whisper-medium", "vid-1") == latest


@pytest.mark.parametrize(
    "bad",
    [
        {"language_confidence": 1.01},
        {"language_confidence": -0.1},
        {"language_confidence": math.nan},
        {"segments": [{"start": 2.0, "end": 1.0, "text": "backwards"}]},
        {"segments": [{"start": -1.0, "end": 1.0, "text": "negative"}]},
        {"segments": [{"start": 0.0, "end": 1.0, "text": "x", "extra": object()}]},
        {"model": ""},
    ],
)
def test_bad_transcripts_are_refused(bad: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        _transcript("vid-1", **bad)


def test_the_database_checks_language_confidence_too(session: Session, video: Video) -> None:
    with pytest.raises(IntegrityError), session.savepoint():
        session.fetch_one(
            "media.transcripts.insert",
            model="m",
            media_id="vid-1",
            transcript="t",
            segments=Json([]),
            language="en",
            language_confidence=1.5,
            now=utcnow(),
        )
    assert TranscriptDAO(session).get("m", "vid-1") is None


def test_a_transcript_of_a_missing_media_is_a_foreign_key_error(store: Store) -> None:
    with pytest.raises(ForeignKeyError, match="no media with id 'ghost'"):
        with store.session() as session:
            TranscriptDAO(session).save(_transcript("ghost"))


# --- captions ------------------------------------------------------------------------------


def test_save_all_and_get_in_frame_order(session: Session, video: Video) -> None:
    dao = CaptionDAO(session)
    n = dao.save_all("blip", "vid-1", ["third", "first", "second"], [2.0, 0.0, 1.0], [20, 0, 10])
    assert n == 3
    captions = dao.get("blip", "vid-1")
    assert [(c.frame_id, c.caption, c.timestamp) for c in captions] == [
        (0, "first", 0.0),
        (10, "second", 1.0),
        (20, "third", 2.0),
    ]
    assert all(c.model == "blip" and c.media_id == "vid-1" for c in captions)
    assert all(c.created_at.tzinfo is UTC for c in captions)
    assert dao.get("other", "vid-1") == []
    assert dao.save_all("blip", "vid-1", [], [], []) == 0


@pytest.mark.parametrize(
    ("captions", "timestamps", "frame_ids"),
    [
        (["a", "b"], [0.0], [0, 1]),
        (["a"], [0.0, 1.0], [0]),
        (["a", "b"], [0.0, 1.0], [0]),
    ],
)
def test_unequal_lengths_are_invalid_input_and_write_nothing(
    session: Session,
    video: Video,
    captions: list[str],
    timestamps: list[float],
    frame_ids: list[int],
) -> None:
    with pytest.raises(InvalidInput, match="same length"):
        CaptionDAO(session).save_all("blip", "vid-1", captions, timestamps, frame_ids)
    assert CaptionDAO(session).get("blip", "vid-1") == []


@pytest.mark.parametrize(
    ("timestamps", "frame_ids"),
    [([0.0, -1.0], [0, 1]), ([0.0, 1.0], [0, -1]), ([0.0, math.inf], [0, 1])],
)
def test_negative_frames_and_times_are_refused_and_write_nothing(
    session: Session, video: Video, timestamps: list[float], frame_ids: list[int]
) -> None:
    with pytest.raises(ValidationError):
        CaptionDAO(session).save_all("blip", "vid-1", ["a", "b"], timestamps, frame_ids)
    assert CaptionDAO(session).get("blip", "vid-1") == []


def test_the_database_checks_frame_id_and_timestamp_too(session: Session, video: Video) -> None:
    for frame_id, timestamp in ((-1, 0.0), (0, -0.5)):
        with pytest.raises(IntegrityError), session.savepoint():
            session.execute(
                "media.captions.insert",
                model="m",
                media_id="vid-1",
                caption="c",
                frame_id=frame_id,
                timestamp=timestamp,
                now=utcnow(),
            )
    assert CaptionDAO(session).get("m", "vid-1") == []


def test_captions_of_a_missing_media_write_nothing(session: Session, video: Video) -> None:
    with pytest.raises(ForeignKeyError, match="no media with id 'ghost'"):
        CaptionDAO(session).save_all("blip", "ghost", ["a", "b"], [0.0, 1.0], [0, 1])
    # The batch was its own savepoint: the session goes on.
    assert CaptionDAO(session).save_all("blip", "vid-1", ["a"], [0.0], [0]) == 1
    assert CaptionDAO(session).get("blip", "ghost") == []


def test_a_large_batch(session: Session, video: Video) -> None:
    frame_ids = list(range(500))
    captions = [f"frame {i}" for i in frame_ids]
    timestamps = [i / 25 for i in frame_ids]
    assert CaptionDAO(session).save_all("blip", "vid-1", captions, timestamps, frame_ids) == 500
    stored = CaptionDAO(session).get("blip", "vid-1")
    assert [c.frame_id for c in stored] == frame_ids
