"""A media SDK database for the adoption tests: its rows, and reading them back."""

from __future__ import annotations

import json
import pickle
import uuid
from datetime import UTC, datetime
from typing import Any

from sqlstore import connect
from sqlstore.dao import CaptionDAO, MediaDAO, TaskDAO, TranscriptDAO, VideoDAO, WebhookDAO
from sqlstore.models import TaskStatus
from tests.adopt_seeds import Row

TABLES = ("media", "video", "transcript", "caption", "tasks", "webhooks")


T1, T2, T3 = (uuid.UUID(f"a1b2c3d4-0000-4000-8000-00000000000{n}") for n in (1, 2, 3))


W1, W2 = (uuid.UUID(f"b1b2c3d4-0000-4000-8000-00000000000{n}") for n in (1, 2))


GENERATED = "0f8fad5b-d9cb-469f-a165-70867728950e"  # a media id the SDK made with uuid4()


# An AsrSegment as the SDK dumps it: its times in time_interval.
SEGMENT = {
    "text": "hello",
    "time_interval": {"start": 0.0, "end": 1.5},
    "confidence": 0.9,
    "no_speech_confidence": 0.01,
    "words": [
        {"word": "hello", "time_interval": {"start": 0.0, "end": 0.5}, "alignment_confidence": 0.8}
    ],
    "speaker": None,
}


SEGMENTS = json.dumps([SEGMENT])


DATA = {"video": {"url": "https://example.com/v.mp4", "media_id": "vid-1"}, "n": 3, "x": None}


