"""Hostile inputs for the media, task-queue, webhook and agent stores (see ``hostile_cases``)."""

from __future__ import annotations

import math
import uuid

from pydantic import ValidationError

from sqlstore.dao import (
    CaptionDAO,
    LogDAO,
    TaskDAO,
    ToolDAO,
    TranscriptDAO,
    UserDAO,
    VideoDAO,
    WebhookDAO,
)
from sqlstore.errors import DataError, ForeignKeyError, InvalidInput, NotFound
from sqlstore.models import (
    TaskCreate,
    TranscriptCreate,
    UserCreate,
    UserUpdate,
    VideoCreate,
    VideoUpdate,
    WebhookUpdate,
)
from stress.hostile import Case

INJECTION = "'; DROP TABLE generations; --"
NUL = "a\x00b"
T, V, W, Us = TaskDAO, VideoDAO, WebhookDAO, UserDAO
U4 = uuid.uuid4
STORE_CASES: list[Case] = [
    Case(
        "task no endpoint",
        lambda s, g: T(s).add(TaskCreate(endpoint="")),
        ValidationError,
        "endpoint",
    ),
    Case("task NUL endpoint", lambda s, g: T(s).add({"endpoint": NUL}), ValidationError, "NUL"),
    Case(
        "task NaN data",
        lambda s, g: T(s).add({"endpoint": "/x", "data": {"x": math.nan}}),
        ValidationError,
        "JSON",
    ),
    Case(
        "task priority -1",
        lambda s, g: T(s).add({"endpoint": "/x", "priority": -1}),
        ValidationError,
        "priority",
    ),
    Case("claim limit 0", lambda s, g: T(s).claim(limit=0), InvalidInput, "limit"),
    Case(
        "claim retries -1", lambda s, g: T(s).claim(max_retries=-1), ValidationError, "max_retries"
    ),
    Case(
        "task status unknown",
        lambda s, g: T(s).update_status(U4(), "exploded"),
        ValidationError,
        "status",
    ),
    Case(
        "task status missing",
        lambda s, g: T(s).update_status(U4(), "completed"),
        NotFound,
        "no task",
    ),
    Case(
        "task progress 101",
        lambda s, g: T(s).update_status(U4(), "running", progress=101),
        ValidationError,
        "progress",
    ),
    Case(
        "tasks status injection",
        lambda s, g: T(s).list(status=INJECTION),
        ValidationError,
        "status",
    ),
    Case("tasks user NUL", lambda s, g: T(s).list(user_id=NUL), ValidationError, "NUL"),
    Case("task delete not uuid", lambda s, g: T(s).delete(INJECTION), ValidationError, "UUID"),
    Case("expire negative", lambda s, g: T(s).expire(-1, 1, 1), ValidationError, "greater than 0"),
    Case(
        "video id too long",
        lambda s, g: V(s).save(VideoCreate(id="v" * 37)),
        ValidationError,
        "at most 36",
    ),
    Case("video id NUL", lambda s, g: V(s).save(VideoCreate(id=NUL)), DataError, "NUL"),
    Case("video title NUL", lambda s, g: V(s).save(VideoCreate(title=NUL)), DataError, "NUL"),
    Case(
        "video update missing",
        lambda s, g: V(s).update("nope", VideoUpdate(title="t")),
        NotFound,
        "nope",
    ),
    Case(
        "transcript no media",
        lambda s, g: TranscriptDAO(s).save(
            TranscriptCreate(
                model="m", media_id="nope", transcript="t", language="en", language_confidence=0.5
            )
        ),
        ForeignKeyError,
        "no media",
    ),
    Case(
        "transcript confidence 2",
        lambda s, g: TranscriptDAO(s).save(
            {
                "model": "m",
                "media_id": "x",
                "transcript": "t",
                "language": "en",
                "language_confidence": 2,
            }
        ),
        ValidationError,
        "language_confidence",
    ),
    Case(
        "captions unequal",
        lambda s, g: CaptionDAO(s).save_all("m", "x", ["a", "b"], [0.0], [0]),
        InvalidInput,
        "same length",
    ),
    Case(
        "caption frame -1",
        lambda s, g: CaptionDAO(s).save_all("m", "x", ["a"], [0.0], frame_ids=[-1]),
        ValidationError,
        "frame_ids",
    ),
    Case(
        "webhook event unknown",
        lambda s, g: W(s).save({"url": "https://x.io", "events": ["task.exploded"]}),
        ValidationError,
        "events",
    ),
    Case(
        "webhook url injection", lambda s, g: W(s).save({"url": INJECTION}), ValidationError, "url"
    ),
    Case(
        "webhook lookup event",
        lambda s, g: W(s).for_event(None, event_type=INJECTION),
        ValidationError,
        "event_type",
    ),
    Case(
        "webhook update missing",
        lambda s, g: W(s).update(U4(), WebhookUpdate(url="https://x.io")),
        NotFound,
        "no webhook",
    ),
    # The agent stores.
    Case("user email NUL", lambda s, g: Us(s).create(UserCreate(email=NUL)), DataError, "NUL"),
    Case(
        "user email too long",
        lambda s, g: Us(s).create({"email": "e" * 129}),
        ValidationError,
        "email.*at most 128",
    ),
    Case(
        "user extra field",
        lambda s, g: Us(s).create({"email": "a@b.c", "is_admin": True}),
        ValidationError,
        "is_admin.*extra",
    ),
    Case("user get injection", lambda s, g: Us(s).get(INJECTION), ValidationError, "UUID"),
    Case("user lookup NUL", lambda s, g: Us(s).get_by_email(NUL), DataError, "NUL"),
    Case("users limit -1", lambda s, g: Us(s).list(limit=-1), InvalidInput, "limit"),
    Case(
        "user update missing",
        lambda s, g: Us(s).update(U4(), UserUpdate(first_name="x")),
        NotFound,
        "no user",
    ),
    Case("log NUL", lambda s, g: LogDAO(s).write("info", NUL), DataError, "NUL"),
    Case(
        "tool name set to null",
        lambda s, g: ToolDAO(s).update(U4(), {"name": None}),
        ValidationError,
        "name cannot be set to null",
    ),
]