def _at(text: str) -> datetime:
    """A naive UTC time as the SDK keeps it, read as sqlstore returns it."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def _rows(dialect: str, *, with_media_id: bool = True) -> list[Row]:
    """Rows as the SDK's repositories write them on ``dialect``, for every table."""
    sqlite = dialect == "sqlite"

    def uid(u: uuid.UUID) -> Any:
        return u.hex if sqlite else u  # sa.UUID on SQLite: 32 hex digits

    def at(text: str | None) -> Any:
        return text if sqlite or text is None else _at(text)

    media = "INSERT INTO media (id, media_type, created_at, updated_at) VALUES (:id, :t, :c, :u)"
    video = (
        "INSERT INTO video (id, path, url, title, description)"
        " VALUES (:id, :path, :url, :title, :description)"
    )
    rows: list[Row] = [
        # A time at the server default's precision (no fraction) and one with microseconds.
        (
            media,
            {
                "id": "vid-1",
                "t": "video",
                "c": at("2025-11-07 12:00:00.250000"),
                "u": at("2025-11-07 12:30:00"),
            },
        ),
        (
            media,
            {
                "id": GENERATED,
                "t": "video",
                "c": at("2025-11-07 13:00:00"),
                "u": at("2025-11-07 13:00:00"),
            },
        ),
        (
            media,
            {
                "id": "img-1",
                "t": "image",
                "c": at("2025-11-07 14:00:00.000001"),
                "u": at("2025-11-07 14:00:00.000001"),
            },
        ),
        (
            video,
            {
                "id": "vid-1",
                "path": "/data/v.mp4",
                "url": "https://example.com/v.mp4",
                "title": "My Video",
                "description": "a talk",
            },
        ),
        (video, {"id": GENERATED, "path": None, "url": None, "title": None, "description": None}),
    ]
    if with_media_id:
        # The documented step: the app's own link, copied into the SDK's tables first.
        rows += [
            "ALTER TABLE transcript ADD COLUMN media_id VARCHAR(36)",
            "ALTER TABLE caption ADD COLUMN media_id VARCHAR(36)",
        ]
    link = ", media_id" if with_media_id else ""
    value = ", :media_id" if with_media_id else ""
    transcript = (
        "INSERT INTO transcript (id, model, transcript, segments, language, language_confidence,"
        f" transcript_type, created_at, updated_at{link}) VALUES (:id, :model, :text, :segments,"
        f" :language, :confidence, 'transcript', :c, :c{value})"
    )
    caption = (
        "INSERT INTO caption (id, model, frame_id, caption, timestamp, caption_type, created_at,"
        f" updated_at{link}) VALUES (:id, 'blip2', :frame, :caption, :ts, 'caption', :c, :c{value})"
    )
    rows += [
        (
            transcript,
            {
                "id": 3,
                "model": "whisper",
                "text": "hello",
                "segments": SEGMENTS,
                "language": "en",
                "confidence": 0.98,
                "c": at("2025-11-07 12:01:00.5"),
                "media_id": "vid-1",
            },
        ),
        (
            transcript,
            {
                "id": 9,
                "model": "whisper",
                "text": "",
                "segments": "[]",
                "language": "fr",
                "confidence": 1.0,
                "c": at("2025-11-07 13:01:00"),
                "media_id": GENERATED,
            },
        ),
        (
            caption,
            {
                "id": 4,
                "frame": 0,
                "caption": "a cat",
                "ts": 0.0,
                "c": at("2025-11-07 12:02:00"),
                "media_id": "vid-1",
            },
        ),
        (
            caption,
            {
                "id": 5,
                "frame": 30,
                "caption": "a dog",
                "ts": 1.25,
                "c": at("2025-11-07 12:02:00"),
                "media_id": "vid-1",
            },
        ),
    ]
    task = (
        "INSERT INTO tasks (id, endpoint, data, status, priority, assigned_at, completed_at,"
        " progress, result, created_at, updated_at, num_retries, user_id) VALUES (:id, :endpoint,"
        " :data, :status, :priority, :assigned, :completed, :progress, :result, :c, :u, :retries,"
        " :user_id)"
    )
    webhook = (
        "INSERT INTO webhooks (id, user_id, url, events, created_at, updated_at)"
        " VALUES (:id, :user_id, :url, :events, :c, :c)"
    )
    rows += [
        (
            task,
            {
                "id": uid(T1),
                "endpoint": "/video/transcribe",
                "data": pickle.dumps(DATA),
                "status": "COMPLETED",
                "priority": 2,
                "assigned": at("2025-11-07 12:00:01"),
                "completed": at("2025-11-07 12:00:09.5"),
                "progress": 100.0,
                "result": '{"text": "hello"}',
                "c": at("2025-11-07 12:00:00"),
                "u": at("2025-11-07 12:00:09.5"),
                "retries": 1,
                "user_id": "user-1",
            },
        ),
        # Never claimed: no result (SQL NULL), no times, no user.
        (
            task,
            {
                "id": uid(T2),
                "endpoint": "/video/caption",
                "data": pickle.dumps({}),
                "status": "CREATED",
                "priority": 0,
                "assigned": None,
                "completed": None,
                "progress": 0.0,
                "result": None,
                "c": at("2025-11-07 12:05:00"),
                "u": at("2025-11-07 12:05:00"),
                "retries": 0,
                "user_id": None,
            },
        ),
        # retry_task's result=None: SQLAlchemy's JSON keeps it as the JSON text null.
        (
            task,
            {
                "id": uid(T3),
                "endpoint": "/video/caption",
                "data": pickle.dumps({"k": [1, 2.5]}),
                "status": "NOT_FINISHED",
                "priority": 1,
                "assigned": at("2025-11-07 12:06:00"),
                "completed": None,
                "progress": 40.0,
                "result": "null",
                "c": at("2025-11-07 12:06:00"),
                "u": at("2025-11-07 12:07:00"),
                "retries": 2,
                "user_id": "user-1",
            },
        ),
        (
            webhook,
            {
                "id": uid(W1),
                "user_id": "user-1",
                "url": "https://hooks.example.com/a",
                "events": '["task.completed", "task.failed"]',
                "c": at("2025-11-07 11:00:00"),
            },
        ),
        (
            webhook,
            {
                "id": uid(W2),
                "user_id": None,
                "url": "https://hooks.example.com/all",
                "events": "[]",
                "c": at("2025-11-07 11:00:00.000500"),
            },
        ),
    ]
    if not with_media_id:
        rows = [
            (r[0], {k: v for k, v in r[1].items() if k != "media_id"})
            if isinstance(r, tuple)
            else r
            for r in rows
        ]
    return rows


def _check_rows(url: str) -> None:
    """Every seeded row, read back through sqlstore's DAOs, as the SDK wrote it."""
    with connect(url) as store, store.session() as session:
        media, videos = MediaDAO(session), VideoDAO(session)
        assert media.count() == 3 and videos.count() == 2
        image = media.get("img-1")
        assert image is not None and image.media_type == "image"
        assert image.created_at == _at("2025-11-07 14:00:00.000001")
        v1 = videos.get("vid-1")
        assert v1 is not None
        assert (v1.path, v1.url, v1.title, v1.description) == (
            "/data/v.mp4",
            "https://example.com/v.mp4",
            "My Video",
            "a talk",
        )
        assert v1.created_at == _at("2025-11-07 12:00:00.25")
        assert v1.updated_at == _at("2025-11-07 12:30:00")
        v2 = videos.get(GENERATED)
        assert v2 is not None and (v2.path, v2.url, v2.title, v2.description) == (
            None,
            None,
            "",
            "",
        )
        transcripts = TranscriptDAO(session)
        t3 = transcripts.get_by_id(3)
        assert t3 is not None
        assert (t3.media_id, t3.model, t3.transcript, t3.language, t3.language_confidence) == (
            "vid-1",
            "whisper",
            "hello",
            "en",
            0.98,
        )
        # sqlstore's segments have start and end; the SDK's time_interval stays beside them.
        assert [s.model_dump() for s in t3.segments] == [{**SEGMENT, "start": 0.0, "end": 1.5}]
        assert t3.created_at == t3.updated_at == _at("2025-11-07 12:01:00.5")
        t9 = transcripts.get_by_id(9)
        assert t9 is not None and (t9.media_id, t9.segments, t9.language_confidence) == (
            GENERATED,
            [],
            1.0,
        )
        captions = CaptionDAO(session).get("blip2", "vid-1")
        assert [(c.id, c.frame_id, c.caption, c.timestamp) for c in captions] == [
            (4, 0, "a cat", 0.0),
            (5, 30, "a dog", 1.25),
        ]
        tasks = TaskDAO(session)
        t1 = tasks.get(T1)
        assert t1 is not None
        assert (t1.endpoint, t1.data, t1.status, t1.priority, t1.progress, t1.result) == (
            "/video/transcribe",
            DATA,
            TaskStatus.COMPLETED,
            2,
            100.0,
            {"text": "hello"},
        )
        assert (t1.num_retries, t1.user_id) == (1, "user-1")
        assert (t1.assigned_at, t1.completed_at, t1.created_at, t1.updated_at) == (
            _at("2025-11-07 12:00:01"),
            _at("2025-11-07 12:00:09.5"),
            _at("2025-11-07 12:00:00"),
            _at("2025-11-07 12:00:09.5"),
        )
        t2 = tasks.get(T2)
        assert t2 is not None
        assert (t2.status, t2.data, t2.result, t2.user_id, t2.assigned_at, t2.completed_at) == (
            TaskStatus.CREATED,
            {},
            None,
            None,
            None,
            None,
        )
        t3_ = tasks.get(T3)
        assert t3_ is not None
        assert (t3_.status, t3_.data, t3_.result, t3_.num_retries) == (
            TaskStatus.NOT_FINISHED,
            {"k": [1, 2.5]},
            None,
            2,
        )
        assert tasks.count("user-1") == {
            **{s.value: 0 for s in TaskStatus},
            "completed": 1,
            "not_finished": 1,
            "total": 2,
        }
        hooks = WebhookDAO(session)
        w1, w2 = hooks.get(W1), hooks.get(W2)
        assert w1 is not None and w2 is not None
        assert (w1.user_id, w1.url, list(w1.events)) == (
            "user-1",
            "https://hooks.example.com/a",
            ["task.completed", "task.failed"],
        )
        assert (w2.user_id, list(w2.events), w2.created_at) == (
            None,
            [],
            _at("2025-11-07 11:00:00.0005"),
        )
